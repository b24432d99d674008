"""Journeys with the keyboard alone: where focus lands after each in-page change, that
each message is announced once, and that every control is big enough to hit."""

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.test_catalogue import make_catalogue, results
from e2e.test_phone import DESKTOP, PHONE
from e2e.test_registration import log_in, log_in_with_the_form, panel
from events import services
from tests.factories import EventFactory, UserFactory

FOCUSED = "document.activeElement"
# Near enough to the accessible name for these controls: aria-label, else the <label>,
# else the text.
NAME_OF_FOCUSED = """(() => {
  const el = document.activeElement;
  const label = el.labels && el.labels[0];
  return (el.getAttribute("aria-label") || (label ? label.textContent : el.textContent)).trim();
})()"""


def tab_to(page: Page, name: str, backwards=False, limit=80):
    """Press Tab (or Shift+Tab) until the focused control is called `name`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        label = page.evaluate(NAME_OF_FOCUSED)
        if label == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def focused_text(page: Page) -> str:
    return page.evaluate(f"{FOCUSED}.textContent.trim()")


def wait_for_focus_inside(page: Page, selector: str):
    """Fails unless focus settles inside `selector`: app.js moves it once htmx has
    settled, a moment after the new content shows. (Polled from here: the page's CSP
    forbids the eval that page.wait_for_function would use.)"""
    for _ in range(50):
        if page.evaluate(f"document.querySelector({selector!r}).contains({FOCUSED})"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"Focus never settled inside {selector}")


def announced(page: Page) -> list[str]:
    return page.locator("#announcer p").all_text_contents()


def test_register_and_cancel_with_the_keyboard(page: Page, attendee):
    event = EventFactory(title="Rust workshop", capacity=10)
    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    page.wait_for_timeout(400)  # the login's welcome has been announced
    before = announced(page)

    tab_to(page, "Register")
    page.keyboard.press("Enter")
    expect(panel(page)).to_contain_text("You're registered.")
    expect(page.locator("#announcer p").last).to_have_text("You're registered. See you there!")
    wait_for_focus_inside(page, "#registration-panel")
    assert "You're registered." in focused_text(page)

    page.once("dialog", lambda dialog: dialog.accept())
    tab_to(page, "Cancel registration")
    page.keyboard.press("Enter")
    expect(panel(page)).to_contain_text("Free · 10 seats left")
    wait_for_focus_inside(page, "#registration-panel")
    page.keyboard.press("Tab")
    assert page.evaluate(f"{FOCUSED}.closest('#registration-panel, .event-side') !== null")

    expect(page.locator("#announcer p").last).to_have_text("Your registration is cancelled.")
    new = announced(page)[len(before) :]
    assert new == ["You're registered. See you there!", "Your registration is cancelled."]
    # The second toast replaced the first: they were about the same thing.
    expect(page.locator("#messages .toast:not(.is-leaving)")).to_have_count(1)
    assert page.locator("#messages").get_attribute("aria-live") is None


def test_join_the_waitlist_with_the_keyboard(page: Page, attendee):
    event = EventFactory(capacity=1, waitlist_enabled=True)
    services.register(user=UserFactory(), event=event)
    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    tab_to(page, "Join the waitlist")
    page.keyboard.press("Enter")
    expect(panel(page)).to_contain_text("You're #1 on the waitlist.")
    wait_for_focus_inside(page, "#registration-panel")
    assert "#1 on the waitlist" in focused_text(page)


def test_register_from_a_card_with_the_keyboard(page: Page, attendee):
    event = EventFactory(title="Rust workshop")
    log_in(page, attendee.email)
    page.goto("/events/")
    tab_to(page, f"Register: {event.title}")
    page.keyboard.press("Enter")
    expect(results(page)).to_contain_text("You're registered")
    wait_for_focus_inside(page, f"#card-action-{event.pk}")
    assert focused_text(page) == "✓ You're registered"


def test_filter_and_paginate_with_the_keyboard(page: Page, db):
    make_catalogue()
    page.goto("/events/")
    tab_to(page, "Search")  # the label names the search box
    page.keyboard.type("tech")
    expect(results(page)).to_contain_text("14 events")
    assert page.evaluate(f"{FOCUSED}.id") == "id_q"  # typing goes on where it was

    tab_to(page, "Next →")
    page.keyboard.press("Enter")
    expect(results(page)).to_contain_text("Page 2 of 2")
    wait_for_focus_inside(page, "#results")
    assert page.evaluate(f"{FOCUSED}.matches('#results h2')")


def test_edit_inline_with_the_keyboard(page: Page, db):
    event = EventFactory(title="Rust workshop")
    log_in(page, event.organizer.email)
    page.goto(event.get_absolute_url())
    tab_to(page, "Edit title")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Title", exact=True)).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("Rust and Go workshop")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rust and Go workshop")
    expect(page.get_by_role("link", name="Edit title")).to_be_focused()


def test_check_in_with_the_keyboard(page: Page, db):
    event = EventFactory()
    services.register(user=UserFactory(name="Ann"), event=event)
    log_in(page, event.organizer.email)
    page.goto(f"/organize/events/{event.slug}/attendees/")
    tab_to(page, "Check in Ann")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Undo check-in of Ann")).to_be_focused()


def header_bottom(page: Page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_focus_never_hides_behind_the_sticky_header(page: Page, db, viewport):
    make_catalogue()
    page.set_viewport_size(viewport)
    page.goto("/events/")
    page.keyboard.press("End")
    for _ in range(60):
        page.keyboard.press("Shift+Tab")
        box = page.evaluate(
            f"(({{top, bottom}}) => ({{top, bottom}}))({FOCUSED}.getBoundingClientRect())"
        )
        # The skip link shows over the header by design.
        in_header = page.evaluate(f"{FOCUSED}.closest('.site-header, .skip-link') !== null")
        if not in_header and box["bottom"] > 0:
            assert box["bottom"] > header_bottom(page), focused_text(page)


SMALL_TARGETS = """
() => [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary")]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  // Links inside a sentence may be as tall as its line (WCAG 2.5.8's inline exception);
  // a card's title link has the whole card as its target (a stretched ::after).
  .filter((el) => !(el.tagName === "A" && el.closest("p, td, dd, .event-card h3")))
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([, box]) => box.width < 24 || box.height < 24)
  .map(([el, box]) => [el.tagName, (el.getAttribute("aria-label") || el.textContent).trim(),
    `${Math.round(box.width)}x${Math.round(box.height)}`].join(" "))
