"""An organizer runs an event in the browser: inline edits, capacity, check-in, export."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.inline import open_editor, save_editor, section
from e2e.test_registration import MARKER, log_in
from events import services
from events.models import Event, Registration
from tests.factories import EventFactory, UserFactory


@pytest.fixture
def organizer(db):
    return UserFactory(email="olga@example.com", name="Olga Organizer")


@pytest.fixture
def event(organizer):
    return EventFactory(organizer=organizer, title="Rust workshop", capacity=1)


def test_edit_the_title_inline(page: Page, event):
    log_in(page, event.organizer.email)
    page.goto(event.get_absolute_url())
    page.evaluate(MARKER)

    page.get_by_role("link", name="Edit title").click()
    title_input = page.get_by_label("Title", exact=True)
    expect(title_input).to_be_focused()
    title_input.fill("Rust for beginners")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rust for beginners")
    expect(page).to_have_title("Rust for beginners · EMS")
    expect(page.get_by_role("link", name="Edit title")).to_be_focused()
    expect(page.locator("#messages")).to_contain_text("Saved.")
    assert page.evaluate("window.__noReload") == "still here"

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rust for beginners")


def test_escape_cancels_an_edit(page: Page, event):
    log_in(page, event.organizer.email)
    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="Edit description").click()
    page.get_by_label("Description", exact=True).fill("Half-typed thoughts")
    page.keyboard.press("Escape")
    expect(page.get_by_label("Description", exact=True)).to_have_count(0)
    expect(section(page, "description")).to_contain_text("Talks and snacks.")
    expect(page.get_by_role("link", name="Edit description")).to_be_focused()
    assert Event.objects.get(pk=event.pk).description == "Talks and snacks."


def test_an_invalid_date_shows_the_error_in_place_and_keeps_the_input(page: Page, event):
    log_in(page, event.organizer.email)
    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="Edit date and time").click()
    expect(page.get_by_label("Starts", exact=True)).to_be_focused()  # htmx has wired the form
    starts = (event.starts_at + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    ends = (event.starts_at + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Starts", exact=True).fill(starts)
    page.get_by_label("Ends", exact=True).fill(ends)
    page.get_by_role("button", name="Save").click()

    expect(section(page, "when")).to_contain_text("The event must end after it starts.")
    expect(page.get_by_label("Starts", exact=True)).to_have_value(starts)
    expect(page.get_by_label("Ends", exact=True)).to_have_value(ends)
    assert Event.objects.get(pk=event.pk).starts_at == event.starts_at


def test_raising_the_capacity_of_a_full_event_confirms_the_waitlisted_attendee(page: Page, event):
    services.register(user=UserFactory(name="Ann"), event=event)
    waiting = services.register(user=UserFactory(name="Bob"), event=event).registration
    log_in(page, event.organizer.email)
    page.goto(event.get_absolute_url())
    expect(page.locator(".seat-count")).to_contain_text("Full")

    page.get_by_role("link", name="Edit seats and registration").click()
    expect(page.get_by_label("Capacity", exact=True)).to_be_focused()
    page.get_by_label("Capacity", exact=True).fill("2")
    save_editor(page, "seats and registration")

    expect(section(page, "seats")).to_contain_text("2 of 2 seats taken")
    expect(page.locator(".seat-count")).to_contain_text("Full")
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED

    page.get_by_role("link", name="Attendees and check-in").click()
    expect(page.get_by_role("row", name="Bob")).to_contain_text("Confirmed")


def test_check_in_and_undo(page: Page, event):
    services.register(user=UserFactory(name="Ann"), event=event)
    log_in(page, event.organizer.email)
    page.goto(f"/organize/events/{event.slug}/attendees/")
    page.evaluate(MARKER)
    counts = page.locator("#attendee-counts")
    expect(counts).to_contain_text(re.compile(r"Checked in\s*0"))

    page.get_by_role("button", name="Check in Ann").click()
    expect(page.get_by_role("button", name="Undo check-in of Ann")).to_be_focused()
    expect(page.get_by_role("row", name="Ann")).to_contain_text("✓")
    expect(counts).to_contain_text(re.compile(r"Checked in\s*1"))

    page.get_by_role("button", name="Undo check-in of Ann").click()
    expect(page.get_by_role("button", name="Check in Ann")).to_be_visible()
    expect(counts).to_contain_text(re.compile(r"Checked in\s*0"))
    assert page.evaluate("window.__noReload") == "still here"


def test_search_attendees_in_page(page: Page, event):
    event.capacity = 5
    event.save()
    for name in ("Ann", "Bob"):
        services.register(user=UserFactory(name=name), event=event)
    log_in(page, event.organizer.email)
    page.goto(f"/organize/events/{event.slug}/attendees/")
    page.get_by_label("Search by name or email").fill("bob")
    expect(page.get_by_role("row", name="Ann")).to_have_count(0)
    expect(page.get_by_role("row", name="Bob")).to_be_visible()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?q=bob")


def test_export_the_csv(page: Page, event):
    services.register(user=UserFactory(name="Ann", email="ann@example.com"), event=event)
    services.register(user=UserFactory(name="=cmd|evil", email="bob@example.com"), event=event)
    log_in(page, event.organizer.email)
    page.goto(f"/organize/events/{event.slug}/attendees/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{event.slug}-attendees-")
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert [row[:3] for row in rows] == [
        ["Name", "Email", "Status"],
        ["Ann", "ann@example.com", "Confirmed"],
        ["'=cmd|evil", "bob@example.com", "Waitlisted"],
    ]


def test_other_people_see_no_controls_and_a_forged_post_is_refused(page: Page, event):
    stranger = UserFactory(email="mallory@example.com")
    log_in(page, stranger.email)
    page.goto(event.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Rust workshop")
    expect(page.get_by_role("link", name="Edit title")).to_have_count(0)
    expect(page.get_by_text("Manage this event")).to_have_count(0)

    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    response = page.request.post(
        f"/events/{event.slug}/edit/title/",
        form={"title": "Hijacked"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status == 403
    assert Event.objects.get(pk=event.pk).title == "Rust workshop"


def test_a_draft_with_only_a_title_is_finished_on_its_page_and_published(page: Page, organizer):
    log_in(page, organizer.email)
    page.goto("/events/new/")
    page.get_by_label("Title").fill("Board game night")
    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Board game night")
    manage = page.get_by_role("region", name="Manage this event")
    expect(manage).to_contain_text("To publish, add the start and end, the venue and city")
    expect(manage.get_by_role("button", name="Publish")).to_have_count(0)
    expect(section(page, "when")).to_contain_text("Date and time to be set")

    starts = (timezone.now() + timedelta(days=3)).replace(hour=18, minute=0)
    open_editor(page, "date and time")
    page.get_by_label("Starts", exact=True).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends", exact=True).fill(starts.strftime("%Y-%m-%dT21:%M"))
    save_editor(page, "date and time")
    expect(section(page, "when").locator("time")).to_be_visible()
    open_editor(page, "venue")
    page.get_by_label("Venue", exact=True).fill("Café Lento")
    page.get_by_label("City", exact=True).fill("Porto")
    save_editor(page, "venue")
    expect(section(page, "where")).to_contain_text("Café Lento")
    open_editor(page, "seats and registration")
    page.get_by_label("Capacity", exact=True).fill("12")
    save_editor(page, "seats and registration")
    expect(section(page, "seats")).to_contain_text("0 of 12")
    open_editor(page, "description")
    page.get_by_label("Description", exact=True).fill("Bring a game.")
    save_editor(page, "description")
    expect(section(page, "description")).to_contain_text("Bring a game.")

    expect(manage).not_to_contain_text("To publish")
    manage.get_by_role("button", name="Publish").click()
    expect(page.locator("#messages")).to_contain_text("Your event is published.")
    assert Event.objects.get(title="Board game night").status == Event.Status.PUBLISHED
