from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event, Registration
from tests.factories import EventFactory, UserFactory
from tests.seats import assert_invariant

pytestmark = pytest.mark.django_db


def statuses(event):
    return list(event.registrations.order_by("created_at", "pk").values_list("status", flat=True))


def test_register_takes_a_seat(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(user=UserFactory(), event=event).registration
    assert registration.is_confirmed and registration.confirmed_at
    assert_invariant(event)
    assert event.seats_taken == 1
    assert mail.outbox[0].subject == f"You're registered: {event.title}"


def test_full_event_with_waitlist_queues_people(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, waitlist_enabled=True)
    services.register(user=UserFactory(), event=event)
    with django_capture_on_commit_callbacks(execute=True):
        waitlisted = services.register(user=UserFactory(), event=event)
    assert waitlisted.is_waitlisted
    assert statuses(event) == ["confirmed", "waitlisted"]
    assert mail.outbox[-1].subject.startswith("You're on the waitlist")
    assert_invariant(event)


def test_full_event_without_waitlist_refuses():
    event = EventFactory(capacity=1, waitlist_enabled=False)
    services.register(user=UserFactory(), event=event)
    with pytest.raises(services.EventFull):
        services.register(user=UserFactory(), event=event)
    assert_invariant(event)


def test_register_returns_the_outcome_to_show():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    confirmed = services.register(user=UserFactory(), event=event)
    assert confirmed.position is None
    committed = confirmed.registration.event
    assert (committed.seats_taken, committed.is_full) == (1, True)
    second = services.register(user=UserFactory(), event=event)
    third = services.register(user=UserFactory(), event=event)
    assert third.is_waitlisted and third.position == 2
    services.cancel_registration(user=second.registration.user, event=event)
    fourth = services.register(user=UserFactory(), event=event)
    assert fourth.position == 2
    annotated = Registration.objects.with_waitlist_position().get(pk=fourth.registration.pk)
    assert annotated.position == fourth.position


@pytest.mark.parametrize("waitlist", [True, False], ids=["waitlist", "no-waitlist"])
def test_registering_again_on_a_full_event_is_already_registered(waitlist):
    event, user = EventFactory(capacity=1, waitlist_enabled=waitlist), UserFactory()
    services.register(user=user, event=event)
    with pytest.raises(services.AlreadyRegistered):
        services.register(user=user, event=event)
    assert_invariant(event)


def test_cancel_returns_the_event_with_the_seat_given_back():
    event, user = EventFactory(capacity=2), UserFactory()
    services.register(user=user, event=event)
    cancelled = services.cancel_registration(user=user, event=event)
    assert cancelled.event.seats_taken == 0
    assert cancelled.registration.status == Registration.Status.CANCELLED


def test_a_stale_event_still_gets_the_truth_from_the_database():
    # The view's copy of the event is read before the transaction; the seat is taken
    # only if the row still has one free and registration is still open.
    stale = EventFactory(capacity=1, waitlist_enabled=True)
    services.register(user=UserFactory(), event=Event.objects.get(pk=stale.pk))
    assert stale.seats_taken == 0
    assert services.register(user=UserFactory(), event=stale).is_waitlisted
    Event.objects.filter(pk=stale.pk).update(status=Event.Status.CANCELLED)
    fresh_looking = EventFactory.build(pk=stale.pk, capacity=5, seats_taken=0)
    with pytest.raises(services.RegistrationClosed):
        services.register(user=UserFactory(), event=fresh_looking)
    assert_invariant(stale)


def test_registering_twice_is_refused():
    event, user = EventFactory(), UserFactory()
    services.register(user=user, event=event)
    with pytest.raises(services.AlreadyRegistered):
        services.register(user=user, event=event)
    assert event.registrations.count() == 1
    assert_invariant(event)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": Event.Status.DRAFT}, "published"),
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        (
            {
                "starts_at": timezone.now() - timedelta(minutes=5),
                "ends_at": timezone.now() + timedelta(hours=1),
            },
            "started",
        ),
    ],
)
def test_only_published_upcoming_events_take_registrations(fields, message):
    event = EventFactory(**fields)
    with pytest.raises(services.RegistrationClosed, match=message):
        services.register(user=UserFactory(), event=event)
    assert not event.registrations.exists()


