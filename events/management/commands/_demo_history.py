"""The demo's history, replayed through the services: people register, a few cancel,
small events sell out and queue a waitlist, people arrive at past events, and one
event is cancelled.

Every seat is taken through events.services, so seats_taken counts the confirmed
registrations and never exceeds capacity, as with real requests. Two things differ:

- The clock. The services stamp rows with timezone.now() and refuse to register for
  an event that has started. So the seed sets the clock to the moment each thing
  would have happened: registrations in the weeks before their event, check-ins as
  people arrive. The rules applied are the services' own; only the time is the demo's.
- Emails. The services write an EmailDelivery row per email, in the transaction of
  the change, and queue a task to send it. Demo people have made-up addresses, so
  while seeding the tasks go to a backend that never runs them, and the rows are
  deleted before the seed commits: nothing is sent, and nothing is left for a worker.
"""

import contextlib
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from unittest import mock

from django.test.utils import override_settings
from django.utils import timezone

from events import services
from events.models import EmailDelivery, Event, Registration

# A demo person registers for about this many events, up to a total that the services
# write in a few seconds (each registration is a transaction of its own).
PER_PERSON = 10
MOST = 1_000
# About one published event in this many sells out, taking up to this share of the
# registrations, and none so big that it leaves room for few others.
SOLD_OUT_EVERY = 8
SOLD_OUT_SHARE = 0.6
SOLD_OUT_MOST = 1 / 12
# People register in the month before an event, up to an hour before it starts.
BOOKING_WINDOW = timedelta(days=30)
CLOSES_BEFORE_START = timedelta(hours=1)
# Of the registrations, how many are given up again; of the confirmed, how many come.
CANCELS = 0.05
# The share of those who cancel through the link in an email rather than on the site.
BY_LINK = 0.5
SHOWS_UP = 0.85
CANCELLATION_REASON = (
    "Our speaker can't travel that week, so we're calling this one off. "
    "We're sorry; we'll announce a new date soon."
)
DISCARD_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


class Clock:
    """What timezone.now() answers while the history is replayed: `moment`, or the real
    time while it is None. Whatever calls timezone.now() sees it: EMS's services and
    rules, and Django's auto_now fields. A model default bound as `default=timezone.now`
    keeps the real time; the services pass their own time where it matters."""

    def __init__(self):
        self.moment: datetime | None = None
        self.real = timezone.now

    def __call__(self) -> datetime:
        return self.moment or self.real()


@contextlib.contextmanager
def replaying() -> Iterator[Clock]:
    """Let the caller set the time every service and auto_now field reads."""
    clock = Clock()
    with mock.patch.object(timezone, "now", clock):
        yield clock


def emails_discarded():
    """Send the services' email tasks to a backend that never runs them. It must enclose
    the seed's transaction: the immediate backend queues its tasks on commit."""
    return override_settings(TASKS=DISCARD_TASKS)


def forget_emails(events) -> None:
    """Delete the emails the services wrote about `events` (a queryset) while seeding."""
    EmailDelivery.objects.filter(registration__event__in=events).delete()


def replay(*, events: list[Event], people: list, guest, now: datetime, rng: random.Random) -> None:
    """Register `people` for the published `events`, check them in where the event is over,
    and cancel one upcoming event. `guest`, the demo attendee account, joins a few events
    too: confirmed, waitlisted, checked in and cancelled, so signing in shows each."""
    plan, cancelled = _plan(events, people, guest, now, rng)
    with replaying() as clock:
        for event, registrants in plan.items():
            if registrants:
                _register(event, registrants, clock, guest, now, rng)
                if event.ends_at <= now:
                    _check_in(event, clock, guest, rng)
        clock.moment = None
        if cancelled:
            services.cancel_event(event=cancelled, reason=CANCELLATION_REASON)


def _plan(events, people, guest, now, rng) -> tuple[dict[Event, list], Event | None]:
    """Who registers for which event, in order, and which event gets cancelled."""
    published = [event for event in events if event.status == Event.Status.PUBLISHED]
    rng.shuffle(published)
    budget = min(len(people) * PER_PERSON, MOST)
    plan, sold_out, spent = {}, [], 0
    # Sell out some small events everyone wants, with a queue where the waitlist is on;
    # upcoming ones first, as their waitlists are the ones visitors can join.
    for event in sorted(published, key=lambda event: event.starts_at <= now):
        if len(sold_out) >= max(3, len(published) // SOLD_OUT_EVERY):
            break
        queue = rng.randint(2, max(2, event.capacity // 4)) if event.waitlist_enabled else 0
        wanted = min(event.capacity + queue, len(people))
        fits = wanted <= budget * SOLD_OUT_MOST and spent + wanted <= budget * SOLD_OUT_SHARE
        if event.capacity < len(people) and fits:
            plan[event] = rng.sample(people, wanted)
            sold_out.append(event)
            spent += wanted
    # The rest fill from empty to nearly full, most of them far from full.
    rest = [event for event in published if event not in plan]
    appeal = {event: min(event.capacity - 1, len(people)) * rng.random() ** 2 for event in rest}
    scale = min(1.0, (budget - spent) / (sum(appeal.values()) or 1))
    for event in rest:
        plan[event] = rng.sample(people, int(appeal[event] * scale + rng.random()))
    upcoming = [event for event in rest if event.starts_at > now + timedelta(days=2)]
    # The most booked of them is cancelled, so that many people are told.
    cancelled = max(upcoming, key=lambda event: len(plan[event]), default=None)
    if guest:
        waitlist = [e for e in sold_out if e.waitlist_enabled and e.starts_at > now]
        ended = [event for event in rest if event.ends_at <= now]
        others = [event for event in upcoming if event is not cancelled]
        picks = waitlist[:1] + ended[:2] + others[:3] + ([cancelled] if cancelled else [])
        for event in picks:
            plan[event].append(guest)  # last, so the waitlist is full by then
    return plan, cancelled


def _register(event: Event, registrants: list, clock: Clock, guest, now, rng) -> None:
    """Register each person at a moment in the booking window, in order; a few cancel
    later. The services read the seat count under the event's lock, so `event` may lag."""
    closes = min(event.starts_at - CLOSES_BEFORE_START, now)
    actions = []
    for person in registrants:
        moment = closes if person is guest else closes - BOOKING_WINDOW * rng.random()
        actions.append((moment, person, True))
        if person is not guest and rng.random() < CANCELS:
            actions.append((moment + (closes - moment) * rng.random(), person, False))
    for moment, person, registering in sorted(actions, key=lambda action: action[0]):
        clock.moment = moment
        if registering:
            services.register(user=person, event=event)
        elif rng.random() < BY_LINK:
            # From the "can't make it" link in an email, as the figures after the event count.
            active = Registration.objects.active().get(event=event, user=person)
            services.cancel_registration(user=person, event=event, registration_id=active.pk)
        else:
            services.cancel_registration(user=person, event=event)


def _check_in(event: Event, clock: Clock, guest, rng) -> None:
    """Check in most of a past event's confirmed attendees, as they arrived."""
    for registration in event.registrations.confirmed():
        if (guest and registration.user_id == guest.pk) or rng.random() < SHOWS_UP:
            clock.moment = event.starts_at + timedelta(minutes=rng.randint(-30, 40))
            services.check_in(registration=registration, checked_in=True)
