"""Events that require approval: a request holds no seat until the organizer answers."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import Registration
from tests.factories import EventFactory, UserFactory
from tests.seats import assert_invariant

pytestmark = pytest.mark.django_db


def request(event, guests=0, name=None):
    user = UserFactory(**({"name": name} if name else {}))
    return services.register(user=user, event=event, guests=guests).registration


def status(registration):
    registration.refresh_from_db()
    return registration.status


def test_a_request_holds_no_seat_and_says_so(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2, requires_approval=True, title="Salon")
    with django_capture_on_commit_callbacks(execute=True):
        place = services.register(user=UserFactory(), event=event)
    assert place.is_pending
    assert place.registration.event.seats_taken == 0
    assert_invariant(event)
    assert mail.outbox[-1].subject == "Request received: Salon"
    assert "doesn't hold a seat yet" in mail.outbox[-1].body


def test_approving_seats_parties_that_fit_and_queues_the_rest_in_request_order(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=3, requires_approval=True, guests_allowed=2)
    first, second, third = request(event, 1), request(event, 2), request(event, 0)
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.approve(
            event=event, registrations=[third.pk, second.pk, first.pk], message="Welcome!"
        )
    assert decided.confirmed == [first.pk, third.pk]
    assert decided.waitlisted == [second.pk]
    assert [status(r) for r in (first, second, third)] == ["confirmed", "waitlisted", "confirmed"]
    assert decided.event.seats_taken == 3
    assert_invariant(event)
    subjects = {m.to[0]: m.subject.split(":")[0] for m in mail.outbox}
    assert subjects[first.user.email] == "You're in"
    assert subjects[second.user.email] == "You're on the waitlist"
    assert "Welcome!" in mail.outbox[-1].body


def test_without_a_waitlist_a_party_that_does_not_fit_stays_pending():
    event = EventFactory(capacity=1, requires_approval=True, waitlist_enabled=False)
    first, second = request(event), request(event)
    decided = services.approve(event=event, registrations=[first.pk, second.pk])
    assert (decided.confirmed, decided.no_room) == ([first.pk], [second.pk])
    assert status(second) == "pending"
    assert_invariant(event)


def test_declining_closes_the_request_with_the_message(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=5, requires_approval=True, title="Salon")
    pending = request(event)
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.decline(event=event, registrations=[pending.pk], message="Sorry")
    assert decided.declined == [pending.pk]
    assert status(pending) == "declined"
    assert mail.outbox[-1].subject == "Your request wasn't accepted: Salon"
    assert "Sorry" in mail.outbox[-1].body
    with pytest.raises(services.RegistrationClosed, match="declined your request"):
        services.register(user=pending.user, event=event)


def test_only_pending_requests_of_this_event_are_answered():
    event = EventFactory(capacity=5, requires_approval=True)
    other = EventFactory(capacity=5, requires_approval=True)
    mine, theirs = request(event), request(other)
    services.approve(event=event, registrations=[mine.pk])
    again = services.approve(event=event, registrations=[mine.pk, theirs.pk])
    assert (again.confirmed, again.waitlisted, again.declined) == ([], [], [])
    assert services.decline(event=event, registrations=[mine.pk]).declined == []
    assert (status(mine), status(theirs)) == ("confirmed", "pending")
    assert_invariant(event)


def test_a_too_long_message_is_refused_and_nothing_changes():
    event = EventFactory(capacity=5, requires_approval=True)
    pending = request(event)
    with pytest.raises(services.InvalidChange) as refused:
        services.approve(event=event, registrations=[pending.pk], message="x" * 1001)
    assert refused.value.field == "message"
    assert status(pending) == "pending"


def test_requests_cannot_be_answered_once_the_event_has_started():
    event = EventFactory(capacity=5, requires_approval=True)
    pending = request(event)
    event.starts_at = timezone.now() - timedelta(minutes=5)
    event.save()
    with pytest.raises(services.EventLocked):
        services.approve(event=event, registrations=[pending.pk])
    assert status(pending) == "pending"


def test_withdrawing_a_request_frees_nothing_and_promotes_nobody():
    event = EventFactory(capacity=1, requires_approval=True)
    seated, waiting = request(event), request(event)
    services.approve(event=event, registrations=[seated.pk, waiting.pk])
    pending = request(event)
    services.cancel_registration(user=pending.user, event=event)
    assert (status(pending), status(waiting)) == ("cancelled", "waitlisted")
    assert_invariant(event)


def test_cancelling_a_seat_approved_earlier_promotes_as_usual():
    event = EventFactory(capacity=1, requires_approval=True)
    seated, waiting = request(event), request(event)
    services.approve(event=event, registrations=[seated.pk, waiting.pk])
    services.cancel_registration(user=seated.user, event=event)
    assert status(waiting) == "confirmed"
    assert_invariant(event)


def test_a_full_event_without_a_waitlist_takes_no_requests():
    event = EventFactory(capacity=1, requires_approval=True, waitlist_enabled=False)
    services.approve(event=event, registrations=[request(event).pk])
    with pytest.raises(services.EventFull):
        request(event)


def test_cancelling_the_event_closes_requests_too():
    event = EventFactory(capacity=5, requires_approval=True)
    pending = request(event)
    services.cancel_event(event=event, reason="Rain")
    assert status(pending) == "cancelled"
    assert Registration.objects.filter(pk=pending.pk, email_deliveries__kind="event_cancelled")


def test_counts_show_each_status_in_people():
    event = EventFactory(capacity=3, requires_approval=True, guests_allowed=2)
    a, b, c = request(event, 1), request(event, 2), request(event)
    services.approve(event=event, registrations=[a.pk, b.pk])
    services.decline(event=event, registrations=[c.pk])
    request(event, 2)
    counts = event.registrations.counts()
    assert (counts["confirmed"], counts["waitlisted"]) == (2, 3)
    assert (counts["pending"], counts["declined"]) == (3, 1)


def test_withdrawing_a_request_sends_no_email(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2, requires_approval=True)
    pending = request(event)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(user=pending.user, event=event)
    assert not pending.email_deliveries.exclude(kind="requested").exists()


def test_approval_can_be_turned_off_from_the_seats_section(client):
    event = EventFactory(capacity=5, requires_approval=True)
    client.force_login(event.organizer)
    url = f"/events/{event.slug}/edit/seats/"
    data = {"capacity": "5", "guests_allowed": "0", "waitlist_enabled": "on"}
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    event.refresh_from_db()
    assert not event.requires_approval
