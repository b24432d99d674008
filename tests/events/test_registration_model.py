"""Random sequences of everything that moves seats, checked after every step against
a plain-Python model of the rules: the seat invariant, the fair waitlist, approvals."""

import contextlib
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import services
from tests.factories import EventFactory, UserFactory
from tests.seats import assert_invariant

pytestmark = pytest.mark.django_db


class Rules:
    """What should happen. Parties take seats while they fit, else queue; freed seats go
    down the queue to each party that fits, in order of arrival. With approval, a
    request waits for an answer and keeps its arrival for the queue."""

    def __init__(self, capacity, waitlist, allowed, approval):
        self.capacity, self.waitlist, self.allowed = capacity, waitlist, allowed
        self.approval = approval
        self.arrivals = itertools.count()
        self.confirmed = {}  # user -> party size
        self.queue = []  # [user, party size, arrival], in arrival order
        self.pending = {}  # user -> [party size, arrival]
        self.declined = set()

    def free(self):
        return self.capacity - sum(self.confirmed.values())

    def waiting(self, user):
        return next((entry for entry in self.queue if entry[0] == user), None)

    def has_place(self, user):
        return user in self.confirmed or user in self.pending or self.waiting(user)

    def enqueue(self, user, size, arrival):
        self.queue.append([user, size, arrival])
        self.queue.sort(key=lambda entry: entry[2])

    def fill(self):
        free = self.free()
        for entry in list(self.queue):
            if entry[1] <= free:
                self.queue.remove(entry)
                self.confirmed[entry[0]] = entry[1]
                free -= entry[1]

    def register(self, user, guests):
        size = guests + 1
        if self.has_place(user) or guests > self.allowed or size > self.capacity:
            return
        if self.approval:
            if user not in self.declined and (self.waitlist or size <= self.free()):
                self.pending[user] = [size, next(self.arrivals)]
        elif size <= self.free():
            self.confirmed[user] = size
        elif self.waitlist:
            self.enqueue(user, size, next(self.arrivals))
        next(self.arrivals)

    def cancel(self, user, _value):
        self.confirmed.pop(user, None)
        self.pending.pop(user, None)
        if entry := self.waiting(user):
            self.queue.remove(entry)
        self.fill()

    def change(self, user, guests):
        entry = self.waiting(user)
        current = self.confirmed.get(user) or (entry and entry[1])
        current = current or (user in self.pending and self.pending[user][0])
        if not current or guests > max(self.allowed, current - 1):
            return
        if guests + 1 > current and guests + 1 > self.capacity:
            return
        if user in self.confirmed:
            if guests + 1 - current > self.free():
                return
            self.confirmed[user] = guests + 1
        elif user in self.pending:
            self.pending[user][0] = guests + 1
        else:
            entry[1] = guests + 1
        self.fill()

    def approve(self, user, _value):
        if user not in self.pending:
            return
        size, arrival = self.pending[user]
        if size <= self.free():
            self.confirmed[user] = size
        elif self.waitlist:
            self.enqueue(user, size, arrival)
        else:
            return  # stays pending
        del self.pending[user]

    def decline(self, user, _value):
        if self.pending.pop(user, None):
            self.declined.add(user)

    def capacity_to(self, _user, capacity):
        if capacity >= self.capacity - self.free():
            self.capacity = capacity
            self.fill()


def apply(event, user, action, value):
    if action == "register":
        services.register(user=user, event=event, guests=value)
    elif action == "cancel":
        services.cancel_registration(user=user, event=event)
    elif action == "change":
        services.change_party(user=user, event=event, guests=value)
    elif action in ("approve", "decline"):
        ids = event.registrations.pending().filter(user=user).values_list("pk", flat=True)
        getattr(services, action)(event=event, registrations=ids)
    else:
        services.update_event(event=event, changes={"capacity": value})


ACTIONS = ["register", "register", "cancel", "change", "approve", "decline", "capacity_to"]
steps = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 3), st.integers(1, 4)), max_size=30
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    capacity=st.integers(1, 4),
    waitlist=st.booleans(),
    allowed=st.integers(0, 3),
    approval=st.booleans(),
    steps=steps,
)
def test_any_sequence_keeps_the_invariant_the_fair_queue_and_the_requests(
    capacity, waitlist, allowed, approval, steps
):
    users = [UserFactory(email=f"p{n}@example.com") for n in range(4)]
    event = EventFactory(
        capacity=capacity,
        waitlist_enabled=waitlist,
        guests_allowed=allowed,
        requires_approval=approval,
    )
    rules = Rules(capacity, waitlist, allowed, approval)
    for action, n, value in steps:
        value = value if action == "capacity_to" else value - 1  # guests count from 0
        with contextlib.suppress(services.ServiceError):
            apply(event, users[n], action, value)
        getattr(rules, action)(users[n].pk, value)
        assert_invariant(event)
        confirmed = event.registrations.confirmed().values_list("user", "party_size")
        assert dict(confirmed) == rules.confirmed
        queue = event.registrations.waitlist().values_list("user", "party_size")
        assert list(queue) == [(user, size) for user, size, _arrival in rules.queue]
        pending = event.registrations.pending().values_list("user", "party_size")
        assert dict(pending) == {user: size for user, (size, _) in rules.pending.items()}
