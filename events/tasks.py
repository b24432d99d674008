"""Background work, run through Django's tasks framework (see events.outbox for emails)."""

from django.tasks import task

from . import outbox


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
