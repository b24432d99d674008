from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..models import Event, Registration
from .common import lock, notify, notify_many
from .errors import AlreadyRegistered, EventFull, NotRegistered, RegistrationClosed


def _check_open(event: Event) -> None:
    if event.status == Event.Status.CANCELLED:
        raise RegistrationClosed("Registration is closed: this event is cancelled.")
    if event.status != Event.Status.PUBLISHED:
        raise RegistrationClosed("Registration opens when the event is published.")
    if event.has_started:
        raise RegistrationClosed("Registration is closed: this event has started.")


def register(*, user, event: Event) -> Registration:
    """Take a seat, or a waitlist place when the event is full and has a waitlist."""
    try:
        with transaction.atomic():
            event = lock(event)
            _check_open(event)
            # Under the lock, a second request by the same user waits here and then
            # sees the first one's registration.
            if Registration.objects.active().filter(event=event, user=user).exists():
                raise AlreadyRegistered("You're already registered for this event.")
            now = timezone.now()
            if event.seats_taken < event.capacity:
                status, confirmed_at = Registration.Status.CONFIRMED, now
                Event.objects.filter(pk=event.pk).update(
                    seats_taken=F("seats_taken") + 1, updated_at=now
                )
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
    notify(registration, "confirmed" if registration.is_confirmed else "waitlisted")
    return registration


def cancel_registration(*, user, event: Event) -> Registration:
    """Give up a seat or a waitlist place. A freed seat goes to the head of the waitlist."""
    with transaction.atomic():
        event = lock(event)
        registration = Registration.objects.active().filter(event=event, user=user).first()
        if registration is None:
            raise NotRegistered("You're not registered for this event.")
        if event.has_started:
            raise RegistrationClosed("This event has started, so registrations can't change.")
        was_confirmed = registration.is_confirmed
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        # The cancellation email's calendar file must supersede the confirmation's.
        registration.sequence += 1
        registration.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
        promoted = promote(event, seats=1) if was_confirmed else []
        if was_confirmed and not promoted:
            # updated_at too: it versions the cached catalogue pages.
            Event.objects.filter(pk=event.pk).update(
                seats_taken=F("seats_taken") - 1, updated_at=registration.cancelled_at
            )
    notify(registration, "cancelled")
    notify_many(promoted, "promoted")
    return registration


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
