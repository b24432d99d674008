"""The organizer's answers to requests for events that require approval."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..models import MESSAGE_MAX, Event, Registration
from ..text import multi_line
from .common import lock, move_seats, notify_many
from .errors import EventLocked, InvalidChange


@dataclass
class Decided:
    """What approve or decline did, by registration id."""

    event: Event
    confirmed: list[int] = field(default_factory=list)
    waitlisted: list[int] = field(default_factory=list)
    declined: list[int] = field(default_factory=list)
    # Approved but neither seated nor queued: no room, and no waitlist.
    no_room: list[int] = field(default_factory=list)


def approve(*, event: Event, registrations, message: str = "") -> Decided:
    """Approve pending requests in order of arrival: each party takes seats if it fits
    now, else joins the waitlist (with its request's place in the queue), else, with no
    waitlist, stays pending. Requests that aren't pending any more are left alone."""
    message = _message(message)
    with transaction.atomic():
        event = lock(event)
        decided = Decided(event)
        now = timezone.now()
        seats = 0
        for pk, size in _pending(event, registrations).values_list("pk", "party_size"):
            if size <= event.seats_left - seats:
                decided.confirmed.append(pk)
                seats += size
            elif event.waitlist_enabled:
                decided.waitlisted.append(pk)
            else:
                decided.no_room.append(pk)
        _decide(decided.confirmed, Registration.Status.CONFIRMED, message, now, confirmed_at=now)
        _decide(decided.waitlisted, Registration.Status.WAITLISTED, message, now)
        if seats:
            move_seats(event, seats, now)
        notify_many(decided.confirmed, "approved")
        notify_many(decided.waitlisted, "waitlisted")
    return decided


def decline(*, event: Event, registrations, message: str = "") -> Decided:
    """Close pending requests. Requests that aren't pending any more are left alone."""
    message = _message(message)
    with transaction.atomic():
        event = lock(event)
        decided = Decided(event)
        decided.declined = list(_pending(event, registrations).values_list("pk", flat=True))
        _decide(decided.declined, Registration.Status.DECLINED, message, timezone.now())
        notify_many(decided.declined, "declined")
    return decided


def _message(message: str) -> str:
    message = multi_line(message or "").strip()
    if len(message) > MESSAGE_MAX:
        limit = number_format(MESSAGE_MAX, force_grouping=True)
        raise InvalidChange(
            _("Keep the message under %(max)s characters.") % {"max": limit}, field="message"
        )
    return message


def _pending(event: Event, registrations):
    """The event's pending requests among these ids; the caller holds the lock."""
    if refused := event.deciding_refused:
        raise EventLocked(refused)
    return event.registrations.pending().filter(pk__in=list(registrations))


def _decide(ids: list[int], status: str, message: str, now, **fields) -> None:
    if ids:
        Registration.objects.filter(pk__in=ids).update(
            status=status, organizer_message=message, decided_at=now, updated_at=now, **fields
        )
