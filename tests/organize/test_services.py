from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event, Registration
from tests.factories import EventFactory, UserFactory
from tests.seats import assert_invariant

pytestmark = pytest.mark.django_db


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run the after-commit email tasks as the request would."""

    def run(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return run


def fill(event, confirmed=0, waitlisted=0):
    for _ in range(confirmed + waitlisted):
        services.register(user=UserFactory(), event=event)
    event.refresh_from_db()
    return event


def calendar_entry(message):
    _name, content, mimetype = message.attachments[0]
    return mimetype, Calendar.from_ical(content).walk("VEVENT")[0]


def test_capacity_cannot_go_below_the_confirmed_count():
    event = fill(EventFactory(capacity=40), confirmed=37)
    with pytest.raises(services.InvalidChange) as refused:
        services.update_event(event=event, changes={"capacity": 36})
    assert refused.value.message == "37 people are confirmed; capacity can't go below 37."
    assert refused.value.field == "capacity"
    event.refresh_from_db()
    assert event.capacity == 40


def test_lowering_capacity_to_the_confirmed_count_is_fine():
    event = fill(EventFactory(capacity=10), confirmed=4)
    services.update_event(event=event, changes={"capacity": 4})
    event.refresh_from_db()
    assert (event.capacity, event.is_full) == (4, True)


def test_raising_capacity_promotes_the_waitlist_in_order_and_emails_them(send_now):
    event = fill(EventFactory(capacity=2, waitlist_enabled=True), confirmed=2, waitlisted=3)
    queue = list(event.registrations.waitlist())
    mail.outbox.clear()
    send_now(services.update_event, event=event, changes={"capacity": 4})
    statuses = [Registration.objects.get(pk=r.pk).status for r in queue]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert_invariant(event)
    assert event.seats_taken == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.user.email for r in queue[:2])
    assert all(m.subject.startswith("A seat opened up") for m in mail.outbox)


def test_turning_the_waitlist_off_with_people_on_it_is_refused():
    event = fill(EventFactory(capacity=1, waitlist_enabled=True), confirmed=1, waitlisted=2)
    with pytest.raises(services.InvalidChange) as refused:
        services.update_event(event=event, changes={"capacity": 1, "waitlist_enabled": False})
    assert refused.value.message.startswith("2 people are on the waitlist.")
    assert refused.value.field == "waitlist_enabled"
    event.refresh_from_db()
    assert event.waitlist_enabled


def test_raising_capacity_for_everyone_then_turning_the_waitlist_off_works():
    event = fill(EventFactory(capacity=1, waitlist_enabled=True), confirmed=1, waitlisted=2)
    services.update_event(event=event, changes={"capacity": 3, "waitlist_enabled": False})
    event.refresh_from_db()
    assert (event.seats_taken, event.waitlist_enabled) == (3, False)
    assert not event.registrations.waitlist().exists()


def test_a_refused_capacity_change_promotes_nobody():
    event = fill(EventFactory(capacity=1, waitlist_enabled=True), confirmed=1, waitlisted=3)
    with pytest.raises(services.InvalidChange):
        services.update_event(event=event, changes={"capacity": 2, "waitlist_enabled": False})
    assert_invariant(event)
    assert event.registrations.waitlist().count() == 3


def test_new_time_emails_confirmed_attendees_once_with_a_higher_sequence(send_now):
    event = fill(EventFactory(capacity=2), confirmed=2, waitlisted=1)
    mail.outbox.clear()
    starts = (event.starts_at + timedelta(days=1)).replace(microsecond=0)
    update = send_now(
        services.update_event,
        event=event,
        changes={"starts_at": starts, "ends_at": starts + timedelta(hours=3), "venue": "New hall"},
    )
    assert update.notified == 2
    assert len(mail.outbox) == 2  # one per confirmed attendee, not per field; none to the waitlist
    for message in mail.outbox:
        mimetype, entry = calendar_entry(message)
        registration = Registration.objects.get(user__email=message.to[0])
        assert mimetype == "text/calendar; method=REQUEST"
        assert entry["sequence"] == registration.sequence == 1
        assert entry["uid"].startswith(f"registration-{registration.pk}@")
        assert entry.decoded("dtstart") == starts
        assert "New hall" in message.body


def test_title_changes_and_drafts_email_nobody(send_now):
    event = fill(EventFactory(), confirmed=1)
    mail.outbox.clear()
    send_now(services.update_event, event=event, changes={"title": "Better title"})
    draft = EventFactory(status=Event.Status.DRAFT)
    send_now(services.update_event, event=draft, changes={"venue": "Elsewhere"})
    assert mail.outbox == []


def test_cancelled_events_cannot_be_edited():
    event = EventFactory(status=Event.Status.CANCELLED)
    with pytest.raises(services.EventLocked):
        services.update_event(event=event, changes={"title": "Revived"})


def test_started_events_keep_their_time_place_and_seats_but_words_can_change():
    event = EventFactory(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    for changes in ({"capacity": 99}, {"venue": "Moved"}, {"ends_at": timezone.now()}):
        with pytest.raises(services.EventLocked):
            services.update_event(event=event, changes=changes)
    services.update_event(event=event, changes={"description": "Slides are online."})
    event.refresh_from_db()
    assert event.description == "Slides are online."


def test_publish_and_unpublish():
    draft = EventFactory(status=Event.Status.DRAFT)
    assert services.publish_event(event=draft).status == Event.Status.PUBLISHED
    assert services.unpublish_event(event=draft).status == Event.Status.DRAFT
    with pytest.raises(services.InvalidChange):
        services.unpublish_event(event=draft)


def test_a_draft_whose_start_passed_cannot_be_published():
    draft = EventFactory(status=Event.Status.DRAFT, starts_at=timezone.now() - timedelta(days=1))
    with pytest.raises(services.InvalidChange, match="start time has passed"):
        services.publish_event(event=draft)


def test_an_event_with_registrations_cannot_go_back_to_draft():
    event = fill(EventFactory(), confirmed=1)
    with pytest.raises(services.InvalidChange, match="Cancel it instead"):
        services.unpublish_event(event=event)


def test_cancelling_closes_every_registration_and_emails_everyone(send_now):
    event = fill(EventFactory(capacity=2, waitlist_enabled=True), confirmed=2, waitlisted=1)
    mail.outbox.clear()
    send_now(services.cancel_event, event=event, reason="  The venue flooded.\nSorry!  ")
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.cancellation_reason == "The venue flooded.\nSorry!"
    assert event.seats_taken == 0
    assert not event.registrations.active().exists()
    assert_invariant(event)
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert message.subject == f"Event cancelled: {event.title}"
        assert "The venue flooded." in message.body
        assert "The venue flooded." in message.alternatives[0].content
        mimetype, entry = calendar_entry(message)
        assert mimetype == "text/calendar; method=CANCEL"
        assert entry["status"] == "CANCELLED"
        assert entry["sequence"] == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_cancelling_needs_a_reason(reason):
    event = EventFactory()
    with pytest.raises(services.InvalidChange) as refused:
        services.cancel_event(event=event, reason=reason)
    assert refused.value.field == "reason"
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_only_published_upcoming_events_can_be_cancelled():
    with pytest.raises(services.EventLocked):
        services.cancel_event(event=EventFactory(status=Event.Status.DRAFT), reason="x")
    started = EventFactory(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(services.EventLocked):
        services.cancel_event(event=started, reason="x")


def test_delete_draft_only_when_nobody_registered():
    draft = EventFactory(status=Event.Status.DRAFT)
    services.delete_draft(event=draft)
    assert not Event.objects.filter(pk=draft.pk).exists()
    with pytest.raises(services.InvalidChange):
        services.delete_draft(event=EventFactory())
    was_published = fill(EventFactory(), confirmed=1)
    services.cancel_registration(user=was_published.registrations.get().user, event=was_published)
    services.unpublish_event(event=was_published)
    with pytest.raises(services.InvalidChange, match="registered"):
        services.delete_draft(event=was_published)


def test_check_in_records_the_first_arrival_and_undo_clears_it():
    event = fill(EventFactory(), confirmed=1)
    registration = event.registrations.get()
    services.check_in(registration=registration, checked_in=True)
    first = registration.checked_in_at
    assert first is not None
    services.check_in(registration=registration, checked_in=True)
    assert registration.checked_in_at == first
    services.check_in(registration=registration, checked_in=False)
    assert registration.checked_in_at is None


def test_only_confirmed_attendees_can_be_checked_in():
    event = fill(EventFactory(capacity=1), confirmed=1, waitlisted=1)
    waiting = event.registrations.waitlist().get()
    with pytest.raises(services.InvalidChange):
        services.check_in(registration=waiting, checked_in=True)


def test_cancelling_a_registration_sends_a_calendar_cancellation(send_now):
    event = fill(EventFactory(), confirmed=1)
    user = event.registrations.get().user
    mail.outbox.clear()
    send_now(services.cancel_registration, user=user, event=event)
    mimetype, entry = calendar_entry(mail.outbox[0])
    assert mimetype == "text/calendar; method=CANCEL"
    assert entry["sequence"] == 1
