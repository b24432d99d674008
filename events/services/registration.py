from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Event, Registration
from ..selectors import Place
from .common import lock, notify, notify_many, require_confirmed_email
from .errors import AlreadyRegistered, EventFull, NotRegistered, RegistrationClosed


def register(*, user, event: Event) -> Place:
    """Take a seat, or a waitlist place when the event is full and has a waitlist.

    The place's registration.event is the event as committed, showing this seat, so
    callers can show the outcome without reading anything again."""
    require_confirmed_email(user)
    try:
        with transaction.atomic():
            place = _take_free_seat(user, event) or _register_locked(user, event)
            notify(place.registration, "confirmed" if place.is_confirmed else "waitlisted")
    except IntegrityError:
        # The partial unique constraint refused a second active registration (a double
        # click, or a stale page); the whole transaction, seat count included, rolled back.
        raise AlreadyRegistered(_("You're already registered for this event.")) from None
    return place


def _take_free_seat(user, event: Event) -> Place | None:
    """The common case in two statements and no lock wait: a conditional UPDATE takes a
    seat only while one is free and registration is open, atomically on both databases.
    None when it can't, and _register_locked decides why under the lock."""
    if event.is_full:
        return None
    now = timezone.now()
    if not _move_seats(event, 1, now, Event.objects.open_for_registration().with_seats_left()):
        return None
    return Place(_create(event, user, Registration.Status.CONFIRMED, now))


def _register_locked(user, event: Event) -> Place:
    event = lock(event)
    if refused := event.registration_closed:
        raise RegistrationClosed(refused)
    now = timezone.now()
    if not event.is_full:
        _move_seats(event, 1, now)
        return Place(_create(event, user, Registration.Status.CONFIRMED, now))
    if refused := event.joining_refused:
        if Registration.objects.active().filter(event=event, user=user).exists():
            # Not "full": the first click of a double click took the last seat.
            raise AlreadyRegistered(_("You're already registered for this event."))
        raise EventFull(refused)
    registration = _create(event, user, Registration.Status.WAITLISTED, now)
    # Everyone else waiting joined under this lock, before `now`, so is ahead: the new
    # place is the waitlist's length.
    return Place(registration, position=event.registrations.waitlist().count())


def _move_seats(event: Event, by: int, now, rows=None) -> bool:
    """Change seats_taken by `by` in the database and on this copy of the event, with
    updated_at, which versions the cached pages. `rows` narrows the UPDATE so it only
    happens while the event still qualifies; False when it no longer does."""
    rows = Event.objects.all() if rows is None else rows
    if not rows.filter(pk=event.pk).update(seats_taken=F("seats_taken") + by, updated_at=now):
        return False
    event.seats_taken += by
    event.updated_at = now
    return True


def _create(event: Event, user, status: str, now) -> Registration:
    confirmed_at = now if status == Registration.Status.CONFIRMED else None
    return Registration.objects.create(
        event=event, user=user, status=status, created_at=now, confirmed_at=confirmed_at
    )


@dataclass(frozen=True)
class Cancelled:
    """What cancel_registration did: the cancelled registration, the event as committed,
    and the ids of the people the freed seat went to."""

    registration: Registration
    event: Event
    promoted: list[int]


def cancel_registration(*, user, event: Event) -> Cancelled:
    """Give up a seat or a waitlist place. A freed seat goes to the head of the waitlist."""
    with transaction.atomic():
        event = lock(event)
        registration = Registration.objects.active().filter(event=event, user=user).first()
        if registration is None:
            raise NotRegistered(_("You're not registered for this event."))
        if refused := event.leaving_closed:
            raise RegistrationClosed(refused)
        was_confirmed = registration.is_confirmed
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        # The cancellation email's calendar file must supersede the confirmation's.
        registration.sequence += 1
        registration.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
        promoted = promote(event, seats=1) if was_confirmed else []
        if was_confirmed and not promoted:
            _move_seats(event, -1, registration.cancelled_at)
        notify(registration, "cancelled")
        notify_many(promoted, "promoted")
    return Cancelled(registration, event, promoted)


def promote(event: Event, *, seats: int) -> list[int]:
    """Confirm up to `seats` people from the head of the waitlist, in order, and return
    their ids. The caller holds the lock and accounts for seats_taken."""
    if seats <= 0:
        return []
    promoted = list(event.registrations.waitlist().values_list("pk", flat=True)[:seats])
    now = timezone.now()
    Registration.objects.filter(pk__in=promoted).update(
        status=Registration.Status.CONFIRMED, confirmed_at=now, updated_at=now
    )
    return promoted
