from functools import partial

from django.db import transaction
from django_tasks_db import DatabaseBackend

from .. import tasks
from ..models import Event, Registration

# A task per batch keeps one enqueue from carrying 50,000 ids.
BATCH = 500


def lock(event: Event) -> Event:
    """Re-read the event under a row lock (SQLite: the IMMEDIATE transaction's write lock)."""
    return Event.objects.select_for_update().get(pk=event.pk)


def notify(registration: Registration, kind: str) -> None:
    _enqueue(tasks.send_registration_email, registration.pk, kind)


def notify_many(registration_ids: list[int], kind: str) -> None:
    for start in range(0, len(registration_ids), BATCH):
        _enqueue(tasks.send_registration_emails, registration_ids[start : start + BATCH], kind)


def _enqueue(task, *args) -> None:
    """Queue the email in the caller's transaction when the queue is in the database:
    it is queued if and only if the change commits, at no extra commit. Other backends
    may send at once, so they wait until the change has committed, and then a failing
    mail server is logged and never breaks the committed request (robust)."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args), robust=True)
