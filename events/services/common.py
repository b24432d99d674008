from django.db import transaction

from .. import tasks
from ..models import Event, Registration

# A task per batch keeps one enqueue from carrying 50,000 ids.
BATCH = 500


def lock(event: Event) -> Event:
    """Re-read the event under a row lock (SQLite: the IMMEDIATE transaction's write lock)."""
    return Event.objects.select_for_update().get(pk=event.pk)


def notify(registration: Registration, kind: str) -> None:
    # robust: a failing mail server is logged and never breaks the committed request.
    transaction.on_commit(
        lambda: tasks.send_registration_email.enqueue(registration.pk, kind), robust=True
    )


def notify_many(registration_ids: list[int], kind: str) -> None:
    for start in range(0, len(registration_ids), BATCH):
        batch = registration_ids[start : start + BATCH]
        transaction.on_commit(
            lambda batch=batch: tasks.send_registration_emails.enqueue(batch, kind), robust=True
        )
