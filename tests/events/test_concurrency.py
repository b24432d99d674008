"""Real threads, each with its own database connection, racing for the same seats.

On PostgreSQL the event row lock serialises them; on SQLite the IMMEDIATE
transaction's write lock does. Either way the invariant must hold.
"""

import random
import threading

import pytest
from django.db import connection

from events import services
from events.models import EmailDelivery, Event
from events.selectors import Place
from tests.factories import EventFactory, UserFactory
from tests.seats import assert_invariant

# One test worker runs every race, one after another: each holds up to a hundred
# database connections, and two at once could pass PostgreSQL's max_connections.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("races")]


def race(calls):
    """Start every call at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=60)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def registering(users, event):
    return [lambda user=user: services.register(user=user, event=event) for user in users]


def test_100_people_race_for_25_seats_with_a_waitlist():
    event = EventFactory(capacity=25, waitlist_enabled=True)
    users = UserFactory.create_batch(100)
    results = race(registering(users, event))
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert sum(r.is_confirmed for r in results) == 25
    assert sum(r.is_waitlisted for r in results) == 75
    assert_invariant(event)
    assert event.seats_taken == 25
    # Arrival order: every confirmed seat was taken before the first waitlist place.
    queue = list(event.registrations.order_by("created_at", "pk").values_list("status", flat=True))
    assert queue == ["confirmed"] * 25 + ["waitlisted"] * 75


def test_100_people_race_for_25_seats_without_a_waitlist():
    event = EventFactory(capacity=25, waitlist_enabled=False)
    results = race(registering(UserFactory.create_batch(100), event))
    assert sum(isinstance(r, Place) and r.is_confirmed for r in results) == 25
    assert sum(isinstance(r, services.EventFull) for r in results) == 75
    assert all(isinstance(r, Place | services.EventFull) for r in results)
    assert_invariant(event)
    assert event.registrations.count() == 25


def test_cancels_and_registrations_at_once_keep_the_invariant():
    event = EventFactory(capacity=25, waitlist_enabled=True)
    holders = UserFactory.create_batch(30)  # 25 seats taken, 5 waiting
    for user in holders:
        services.register(user=user, event=event)
    newcomers = UserFactory.create_batch(30)
    cancels = [
        lambda user=user: services.cancel_registration(user=user, event=event)
        for user in holders[:15]
    ]
    results = race(cancels + registering(newcomers, event))
    assert [r for r in results if isinstance(r, Exception)] == []
    assert_invariant(event)
    assert event.seats_taken == 25
    assert event.registrations.waitlist().count() == 30 + 30 - 15 - 25


def test_the_same_person_clicking_from_10_tabs_gets_one_registration():
    event, user = EventFactory(capacity=5), UserFactory()
    results = race(registering([user] * 10, event))
    assert sum(isinstance(r, Place) for r in results) == 1
    assert sum(isinstance(r, services.AlreadyRegistered) for r in results) == 9
    assert event.registrations.active().filter(user=user).count() == 1
    assert_invariant(event)
    assert Event.objects.get(pk=event.pk).seats_taken == 1


def test_capacity_changes_racing_registrations_keep_the_invariant():
    event = EventFactory(capacity=10, waitlist_enabled=True)
    changes = [
        lambda capacity=capacity: services.update_event(event=event, changes={"capacity": capacity})
        for capacity in (15, 25, 5, 30, 12, 40)
    ]
    results = race(registering(UserFactory.create_batch(50), event) + changes)
    # Only a capacity below the confirmed count at that moment may be refused.
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, services.InvalidChange) and r.field == "capacity" for r in refused)
    assert_invariant(event)
    # Nobody is left waiting while a seat is free.
    active = event.registrations.active().count()
    assert active == 50
    assert event.seats_taken == min(event.capacity, active)
    assert event.registrations.waitlist().count() == active - event.seats_taken


def test_raising_capacity_while_people_cancel_promotes_each_waiting_person_once():
    event = EventFactory(capacity=10, waitlist_enabled=True)
    holders = UserFactory.create_batch(30)
    for user in holders:
        services.register(user=user, event=event)
    cancels = [
        lambda user=user: services.cancel_registration(user=user, event=event)
        for user in holders[:5]
    ]
    raise_to_20 = [lambda: services.update_event(event=event, changes={"capacity": 20})]
    results = race(cancels + raise_to_20)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert_invariant(event)
    assert event.seats_taken == 20
    assert event.registrations.waitlist().count() == 30 - 5 - 20


def test_people_register_while_a_long_read_is_still_open():
    # A streamed read, such as a big attendee CSV still downloading, keeps its query
    # open. On SQLite a commit waits for such readers unless the database is in WAL
    # mode, and gives up after the busy timeout: "database is locked".
    event, user = EventFactory(capacity=5), UserFactory()
    EventFactory.create_batch(2)  # so the read has rows to go
    reading, finish = threading.Event(), threading.Event()

    def long_read():
        rows = Event.objects.values_list("pk", flat=True).iterator(chunk_size=1)
        try:
            next(rows)
            reading.set()
            finish.wait(timeout=60)
        finally:
            rows.close()
            connection.close()

    reader = threading.Thread(target=long_read)
    reader.start()
    try:
        assert reading.wait(timeout=10)
        services.register(user=user, event=event)
        assert reader.is_alive()  # the read was still open all along
    finally:
        finish.set()
        reader.join()
    assert event.registrations.filter(user=user).exists()


def assert_nobody_waits_who_fits(event):
    event.refresh_from_db()
    waiting = list(event.registrations.waitlist().values_list("party_size", flat=True))
    assert all(size > event.seats_left for size in waiting)


def test_100_parties_of_1_to_4_race_for_50_seats():
    event = EventFactory(capacity=50, guests_allowed=3)
    sizes = random.Random(16).choices([1, 2, 3, 4], k=100)
    users = UserFactory.create_batch(100)
    calls = [
        lambda user=user, size=size: services.register(user=user, event=event, guests=size - 1)
        for user, size in zip(users, sizes, strict=True)
    ]
    results = race(calls)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert_invariant(event)
    confirmed = sum(r.registration.party_size for r in results if r.is_confirmed)
    assert confirmed == event.seats_taken <= 50
    assert sum(r.is_waitlisted for r in results) == 100 - sum(r.is_confirmed for r in results)
    assert_nobody_waits_who_fits(event)


def test_guest_changes_and_cancels_racing_registrations_keep_the_invariant():
    event = EventFactory(capacity=30, guests_allowed=3)
    rng = random.Random(17)
    holders = UserFactory.create_batch(20)
    for user in holders:
        services.register(user=user, event=event, guests=rng.randint(0, 3))
    changes = [
        lambda user=user, guests=guests: services.change_party(
            user=user, event=event, guests=guests
        )
        for user, guests in zip(holders[:10], rng.choices(range(4), k=10), strict=True)
    ]
    cancels = [
        lambda user=user: services.cancel_registration(user=user, event=event)
        for user in holders[10:15]
    ]
    newcomers = UserFactory.create_batch(20)
    registrations = [
        lambda user=user, guests=guests: services.register(user=user, event=event, guests=guests)
        for user, guests in zip(newcomers, rng.choices(range(4), k=20), strict=True)
    ]
    results = race(changes + cancels + registrations)
    # Only a change to more guests than there are free seats may be refused.
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, services.EventFull) and r.field == "guests" for r in refused)
    assert_invariant(event)
    assert_nobody_waits_who_fits(event)
    assert event.registrations.active().count() == 20 - 5 + 20


def test_approvals_racing_registrations_and_cancels_never_oversell():
    event = EventFactory(capacity=20, guests_allowed=2, requires_approval=True)
    rng = random.Random(18)
    for user in UserFactory.create_batch(40):
        services.register(user=user, event=event, guests=rng.randint(0, 2))
    pending = list(event.registrations.pending().values_list("pk", flat=True))
    approvals = [
        lambda ids=pending[start : start + 5]: services.approve(event=event, registrations=ids)
        for start in range(0, 40, 5)
    ]
    overlapping = [lambda: services.approve(event=event, registrations=pending[::3])]
    declines = [lambda: services.decline(event=event, registrations=pending[1::7])]
    newcomers = [
        lambda user=user: services.register(user=user, event=event)
        for user in UserFactory.create_batch(10)
    ]
    results = race(approvals + overlapping + declines + newcomers)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert_invariant(event)
    assert_nobody_waits_who_fits(event)
    # Every earlier request was answered, each once; the newcomers' wait.
    answered = event.registrations.filter(pk__in=pending).exclude(status="pending").count()
    assert answered == 40
    assert event.registrations.pending().count() == 10
    emails = EmailDelivery.objects.filter(registration__in=pending)
    assert emails.exclude(kind="requested").count() == 40  # one answer each
