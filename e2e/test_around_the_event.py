"""Around the event: add it to a calendar, give a seat back from an email, subscribe."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from e2e.test_registration import log_in, panel
from events import services
from tests.factories import EventFactory, UserFactory


@pytest.fixture
def ada(db):
    return UserFactory(email="ada@example.com", name="Ada")


def test_add_to_calendar_from_the_event_page(page: Page, ada):
    event = EventFactory(title="Fjord walk", is_online=True, online_url="https://meet.example/f")
    page.goto(event.get_absolute_url())
    details = page.get_by_role("complementary", name="Event details")
    details.get_by_text("Add to calendar").click()
    google = details.get_by_role("link", name="Google Calendar")
    expect(google).to_have_attribute("href", re.compile(r"^https://calendar\.google\.com/"))
    expect(details.get_by_role("link", name="Outlook.com")).to_be_visible()
    with page.expect_download() as download:
        details.get_by_role("link", name=re.compile(r"\.ics")).click()
    (entry,) = Calendar.from_ical(download.value.path().read_bytes()).walk("VEVENT")
    assert entry["SUMMARY"] == "Fjord walk" and entry["LOCATION"] == "Online"

    # With a seat, the file is their own entry, with the online link.
    services.register(user=ada, event=event)
    log_in(page, ada.email)
    page.goto(event.get_absolute_url())
    details.get_by_text("Add to calendar").click()
    with page.expect_download() as download:
        details.get_by_role("link", name=re.compile(r"\.ics")).click()
    (entry,) = Calendar.from_ical(download.value.path().read_bytes()).walk("VEVENT")
    assert entry["LOCATION"] == "https://meet.example/f"


def test_give_a_seat_back_from_the_email_and_the_next_person_gets_it(page: Page, ada):
    event = EventFactory(title="Jazz night", capacity=1)
    bob = UserFactory(email="bob@example.com", name="Bob")
    services.register(user=ada, event=event)
    services.register(user=bob, event=event)
    (email,) = [m for m in mail.outbox if m.to == [ada.email]]
    link = re.search(r"^(http\S+/cant-make-it/\S+)$", email.body, re.M)[1]

    # Not signed in, as when the link is opened from a phone's mail app.
    page.goto(link.removeprefix(settings.SITE_URL))
    expect(page.get_by_role("heading", name="Can't make it to Jazz night?")).to_be_visible()
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_role("heading", name="You're not registered for Jazz night")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Your registration is cancelled")

    log_in(page, bob.email)
    page.goto(event.get_absolute_url())
    expect(panel(page)).to_contain_text("You're registered.")
    assert [m.subject for m in mail.outbox if m.to == [bob.email]][-1] == (
        "A seat opened up, you're in: Jazz night"
    )


def test_subscribe_to_my_events_and_reset_the_address(page: Page, ada):
    services.register(user=ada, event=EventFactory(title="Fjord walk"))
    log_in(page, ada.email)
    page.goto("/me/registrations/")
    box = page.get_by_role("region", name="In your calendar app")
    box.get_by_role("button", name="Get my calendar address").click()
    subscribe = box.get_by_role("link", name="Subscribe in your calendar app")
    expect(subscribe).to_have_attribute("href", re.compile(r"^webcal://.+/calendar/.+\.ics$"))
    address = box.get_by_label(re.compile("Or paste this address")).input_value()

    feed = page.request.get(address.removeprefix(settings.SITE_URL))
    assert feed.ok and b"SUMMARY:Fjord walk" in feed.body()

    box.get_by_role("button", name="Reset the address").click()
    expect(box.get_by_label(re.compile("Or paste this address"))).not_to_have_value(address)
    assert page.request.get(address.removeprefix(settings.SITE_URL)).status == 404


def test_an_organizer_previews_and_schedules_a_message(page: Page, settings):
    # Scheduling needs a queue that can run tasks later, as in production.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = EventFactory(title="Jazz night", starts_at=timezone.now() + timedelta(days=7))
    services.register(user=UserFactory(), event=event)
    log_in(page, event.organizer.email)
    page.goto(f"/organize/events/{event.slug}/attendees/")
    page.get_by_role("link", name="Write to attendees").click()

    page.get_by_label("Everyone with a seat (1)").check()
    page.get_by_label("Subject").fill("Doors open at 19:00")
    page.get_by_label("Message", exact=True).fill("Bring your ticket.")
    page.get_by_label("Schedule it").check()
    send_at = (timezone.now() + timedelta(days=2)).astimezone(event.time_zone)
    page.get_by_label("Send at").fill(send_at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("It goes to 1 person now.")
    expect(preview).to_contain_text("Bring your ticket.")
    expect(preview).to_be_focused()  # settled: focus no longer moves the page

    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("Scheduled for")
    history = page.get_by_role("region", name="Sent and scheduled")
    expect(history).to_contain_text("Doors open at 19:00")
    expect(history).to_contain_text("Scheduled")
    expect(page.get_by_label("Subject")).to_have_value("")  # a fresh form for the next one

    history.get_by_role("button", name="Don't send “Doors open at 19:00”").click()
    expect(history).to_contain_text("Cancelled")
