"""The only code that writes events, registrations and seat counts.

Every function is keyword-only and runs in one transaction that locks the event
row first (the only lock taken, so locks cannot be taken out of order). The
registration rows and Event.seats_taken change together, so at every commit

    seats_taken == count(confirmed registrations) <= capacity

and the database's check constraint is the last line of defence. Failures raise
a RegistrationError that views turn into a message and a status code. Emails go
out only after commit.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import tasks
from .models import Event, Registration
from .posters import Poster


class RegistrationError(Exception):
    """A registration request the rules refuse. `code` names it for the API."""

    code = "registration_error"
    status = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RegistrationClosed(RegistrationError):
    code = "registration_closed"


class EventFull(RegistrationError):
    code = "event_full"


class AlreadyRegistered(RegistrationError):
    code = "already_registered"


class NotRegistered(RegistrationError):
    code = "not_registered"
    status = 404


def create_event(*, organizer, event: Event, poster: Poster | None, publish: bool) -> Event:
    """Save a new event for `organizer`, with its poster, as a draft or published."""
    event.organizer = organizer
    event.status = Event.Status.PUBLISHED if publish else Event.Status.DRAFT
    stored = []
    try:
        with transaction.atomic():
            if poster:
                for field, content in (("poster", poster.full), ("poster_card", poster.card)):
                    getattr(event, field).save(content.name, content, save=False)
                    stored.append(getattr(event, field).name)
            _save_with_unique_slug(event)
    except BaseException:
        # The row is rolled back; remove the files so no orphan is left behind.
        for name in stored:
            Event._meta.get_field("poster").storage.delete(name)
        raise
    return event


def _save_with_unique_slug(event: Event, attempts: int = 3) -> None:
    # Two events with the same title can race for one slug: the loser picks the next.
    for attempt in range(attempts):
        event.slug = event.unique_slug()
        try:
            with transaction.atomic():
                event.save()
            return
        except IntegrityError:
            if attempt == attempts - 1 or not Event.objects.filter(slug=event.slug).exists():
                raise


def _lock(event: Event) -> Event:
    """Re-read the event under a row lock (SQLite: the IMMEDIATE transaction's write lock)."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _check_open(event: Event) -> None:
    if event.status == Event.Status.CANCELLED:
        raise RegistrationClosed("Registration is closed: this event is cancelled.")
    if event.status != Event.Status.PUBLISHED:
        raise RegistrationClosed("Registration opens when the event is published.")
    if event.has_started:
        raise RegistrationClosed("Registration is closed: this event has started.")


def _notify(registration: Registration, kind: str) -> None:
    # robust: a failing mail server is logged and never breaks the committed request.
    transaction.on_commit(
        lambda: tasks.send_registration_email.enqueue(registration.pk, kind), robust=True
    )


def register(*, user, event: Event) -> Registration:
    """Take a seat, or a waitlist place when the event is full and has a waitlist."""
    try:
        with transaction.atomic():
            event = _lock(event)
            _check_open(event)
            # Under the lock, a second request by the same user waits here and then
            # sees the first one's registration.
            if Registration.objects.active().filter(event=event, user=user).exists():
                raise AlreadyRegistered("You're already registered for this event.")
            now = timezone.now()
            if event.seats_taken < event.capacity:
                status, confirmed_at = Registration.Status.CONFIRMED, now
                Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)
            elif event.waitlist_enabled:
                status, confirmed_at = Registration.Status.WAITLISTED, None
            else:
                raise EventFull("Sorry, this event is full.")
            registration = Registration.objects.create(
                event=event, user=user, status=status, created_at=now, confirmed_at=confirmed_at
            )
    except IntegrityError:
        # The partial unique constraint, the last line of defence, refused a second
        # active registration; the whole transaction rolled back.
        raise AlreadyRegistered("You're already registered for this event.") from None
    _notify(registration, "confirmed" if registration.is_confirmed else "waitlisted")
    return registration


def cancel_registration(*, user, event: Event) -> Registration:
    """Give up a seat or a waitlist place. A freed seat goes to the head of the waitlist."""
    with transaction.atomic():
        event = _lock(event)
        registration = Registration.objects.active().filter(event=event, user=user).first()
        if registration is None:
            raise NotRegistered("You're not registered for this event.")
        if event.has_started:
            raise RegistrationClosed("This event has started, so registrations can't change.")
        was_confirmed = registration.is_confirmed
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        promoted = _promote(event, seats=1) if was_confirmed else []
        if was_confirmed and not promoted:
            Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") - 1)
    _notify(registration, "cancelled")
    for moved_up in promoted:
        _notify(moved_up, "promoted")
    return registration


def _promote(event: Event, *, seats: int) -> list[Registration]:
    """Confirm up to `seats` people from the head of the waitlist. Caller holds the lock
    and accounts for seats_taken."""
    promoted = list(event.registrations.waitlist()[:seats])
    now = timezone.now()
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
    return promoted