def test_cancel_frees_the_seat_for_the_head_of_the_waitlist(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for user in (first, second, third):
        services.register(user=user, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(user=first, event=event)
    assert Registration.objects.get(event=event, user=second).is_confirmed
    assert Registration.objects.get(event=event, user=third).is_waitlisted
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Registration cancelled",
        "A seat opened up, you're in",
    ]
    assert mail.outbox[1].to == [second.email]
    assert_invariant(event)


def test_leaving_the_waitlist_changes_no_seats():
    event = EventFactory(capacity=1)
    holder, waiting = UserFactory(), UserFactory()
    services.register(user=holder, event=event)
    services.register(user=waiting, event=event)
    services.cancel_registration(user=waiting, event=event)
    assert statuses(event) == ["confirmed", "cancelled"]
    assert_invariant(event)
    assert event.seats_taken == 1


def test_cancel_without_a_registration_is_refused():
    with pytest.raises(services.NotRegistered):
        services.cancel_registration(user=UserFactory(), event=EventFactory())


def test_re_registering_after_cancelling_queues_anew():
    event, user = EventFactory(capacity=5), UserFactory()
    services.register(user=user, event=event)
    services.cancel_registration(user=user, event=event)
    again = services.register(user=user, event=event)
    assert again.is_confirmed
    assert statuses(event) == ["cancelled", "confirmed"]
    assert_invariant(event)


def test_waitlist_position():
    event = EventFactory(capacity=1)
    users = [UserFactory() for _ in range(4)]
    for user in users:
        services.register(user=user, event=event)
    positions = dict(
        Registration.objects.filter(event=event)
        .with_waitlist_position()
        .values_list("user", "position")
    )
    assert [positions[u.pk] for u in users] == [None, 1, 2, 3]


def test_confirmation_carries_a_calendar_file(django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://events.example.com"
    event = EventFactory(title="Rust workshop", venue="LX Factory", city="Lisbon")
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(user=UserFactory(), event=event).registration
    message = mail.outbox[0]
    assert message.alternatives[0][1] == "text/html"
    assert f"https://events.example.com/events/{event.slug}/" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("event.ics", "text/calendar; method=REQUEST")
    calendar = Calendar.from_ical(content)
    assert calendar["METHOD"] == "REQUEST"
    entry = calendar.walk("VEVENT")[0]
    assert entry["UID"] == f"registration-{registration.pk}@events.example.com"
    assert entry["SEQUENCE"] == 0
    # iCalendar times have whole seconds, written in UTC ("Z").
    assert entry.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert entry.decoded("DTEND") == event.ends_at.replace(microsecond=0)
    assert f"DTSTART:{event.starts_at.astimezone(UTC):%Y%m%dT%H%M%S}Z" in content
    assert entry["LOCATION"] == "LX Factory, Lisbon"
    assert entry["SUMMARY"] == "Rust workshop"


def test_online_confirmation_gives_the_link(django_capture_on_commit_callbacks):
    event = EventFactory(is_online=True, online_url="https://meet.example.com/room", venue="")
    with django_capture_on_commit_callbacks(execute=True):
        services.register(user=UserFactory(), event=event)
    assert "https://meet.example.com/room" in mail.outbox[0].body
    entry = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert entry["LOCATION"] == "https://meet.example.com/room"


def test_a_failing_mail_server_keeps_the_registration_and_the_email(
    django_capture_on_commit_callbacks, monkeypatch
):
    def refused(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(user=UserFactory(), event=event).registration
    assert Registration.objects.get(pk=registration.pk).is_confirmed
    assert_invariant(event)
    delivery = registration.email_deliveries.get()
    assert (delivery.kind, delivery.status) == ("confirmed", "pending")
    assert "mail server down" in delivery.last_error
