from django.db.models import F
from django.utils.translation import gettext_lazy

from ..models import Event, Registration
from ..outbox import queue, queue_for_registrations
from .errors import EmailNotConfirmed

NOT_CONFIRMED = gettext_lazy(
    "Confirm your email address first: open the link we sent you, or send a new one "
    "from the banner at the top of the page."
)


def require_confirmed_email(user) -> None:
    """Registering and organizing need an address that is known to reach the person."""
    if not user.email_verified_at:
        raise EmailNotConfirmed(NOT_CONFIRMED)


def lock(event: Event) -> Event:
    """Re-read the event under a row lock (SQLite: the IMMEDIATE transaction's write lock)."""
    return Event.objects.select_for_update().get(pk=event.pk)


def move_seats(event: Event, by: int, now, rows=None) -> bool:
    """Change seats_taken by `by` in the database and on this copy of the event, with
    updated_at, which versions the cached pages. `rows` narrows the UPDATE so it only
    happens while the event still qualifies; False when it no longer does."""
    rows = Event.objects.all() if rows is None else rows
    if not rows.filter(pk=event.pk).update(seats_taken=F("seats_taken") + by, updated_at=now):
        return False
    event.seats_taken += by
    event.updated_at = now
    return True


def notify(registration: Registration, kind: str) -> None:
    """Email the registrant about this change, in the change's own transaction."""
    queue(kind, [(registration.user_id, registration.pk)])


def notify_many(registration_ids: list[int], kind: str) -> None:
    if registration_ids:
        queue_for_registrations(kind, registration_ids)
