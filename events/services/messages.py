"""Messages from an organizer to an event's attendees: limits, scheduling, sending.

A message is written now and goes out now or at its time, as a task planned with
run_after; whom it reaches is decided when it goes out. Each recipient's email goes
through the outbox, so it is retried and counted like any other.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import outbox
from ..message_models import Message
from ..models import EmailDelivery, Event
from ..times import moment
from .errors import InvalidChange

# So an organizer account can't be used to spam: messages per event, and per
# organizer over all their events, in any 24 hours. Staff are not limited.
PER_EVENT = 5
PER_ORGANIZER = 20
WINDOW = timedelta(hours=24)
# How far ahead a message may be scheduled.
SCHEDULE_AHEAD = timedelta(days=365)


class TooManyMessages(InvalidChange):
    status = 429


@dataclass(frozen=True, kw_only=True)
class MessageSpec:
    audience: str
    subject: str
    body: str
    send_at: object = None  # an aware datetime, or None for now


def write_message(*, event: Event, author, spec: MessageSpec) -> Message:
    """Check the limits and plan the message: now, or at spec.send_at."""
    now = timezone.now()
    later = spec.send_at is not None
    if later and not outbox.can_defer():
        raise InvalidChange(
            _("Scheduling needs the background worker, which isn't running here. Send it now."),
            field="send_at",
        )
    if later and not now < spec.send_at <= now + SCHEDULE_AHEAD:
        raise InvalidChange(_("Choose a time within the next year."), field="send_at")
    with transaction.atomic():
        # Serialises one organizer's messages, so two at once can't both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=author.pk).first()
        if not author.is_staff:
            _check_limits(event, author, now, spec.send_at or now)
        message = Message.objects.create(
            event=event,
            author=author,
            audience=spec.audience,
            subject=spec.subject,
            body=spec.body,
            send_at=spec.send_at or now,
            created_at=now,
        )
        from ..tasks import send_message

        outbox.enqueue(send_message, message.pk, run_after=spec.send_at if later else None)
    return message


def _check_limits(event: Event, author, now, send_at) -> None:
    """Count the messages written in the last 24 hours, and those going out within 24
    hours of this one, so scheduled messages can't be stacked to land at once."""
    near = Q(created_at__gt=now - WINDOW) | Q(
        send_at__gt=send_at - WINDOW, send_at__lt=send_at + WINDOW
    )
    recent = Message.objects.exclude(status=Message.Status.CANCELLED).filter(near)
    for messages, limit, text in (
        (
            recent.filter(event=event),
            PER_EVENT,
            ngettext(
                "This event has had %(count)s message in the last 24 hours, the most allowed.",
                "This event has had %(count)s messages in the last 24 hours, the most allowed.",
                PER_EVENT,
            ),
        ),
        (
            recent.filter(author=author),
            PER_ORGANIZER,
            ngettext(
                "You've written %(count)s message in the last 24 hours, the most allowed.",
                "You've written %(count)s messages in the last 24 hours, the most allowed.",
                PER_ORGANIZER,
            ),
        ),
    ):
        times = list(messages.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            # The oldest of them leaves the window first.
            free_at = moment(times[-1] + WINDOW, event.time_zone)
            after = _("You can send the next one after %(time)s.") % {"time": free_at}
            raise TooManyMessages(f"{text % {'count': limit}} {after}")


def cancel_message(*, message: Message) -> bool:
    """Stop a scheduled message; False when it has gone out (or was stopped) already."""
    now = timezone.now()
    return bool(
        Message.objects.filter(pk=message.pk, status=Message.Status.SCHEDULED).update(
            status=Message.Status.CANCELLED, cancelled_at=now
        )
    )


def send_now(message_id: int) -> int:
    """Queue the message's emails to its audience as it is now, once: the message is
    marked sent in the same transaction, so a retried task sends nothing twice."""
    with transaction.atomic():
        message = (
            # The message's row only: the event's lock is for registrations.
            Message.objects.select_for_update(of=("self",))
            .filter(pk=message_id, status=Message.Status.SCHEDULED)
            .select_related("event")
            .first()
        )
        if message is None:
            return 0
        recipients = message.event.registrations.audience(message.audience)
        outbox.queue_once(
            EmailDelivery.Kind.MESSAGE, recipients, f"message {message.pk}", message=message
        )
        message.recipients = message.deliveries.count()
        message.status, message.sent_at = Message.Status.SENT, timezone.now()
        message.save(update_fields=["recipients", "status", "sent_at"])
    return message.recipients


# A scheduled message still waiting this long after its time lost its task (a worker
# died running it); send_due_emails sends it.
OVERDUE = timedelta(minutes=10)


def send_overdue() -> int:
    """Send the scheduled messages whose task was lost; how many went out."""
    overdue = Message.objects.filter(
        status=Message.Status.SCHEDULED, send_at__lte=timezone.now() - OVERDUE
    )
    ids = list(overdue.values_list("pk", flat=True))
    for pk in ids:
        send_now(pk)
    return len(ids)
