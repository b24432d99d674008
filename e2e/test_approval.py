"""An event that requires approval, from the request to the confirmation email."""

from django.core import mail
from playwright.sync_api import Browser, Page, expect

from events import services
from tests.factories import EventFactory, UserFactory

from .test_registration import log_in, panel, seats


def test_request_approve_and_the_confirmation_email(
    page: Page, browser: Browser, attendee, live_server
):
    event = EventFactory(title="Chef's table", capacity=4, requires_approval=True)
    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    expect(panel(page)).to_contain_text("The organizer approves each registration.")
    panel(page).get_by_role("button", name="Request to join").click()
    expect(panel(page)).to_contain_text("Your request is with the organizer.")
    expect(seats(page)).to_have_text("4 of 4 left")  # a request holds no seat
    assert mail.outbox[-1].subject == "Request received: Chef's table"

    organizer = browser.new_page(base_url=live_server.url)
    log_in(organizer, event.organizer.email)
    organizer.goto(f"/organize/events/{event.slug}/attendees/")
    organizer.get_by_role("link", name="Pending").click()
    # Ada's row is already listed under All: checking it before the Pending list
    # replaces it would tick a box that is then swapped away.
    expect(organizer.get_by_role("link", name="Pending")).to_have_attribute("aria-current", "page")
    organizer.get_by_label("Select Ada's request").check()
    organizer.get_by_label("Message sent with your answer (optional)").fill("Arrive at 7.")
    organizer.get_by_role("button", name="Approve selected").click()
    expect(organizer.get_by_role("status")).to_contain_text("1 request approved")
    expect(organizer.locator("#attendee-counts")).to_contain_text("1/4")
    organizer.get_by_role("link", name="Going").click()
    expect(organizer.get_by_role("row").filter(has_text="Ada")).to_contain_text("Confirmed")
    organizer.close()

    assert mail.outbox[-1].subject == "You're in: Chef's table"
    assert "Arrive at 7." in mail.outbox[-1].body
    page.reload()
    expect(panel(page)).to_contain_text("You're registered.")


def test_decline_one_request_in_place(page: Page, attendee):
    event = EventFactory(title="Tasting", capacity=4, requires_approval=True)
    services.register(user=attendee, event=event)
    log_in(page, event.organizer.email)
    page.goto(f"/organize/events/{event.slug}/attendees/?status=pending")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Decline Ada's request").click()
    expect(page.get_by_role("status")).to_contain_text("1 request declined.")
    expect(page.get_by_role("row").filter(has_text="Ada")).to_have_count(0)
    assert mail.outbox[-1].subject == "Your request wasn't accepted: Tasting"


def test_select_every_request_and_approve_them_together(page: Page):
    event = EventFactory(title="Dinner", capacity=5, requires_approval=True)
    for name in ("Ann", "Bob"):
        services.register(user=UserFactory(name=name), event=event)
    log_in(page, event.organizer.email)
    page.goto(f"/organize/events/{event.slug}/attendees/?status=pending")
    page.get_by_label("Select every request shown").check()
    expect(page.get_by_label("Select Bob's request")).to_be_checked()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_role("status")).to_contain_text("2 requests approved: they have seats.")
    expect(page.locator("#attendee-counts")).to_contain_text("2/5")
