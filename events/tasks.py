"""Background work, run through Django's tasks framework (see events.outbox for emails)."""

from datetime import datetime

from django.tasks import task

from . import outbox, reminders


class EmailsFailed(Exception):
    """Some emails of a task failed for good; their EmailDelivery rows say why, and an
    organizer or admin can send them again."""


@task
def send_emails(delivery_ids: list[int]) -> dict[str, int]:
    """Send these emails, each on its own: retries are queued by the outbox, so the task
    fails only when an email failed for good."""
    counts = outbox.deliver(delivery_ids)
    if failed := counts.get(outbox.Status.FAILED):
        raise EmailsFailed(f"{failed} of {len(delivery_ids)} emails failed for good.")
    return counts


@task
def send_reminders(event_id: int, hours: int, starts_at: str) -> int:
    """Queue the reminder planned by reminders.plan, `hours` before `starts_at` (ISO
    8601, as tasks take JSON): nothing if the event moved or changed its mind since."""
    queued = reminders.queue_reminders(
        event_id=event_id, hours=hours, starts_at=datetime.fromisoformat(starts_at)
    )
    return len(queued)


@task
def send_message(message_id: int) -> int:
    """Send an organizer's message to its audience, now or at the time it was planned
    for: nothing if it was cancelled or has gone out already."""
    from .services.messages import send_now

    return send_now(message_id)
