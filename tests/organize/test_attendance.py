"""After the event: who had a seat, who came, and the seats "can't make it" gave back."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration
from events.selectors import Attendance
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_event():
    """Ada (1) and Bob's party (2) fill 3 seats; Cy waits. Ada gives hers back by link,
    so Cy gets it. Bob's party comes; Cy doesn't."""
    event = EventFactory(title="Jazz night", capacity=3, guests_allowed=2)
    ada, bob, cy = UserFactory(), UserFactory(), UserFactory()
    services.register(user=ada, event=event)
    services.register(user=bob, event=event, guests=1)
    services.register(user=cy, event=event)
    ada_registration = event.registrations.get(user=ada)
    services.cancel_registration(user=ada, event=event, registration_id=ada_registration.pk)
    services.check_in(registration=event.registrations.get(user=bob), checked_in=True)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=2),
    )
    event.refresh_from_db()
    return event


def test_the_figures_of_a_past_event(past_event):
    attendance = Attendance.of(past_event, past_event.registrations.counts())
    assert attendance == Attendance(registered=3, checked_in=2, given_back=1, refilled=1)
    assert (attendance.no_shows, attendance.no_show_rate) == (1, 33)
    annotated = Event.objects.with_attendance().get(pk=past_event.pk)
    assert Attendance.of(annotated) == attendance


def test_cancelling_in_the_app_is_not_giving_back_by_link():
    event = EventFactory(capacity=1)
    person = UserFactory()
    services.register(user=person, event=event)
    services.cancel_registration(user=person, event=event)
    assert event.registrations.counts()["given_back"] == 0


def test_an_event_nobody_registered_for_has_no_rate():
    assert (
        Attendance.of(
            EventFactory(), {"checked_in": 0, "given_back": 0, "refilled": 0}
        ).no_show_rate
        is None
    )


def test_the_dashboard_shows_how_past_events_went(
    client, past_event, django_assert_max_num_queries
):
    client.force_login(past_event.organizer)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("organize:dashboard") + "?show=past").text
    for figure in (
        "<dt>Registered</dt><dd>3</dd>",
        "<dt>Checked in</dt><dd>2</dd>",
        '<dt>No-shows</dt><dd>1 <span class="muted">(33%)</span></dd>',
        "<dt>Seats given back</dt><dd>1</dd>",
        "<dt>Filled from the waitlist</dt><dd>1</dd>",
    ):
        assert figure in page


def test_the_attendee_page_shows_how_it_went_and_check_in_updates_it(client, past_event):
    client.force_login(past_event.organizer)
    page = client.get(reverse("organize:attendees", args=[past_event.slug])).text
    assert (
        "How it went" in page
        and '<dt>No-shows</dt><dd>1 <span class="muted">(33%)</span></dd>' in page
    )
    cy = past_event.registrations.confirmed().get(checked_in_at__isnull=True)
    url = reverse("organize:check-in", args=[past_event.slug, cy.pk])
    response = client.post(url, {"check-in": "1"}, headers={"HX-Request": "true"})
    assert '<dt>No-shows</dt><dd>0 <span class="muted">(0%)</span></dd>' in response.text


def test_an_upcoming_event_shows_seats_not_attendance(client):
    event = EventFactory()
    client.force_login(event.organizer)
    assert "How it went" not in client.get(reverse("organize:attendees", args=[event.slug])).text


@pytest.mark.slow
def test_the_figures_agree_with_the_seeded_registrations():
    call_command("seed_demo", force=True, events=60, users=40, stdout=io.StringIO())
    past = Event.objects.past().filter(status=Event.Status.PUBLISHED).with_attendance()
    assert sum(event.given_back for event in past) > 0, "the demo gives seats back by link"
    for event in past:
        attendance = Attendance.of(event)
        assert attendance.registered == people(event, Q(status="confirmed"))
        arrived = Q(status="confirmed", checked_in_at__isnull=False)
        assert attendance.checked_in == people(event, arrived)
        by_link = Q(status="cancelled", left_by_link=True, confirmed_at__isnull=False)
        assert attendance.given_back == people(event, by_link)
        assert attendance.checked_in <= attendance.registered


def people(event, condition) -> int:
    rows = Registration.objects.filter(condition, event=event)
    return rows.aggregate(n=Sum("party_size"))["n"] or 0


def test_without_any_check_in_nobody_knows_who_came(client, past_event):
    Registration.objects.update(checked_in_at=None)
    attendance = Attendance.of(past_event, past_event.registrations.counts())
    assert (attendance.no_shows, attendance.no_show_rate) == (None, None)
    client.force_login(past_event.organizer)
    page = client.get(reverse("organize:attendees", args=[past_event.slug])).text
    assert '<dt>No-shows</dt><dd><span title="Nobody was checked in">—</span></dd>' in page
