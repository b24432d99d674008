"""Bringing guests: the short form opens in the panel, by mouse or keyboard, and a
smaller party hands its seats to the next party on the waitlist."""

import re

from playwright.sync_api import Browser, Page, expect

from events import services
from tests.factories import EventFactory, UserFactory

from .test_registration import MARKER, log_in, panel, seats


def test_register_with_two_guests_in_place(page: Page, attendee):
    event = EventFactory(title="Board games night", capacity=5, guests_allowed=2)
    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    page.evaluate(MARKER)

    panel(page).get_by_role("link", name="Register").click()
    guests = panel(page).get_by_label("Guests", exact=True)
    expect(guests).to_be_focused()
    expect(panel(page).get_by_label("Guest 1")).to_be_hidden()
    guests.select_option(label="Me and 2 guests")
    panel(page).get_by_label("Guest 1").fill("Ann")
    panel(page).get_by_label("Guest 2").fill("Bo")
    panel(page).get_by_role("button", name="Register").click()

    expect(panel(page)).to_contain_text("You're registered.")
    expect(panel(page)).to_contain_text("With 2 guests: Ann, Bo")
    expect(seats(page)).to_have_text("2 of 5 left")
    expect(page.get_by_role("status")).to_contain_text("You're registered. See you there!")
    assert page.evaluate("window.__noReload") == "still here"


def test_the_guest_form_can_be_done_with_the_keyboard_alone(page: Page, attendee):
    event = EventFactory(title="Quiz night", capacity=5, guests_allowed=1)
    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    register = panel(page).get_by_role("link", name="Register")
    register.focus()
    page.keyboard.press("Enter")
    expect(panel(page).get_by_label("Guests", exact=True)).to_be_focused()
    # htmx settles the swap (and focuses [autofocus]) a moment later; a person is slower.
    expect(panel(page)).not_to_have_class(re.compile("htmx-(added|settling)"))
    page.keyboard.press("ArrowDown")  # Me and 1 guest
    page.keyboard.press("Tab")
    expect(panel(page).get_by_label("Guest 1")).to_be_focused()
    page.keyboard.type("Cy")
    page.keyboard.press("Tab")  # Cancel
    page.keyboard.press("Tab")  # Register
    expect(panel(page).get_by_role("button", name="Register")).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel(page)).to_contain_text("With 1 guest: Cy")
    # Focus stays in the panel, on what it now says, not lost to the page's top.
    expect(panel(page).locator(".panel-status")).to_be_focused()


def test_changing_to_one_guest_promotes_the_next_party(
    page: Page, browser: Browser, attendee, live_server
):
    event = EventFactory(title="Pottery class", capacity=4, guests_allowed=2)
    services.register(user=attendee, event=event, guests=2)
    services.register(user=UserFactory(name="Filler"), event=event)
    bea = UserFactory(email="bea@example.com", name="Bea")
    services.register(user=bea, event=event)  # full: Bea waits

    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    panel(page).get_by_role("link", name="Change guests").click()
    expect(panel(page).get_by_label("Guests", exact=True)).to_be_focused()
    panel(page).get_by_label("Guests", exact=True).select_option(label="Me and 1 guest")
    panel(page).get_by_role("button", name="Save").click()
    expect(panel(page)).to_contain_text("With 1 guest")
    expect(page.get_by_role("status")).to_contain_text("Saved: you're bringing 1 guest.")
    expect(seats(page)).to_contain_text("Full")  # the freed seat went to Bea

    organizer = browser.new_page(base_url=live_server.url)
    log_in(organizer, event.organizer.email)
    organizer.goto(f"/organize/events/{event.slug}/attendees/")
    expect(organizer.get_by_role("row").filter(has_text="Bea")).to_contain_text("Confirmed")
    organizer.close()
