"""The catalogue, the event page and the header on a phone (390 by 844) and a desktop."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from e2e.test_catalogue import card_titles, make_catalogue, results
from e2e.test_registration import log_in, panel
from events import posters, services
from tests.factories import EventFactory, UserFactory
from tests.images import image_upload

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LONG_TEXT = "\n\n".join(["A paragraph about the talks, the speakers and the snacks. " * 6] * 8)


def top_of(locator) -> float:
    return locator.bounding_box()["y"]


def test_a_phone_sees_events_on_the_first_screen_and_opens_the_filters(page: Page, db):
    make_catalogue()
    page.set_viewport_size(PHONE)
    page.goto("/events/")
    expect(page.get_by_label("Search")).to_be_visible()
    expect(page.get_by_label("Category")).to_be_hidden()
    assert top_of(card_titles(page).first) < PHONE["height"]

    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Category").select_option(label="Music")
    expect(card_titles(page)).to_have_text(["Jazz night", "Choir evening"])
    expect(page.locator(".more-filters summary")).to_have_text("Filters (1)")

    page.reload()  # the count comes from the address too
    expect(page.locator(".more-filters summary")).to_have_text("Filters (1)")


def test_a_desktop_shows_every_filter_without_a_fold(page: Page, db):
    make_catalogue()
    page.set_viewport_size(DESKTOP)
    page.goto("/events/")
    expect(page.get_by_label("Category")).to_be_visible()
    expect(page.get_by_text("Filters", exact=True)).to_be_hidden()


def test_the_folded_filters_work_without_javascript(browser: Browser, live_server, db):
    make_catalogue()
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/events/")
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Category").select_option(label="Music")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"category=music"))
    expect(card_titles(page)).to_have_text(["Jazz night", "Choir evening"])
    expect(page.locator(".more-filters summary")).to_have_text("Filters (1)")
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_register_is_on_the_first_screen(page: Page, db, viewport):
    # Past midnight, so its dates take two lines on a phone.
    starts_at = (timezone.now() + timedelta(days=7)).replace(hour=22, minute=0)
    event = EventFactory(
        title="Rust workshop",
        description=LONG_TEXT,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
    )
    page.set_viewport_size(viewport)
    log_in(page, UserFactory().email)
    page.goto(event.get_absolute_url())
    register = panel(page).get_by_role("button", name="Register").first  # not the bar's
    assert top_of(register) + register.bounding_box()["height"] <= viewport["height"]
    details = page.get_by_role("complementary", name="Event details")
    assert top_of(details) < top_of(page.get_by_role("heading", name="About this event"))


def test_the_phone_action_bar_follows_the_reader_and_registers(page: Page, db):
    event = EventFactory(title="Rust workshop", description=LONG_TEXT, capacity=10)
    page.set_viewport_size(PHONE)
    log_in(page, UserFactory().email)
    page.goto(event.get_absolute_url())
    bar = page.locator("[data-action-bar]")
    panel(page).scroll_into_view_if_needed()
    expect(bar).to_be_hidden()  # the panel itself is in view

    page.get_by_role("contentinfo").scroll_into_view_if_needed()
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("Free · 10 seats left")
    bar.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status")).to_contain_text("You're registered")
    expect(panel(page)).to_contain_text("You're registered.")

    page.get_by_role("contentinfo").scroll_into_view_if_needed()
    expect(bar).to_contain_text("✓ You're registered")
    bar.get_by_role("link", name="Your registration").click()
    expect(bar).to_be_hidden()


def test_the_desktop_never_shows_the_action_bar(page: Page, db):
    event = EventFactory(description=LONG_TEXT)
    page.set_viewport_size(DESKTOP)
    log_in(page, UserFactory().email)
    page.goto(event.get_absolute_url())
    page.get_by_role("contentinfo").scroll_into_view_if_needed()
    expect(page.locator("[data-action-bar]")).to_be_hidden()


@pytest.mark.parametrize("size", [(1600, 900), (800, 1200)], ids=["wide", "tall"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_whole_poster_shows_uncropped(page: Page, db, size, viewport):
    event = EventFactory(title="Poster night")
    services.update_event(event=event, changes={}, poster=posters.process(image_upload(size=size)))
    page.set_viewport_size(viewport)
    page.goto(event.get_absolute_url())
    poster = page.get_by_role("img", name="Poster for Poster night")
    expect(poster).to_be_visible()
    expect(poster).to_have_js_property("complete", True)
    shown = poster.bounding_box()
    natural = poster.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert shown["width"] / shown["height"] == pytest.approx(natural[0] / natural[1], rel=0.02)
    assert shown["height"] <= viewport["height"] * 0.7 + 1


@pytest.mark.parametrize("path", ["/me/registrations/", "/organize/"])
def test_a_phone_header_keeps_the_name_and_events_in_reach(page: Page, db, path):
    page.set_viewport_size(PHONE)
    log_in(page, UserFactory().email)
    page.goto(path)
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="EMS")).to_be_visible()
    expect(navigation.get_by_text("EMS", exact=True)).to_be_visible()
    navigation.get_by_role("link", name="Events", exact=True).click()
    expect(results(page)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]


def test_dark_mode_follows_the_system(page: Page, db):
    event = EventFactory()
    page.emulate_media(color_scheme="dark")
    page.goto(event.get_absolute_url())
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(n) for n in re.findall(r"\d+", background)[:3])
    assert max(red, green, blue) < 60, background
    page.emulate_media(color_scheme="light")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert min(int(n) for n in re.findall(r"\d+", background)[:3]) > 200, background


def test_an_invalid_event_form_brings_the_error_summary_into_view(page: Page, db):
    page.set_viewport_size(PHONE)
    log_in(page, UserFactory().email)
    page.goto("/events/new/")
    page.get_by_label("Title").fill("Only a title")
    page.get_by_role("button", name="Publish event").click()
    summary = page.get_by_role("alert").filter(has_text="Please fix")
    expect(summary).to_be_focused()
    box = summary.bounding_box()
    assert 0 <= box["y"] < PHONE["height"]


def test_share_copies_the_events_link_where_there_is_no_share_sheet(page: Page, db):
    event = EventFactory()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(event.get_absolute_url())
    page.evaluate("navigator.share = undefined")  # a desktop without a share sheet
    page.get_by_role("button", name="Share").click()
    expect(page.locator("#messages")).to_contain_text("Link copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(event.get_absolute_url())