"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_control_is_at_least_24_pixels(page: Page, db, viewport):
    make_catalogue()
    event = EventFactory()
    page.set_viewport_size(viewport)
    log_in(page, event.organizer.email)
    for path in ["/events/", event.get_absolute_url(), f"/organize/events/{event.slug}/attendees/"]:
        page.goto(path)
        small = page.evaluate(SMALL_TARGETS)
        assert small == [], f"{path}: {small}"
    page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out")).click()
    page.goto("/accounts/login/")
    assert page.evaluate(SMALL_TARGETS) == []


def test_messages_after_a_full_page_load_are_announced_once(page: Page, attendee):
    log_in_with_the_form(page, attendee.email)
    expect(page.locator("#announcer p")).to_have_text(["Welcome back, Ada."])
    expect(page.locator("#messages .toast")).to_contain_text(["Welcome back, Ada."])
    assert re.search("Dismiss", page.locator("#announcer").inner_text()) is None


CONTRAST = """
(element) => {
  const rgb = (color) => color.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (color) => {
    const [r, g, b] = rgb(color).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(element);
  const page = getComputedStyle(document.body).backgroundColor;
  const [a, b] = [lum(style.outlineColor), lum(page)].sort((x, y) => y - x);
  return { width: parseFloat(style.outlineWidth), ratio: (a + 0.05) / (b + 0.05) };
}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focus_ring_is_3_pixels_and_3_to_1_against_the_page(page: Page, db, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto("/events/")
    for name in ("Search", "Create an event"):
        tab_to(page, name)
        ring = page.evaluate_handle(FOCUSED).evaluate(CONTRAST)
        assert ring["width"] >= 3, (name, ring)
        assert ring["ratio"] >= 3, (name, ring)
