"""Guests: a party takes its seats together, waits together, and the waitlist gives
freed seats to the first party that fits."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import Registration
from tests.factories import EventFactory, UserFactory
from tests.seats import assert_invariant

pytestmark = pytest.mark.django_db


def register(event, guests=0, names=(), user=None):
    user = user or UserFactory()
    services.register(user=user, event=event, guests=guests, guest_names=names)
    return user


def queue(event):
    return [(r.user.name, r.party_size) for r in event.registrations.waitlist()]


def test_a_party_takes_its_seats_together():
    event = EventFactory(capacity=5, guests_allowed=3)
    user = register(event, guests=2, names=["Ann", " Bob  "])
    registration = event.registrations.get(user=user)
    assert (registration.status, registration.party_size) == ("confirmed", 3)
    assert registration.guest_names == ["Ann", "Bob"]
    assert_invariant(event)
    assert event.seats_taken == 3


def test_a_party_that_does_not_fit_waits_whole():
    event = EventFactory(capacity=3, guests_allowed=3)
    register(event, guests=1)
    place = services.register(user=UserFactory(), event=event, guests=2)
    assert place.is_waitlisted and place.position == 1
    assert_invariant(event)
    assert event.seats_taken == 2


def test_without_a_waitlist_a_party_that_does_not_fit_is_told_how_many_seats_are_left():
    event = EventFactory(capacity=3, guests_allowed=3, waitlist_enabled=False)
    register(event, guests=1)
    with pytest.raises(services.EventFull) as refused:
        register(event, guests=2)
    assert refused.value.message == "Only 1 seat is left, not enough for your party of 3."
    assert refused.value.field == "guests"
    assert event.registrations.count() == 1


@pytest.mark.parametrize(
    ("guests", "names", "field", "message"),
    [
        (-1, [], "guests", "Enter the number of guests as a whole number."),
        (True, [], "guests", "Enter the number of guests as a whole number."),
        ("2", [], "guests", "Enter the number of guests as a whole number."),
        (3, [], "guests", "You can bring 2 guests at most."),
        (1, ["Ann", "Bob"], "guest_names", "name 1 at most"),
        (0, ["Ann"], "guest_names", "You're not bringing guests"),
        (1, "Ann", "guest_names", "Give the guests' names as a list."),
        (1, [7], "guest_names", "Each guest's name must be text."),
        (1, ["A" * 101], "guest_names", "under 100 characters"),
        (1, [""] * 100_000, "guest_names", "more names than anyone may bring"),
    ],
)
def test_a_bad_party_is_refused_and_changes_nothing(guests, names, field, message):
    event = EventFactory(capacity=5, guests_allowed=2)
    with pytest.raises(services.InvalidChange) as refused:
        register(event, guests=guests, names=names)
    assert refused.value.field == field
    assert message in refused.value.message
    assert not event.registrations.exists()
    assert_invariant(event)


def test_guests_are_refused_where_the_event_takes_none():
    event = EventFactory(capacity=5)
    with pytest.raises(services.InvalidChange, match="doesn't take guests"):
        register(event, guests=1)


def test_freed_seats_go_to_the_first_party_that_fits_and_the_skipped_party_stays_first():
    event = EventFactory(capacity=4, guests_allowed=3)
    ann = register(event, guests=1, user=UserFactory(name="Ann"))
    bob = register(event, guests=1, user=UserFactory(name="Bob"))
    for name, guests in (("Cat", 2), ("Dan", 0), ("Eve", 1)):
        register(event, guests=guests, user=UserFactory(name=name))
    assert queue(event) == [("Cat", 3), ("Dan", 1), ("Eve", 2)]

    services.cancel_registration(user=bob, event=event)  # 2 seats free: Cat needs 3
    assert queue(event) == [("Cat", 3), ("Eve", 2)]
    assert event.registrations.get(user__name="Dan").is_confirmed
    cat = Registration.objects.with_waitlist_position().get(user__name="Cat")
    assert cat.position == 1

    services.cancel_registration(user=ann, event=event)  # 3 free: Cat fits now
    assert queue(event) == [("Eve", 2)]
    assert_invariant(event)
    assert event.seats_taken == 4


def test_raising_capacity_fills_the_new_seats_fairly():
    event = EventFactory(capacity=4, guests_allowed=3)
    register(event, guests=3)
    for name, guests in (("Big", 3), ("Small", 0)):
        register(event, guests=guests, user=UserFactory(name=name))
    update = services.update_event(event=event, changes={"capacity": 6})
    assert queue(update.event) == [("Big", 4)]
    assert_invariant(event)
    assert event.seats_taken == 5


def test_bringing_fewer_guests_frees_seats_for_the_waitlist(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=4, guests_allowed=3)
    host = register(event, guests=3)
    waiting = register(event, guests=1)
    with django_capture_on_commit_callbacks(execute=True):
        place = services.change_party(user=host, event=event, guests=1, guest_names=["Ann"])
    assert place.is_confirmed and place.registration.party_size == 2
    assert place.registration.event.seats_taken == 4
    assert event.registrations.get(user=waiting).is_confirmed
    assert_invariant(event)
    emails = Registration.objects.get(user=waiting).email_deliveries
    assert "promoted" in set(emails.values_list("kind", flat=True))


def test_bringing_more_guests_needs_free_seats_and_never_half_applies():
    event = EventFactory(capacity=4, guests_allowed=3)
    host = register(event, guests=1, names=["Ann"])
    register(event, guests=0)
    with pytest.raises(services.EventFull) as refused:
        services.change_party(user=host, event=event, guests=3, guest_names=["Ann", "Bo", "Cy"])
    assert refused.value.message == (
        "Not enough seats are free: you can bring 2 guests at most now."
    )
    registration = event.registrations.get(user=host)
    assert (registration.party_size, registration.guest_names) == (2, ["Ann"])
    assert_invariant(event)
    place = services.change_party(user=host, event=event, guests=2)
    assert place.registration.party_size == 3
    assert_invariant(event)
    assert event.seats_taken == 4


def test_a_waitlisted_party_keeps_its_place_and_gets_in_when_it_shrinks_to_fit():
    event = EventFactory(capacity=4, guests_allowed=3)
    register(event, guests=1)
    first = register(event, guests=3)
    second = register(event, guests=2)
    place = services.change_party(user=second, event=event, guests=3)
    assert (place.is_waitlisted, place.position) == (True, 2)
    place = services.change_party(user=first, event=event, guests=0)
    assert place.is_confirmed
    assert event.registrations.get(user=second).is_waitlisted
    assert_invariant(event)


def test_a_lowered_guest_limit_keeps_existing_guests_but_allows_no_more():
    event = EventFactory(capacity=9, guests_allowed=3)
    host = register(event, guests=2)
    services.update_event(event=event, changes={"guests_allowed": 1})
    services.change_party(user=host, event=event, guests=2, guest_names=["Ann"])
    with pytest.raises(services.InvalidChange, match="2 guests at most"):
        services.change_party(user=host, event=event, guests=3)
    services.change_party(user=host, event=event, guests=1)
    with pytest.raises(services.InvalidChange, match="1 guest at most"):
        services.change_party(user=host, event=event, guests=2)


def test_a_party_cannot_change_once_the_event_has_started():
    event = EventFactory(capacity=9, guests_allowed=3)
    host = register(event, guests=1)
    event.starts_at = timezone.now() - timedelta(minutes=1)
    event.save()
    with pytest.raises(services.RegistrationClosed):
        services.change_party(user=host, event=event, guests=0)
    assert event.registrations.get(user=host).party_size == 2


def test_changing_without_a_registration_is_refused():
    event = EventFactory(capacity=9, guests_allowed=3)
    with pytest.raises(services.NotRegistered):
        services.change_party(user=UserFactory(), event=event, guests=1)


def test_cancelling_a_party_gives_back_all_its_seats():
    event = EventFactory(capacity=9, guests_allowed=3)
    host = register(event, guests=3)
    cancelled = services.cancel_registration(user=host, event=event)
    assert cancelled.event.seats_taken == 0
    assert_invariant(event)


def test_people_counts_include_guests():
    event = EventFactory(capacity=4, guests_allowed=3)
    register(event, guests=2)
    register(event, guests=3)
    counts = event.registrations.counts()
    assert (counts["confirmed"], counts["waitlisted"], counts["checked_in"]) == (3, 4, 0)


def test_the_confirmation_names_the_party(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=9, guests_allowed=3, title="Picnic")
    with django_capture_on_commit_callbacks(execute=True):
        register(event, guests=2, names=["Ann <b>", "Bo"])
    message = mail.outbox[-1]
    assert "Who:   You and 2 guests (Ann <b>, Bo)" in message.body
    html = message.alternatives[0][0]
    assert "You and 2 guests (Ann &lt;b&gt;, Bo)" in html


def test_a_party_bigger_than_the_event_is_refused_even_with_a_waitlist():
    event = EventFactory(capacity=2, guests_allowed=3)
    with pytest.raises(services.EventFull) as refused:
        register(event, guests=2)
    assert refused.value.message == "This event has 2 seats, fewer than your party of 3."
    host = register(event, guests=0)
    register(event, guests=1)  # waits: full
    with pytest.raises(services.EventFull, match="fewer than your party of 3"):
        services.change_party(user=host, event=event, guests=2)
