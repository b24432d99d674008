"""Every page, in each state a visitor, an attendee and an organizer meet, at a phone's
and a computer's width, in light and dark mode: the page fixture runs axe-core on each
load and swap and fails on any serious or critical violation (e2e/conftest.py)."""

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page, expect

from e2e.conftest import CHECK_ACCESSIBILITY
from e2e.inline import open_editor
from e2e.test_phone import DESKTOP, PHONE
from e2e.test_registration import log_in
from events import intents, services
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.slow

# A computer in light mode and a phone in dark mode: each width and each scheme, with
# the phone showing every part there is (its action bar and folded filters as well).
# The phone in light mode is checked by the phone's own journeys (test_phone.py).
LOOKS = {
    "desktop": (DESKTOP, "light"),
    "phone-dark": (PHONE, "dark"),
}


@pytest.fixture(params=LOOKS)
def look(request, page: Page):
    viewport, scheme = LOOKS[request.param]
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    return request.param


@pytest.fixture
def world(db):
    organizer = UserFactory(name="Olga Organizer")
    attendee = UserFactory(email="ada@example.com", name="Ada")
    event = EventFactory(organizer=organizer, title="Rust workshop", capacity=2, guests_allowed=1)
    full = EventFactory(organizer=organizer, title="Sold out", capacity=1, shows_going=True)
    for n in range(14):
        EventFactory(title=f"Meetup {n}", organizer=organizer)
    services.register(user=UserFactory(), event=full)
    services.register(user=attendee, event=full)  # waitlisted
    services.register(user=attendee, event=event, guests=1, guest_names=["Bo"])
    cancelled = EventFactory(organizer=organizer, title="Rained off")
    services.register(user=attendee, event=cancelled)
    services.cancel_event(event=cancelled, reason="The venue flooded.")
    return organizer, attendee, event, full, cancelled


def visit(page: Page, path: str):
    response = page.goto(path)
    assert response.ok, f"{path}: {response.status}"
    page.evaluate("window.__accessibilityChecked()")


def test_a_visitors_pages(page: Page, world, look):
    _, _, event, full, cancelled = world
    for path in (
        "/",
        "/events/?page=2",
        "/events/?date_from=nonsense",
        "/events/?q=nothing-matches",
        event.get_absolute_url(),
        full.get_absolute_url(),
        cancelled.get_absolute_url(),
        "/accounts/login/",
        f"/accounts/login/?{intents.PARAM}={intents.token(event)}",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accessibility/",
    ):
        visit(page, path)


def test_an_attendees_pages_and_swaps(page: Page, world, look):
    _, attendee, event, full, _ = world
    log_in(page, attendee.email)
    for path in (
        event.get_absolute_url(),
        full.get_absolute_url(),
        "/me/registrations/",
        "/accounts/profile/",
        f"/events/{event.slug}/my-registration/",
    ):
        visit(page, path)
    visit(page, event.get_absolute_url())
    page.get_by_role("link", name="Change guests").click()
    expect(page.get_by_label("Guests")).to_be_visible()
    page.evaluate("window.__accessibilityChecked()")


def test_an_organizers_pages_and_swaps(page: Page, world, look):
    organizer, _, event, _, cancelled = world
    log_in(page, organizer.email)
    for path in (
        event.get_absolute_url(),
        cancelled.get_absolute_url(),
        "/organize/",
        f"/organize/events/{event.slug}/attendees/",
        f"/organize/events/{event.slug}/messages/",
        f"/events/{event.slug}/edit/",
        f"/events/{event.slug}/cancel-event/",
        f"/events/{event.slug}/questions/",
        "/events/new/",
    ):
        visit(page, path)
    page.get_by_role("button", name="Publish event").click()  # every field missing
    expect(page.get_by_role("alert")).to_be_visible()
    page.evaluate("window.__accessibilityChecked()")

    visit(page, event.get_absolute_url())
    for name in ("title", "date and time", "venue", "seats and registration"):
        open_editor(page, name)
        page.get_by_role("button", name="Cancel", exact=True).click()
        expect(page.get_by_role("link", name=f"Edit {name}")).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rust workshop")
    page.evaluate("window.__accessibilityChecked()")


# As htmx does it: the new content in place, then htmx:afterSettle on it.
SWAP = """(html) => {
  const part = document.createElement("div");
  part.innerHTML = html;
  document.querySelector("main").append(part);
  part.dispatchEvent(new Event("htmx:afterSettle", { bubbles: true }));
}"""


def test_the_checks_catch_what_a_load_or_a_swap_brings(context, base_url, db):
    """The checker itself (the page fixture's, without its failing on errors): a problem
    on loading, in what a swap brought, and in a rule about the whole page after a swap."""
    page = context.new_page()
    errors = []
    page.on(
        "console",
        lambda message: message.text.startswith("axe") and errors.append(message.text),
    )
    page.add_init_script(AXE_SCRIPT + ";" + CHECK_ACCESSIBILITY)
    page.emulate_media(reduced_motion="reduce")
    broken = "<!doctype html><html lang=en><title>Broken</title><img src=/static/favicon.svg>"
    page.route("**/broken/", lambda route: route.fulfill(body=broken, content_type="text/html"))

    page.goto(f"{base_url}/broken/")
    page.evaluate("window.__accessibilityChecked()")
    assert errors[0].startswith("axe: image-alt (critical) on loading /broken/")

    page.goto(f"{base_url}/accessibility/")
    page.evaluate(SWAP, "<img src=/static/favicon.svg>")
    page.evaluate("window.__accessibilityChecked()")
    assert errors[1].startswith("axe: image-alt (critical) after a swap on /accessibility/")

    page.evaluate("document.documentElement.removeAttribute('lang')")
    page.evaluate(SWAP, "<p>Fine</p>")
    page.evaluate("window.__accessibilityChecked()")
    assert errors[2].startswith("axe: html-has-lang (serious) after a swap")
    assert len(errors) == 3
