"""Reminders before an event, planned as tasks that run at their time and sent once.

A published event plans one task per reminder (by default 24 hours and 2 hours before
it starts) with the tasks framework's `run_after`: no cron, and nothing polls the
events. Nothing un-plans a task either. When it runs, it does nothing unless the event
is still published, still starts when it did when planned, still wants that reminder
and hasn't started; a move plans new tasks. Each person's reminder is an email with a
dedupe key (the hours and the start it is for), unique per registration, so a retried
task or two workers send it once.

Planning needs a task backend that can defer (the database queue with
`manage.py db_worker`); with the immediate backend there are no reminders, and
`manage.py check` says so.
"""

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import outbox
from .models import REMINDER_HOURS, EmailDelivery, Event

# A reminder whose time passed this long ago without its emails lost its task (a
# worker died running it): catch_up() queues it, if it is this recent still.
OVERDUE = timedelta(minutes=10)
CATCH_UP = timedelta(hours=1)


def plan(event: Event) -> list[datetime]:
    """Plan this event's reminders that are still ahead, in the transaction that
    publishes, moves or re-sets them. Returns when they will go out."""
    from .tasks import send_reminders

    if event.status != Event.Status.PUBLISHED or not outbox.can_defer():
        return []
    planned = []
    for hours in event.reminder_hours:
        at = event.starts_at - timedelta(hours=hours)
        if at > timezone.now():
            outbox.enqueue(
                send_reminders, event.pk, hours, event.starts_at.isoformat(), run_after=at
            )
            planned.append(at)
    return planned


def dedupe_key(hours: int, starts_at: datetime) -> str:
    return f"{hours}h before {_stamp(starts_at)}"


def _stamp(starts_at: datetime) -> str:
    return f"{starts_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def queue_reminders(*, event_id: int, hours: int, starts_at: datetime) -> list[int]:
    """Queue this reminder for each confirmed attendee, if it is still wanted."""
    event = Event.objects.filter(pk=event_id).first()
    wanted = (
        event is not None
        and event.status == Event.Status.PUBLISHED
        and event.starts_at == starts_at
        and hours in event.reminder_hours
        and not event.has_started
    )
    if not wanted or _overtaken(event, hours):
        return []
    with transaction.atomic():
        return outbox.queue_once(
            EmailDelivery.Kind.REMINDER,
            event.registrations.confirmed(),
            dedupe_key(hours, starts_at),
        )


def _overtaken(event: Event, hours: int) -> bool:
    """Whether a later reminder is due too (a worker that was down catches up): that
    one goes alone, rather than two at once."""
    now = timezone.now()
    return any(
        event.starts_at - timedelta(hours=later) <= now
        for later in event.reminder_hours
        if later < hours
    )


def catch_up() -> int:
    """Queue the reminders whose time passed lately but whose task was lost; each
    person still gets each reminder once. How many emails it queued."""
    now = timezone.now()
    queued = 0
    for hours in REMINDER_HOURS:
        lead = timedelta(hours=hours)
        due = Event.objects.published().filter(
            Q(first_reminder_hours=hours) | Q(second_reminder_hours=hours),
            starts_at__gt=now + lead - CATCH_UP,
            starts_at__lte=now + lead - OVERDUE,
        )
        for pk, starts_at in due.values_list("pk", "starts_at"):
            queued += len(queue_reminders(event_id=pk, hours=hours, starts_at=starts_at))
    return queued


def still_wanted(delivery: EmailDelivery) -> bool:
    """Whether a queued reminder should still go when it is sent, maybe after a retry:
    the person still has a seat, and the event still starts when the reminder said (one
    queued as the event moved gives way to the moved event's own) and hasn't started."""
    registration, event = delivery.registration, delivery.registration.event
    return (
        registration.is_confirmed
        and event.status == Event.Status.PUBLISHED
        and not event.has_started
        and delivery.dedupe_key.endswith(f" before {_stamp(event.starts_at)}")
    )
