"""Messages an organizer writes to an event's attendees, sent now or at a set time.

Imported by events.models, so they are models of the events app. Each recipient's
email is an EmailDelivery pointing here, so the history counts what went out."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .text import MultiLineTextField, OneLineCharField

SUBJECT_MAX = 150
BODY_MAX = 5_000


class Audience(models.TextChoices):
    CONFIRMED = "confirmed", gettext_lazy("Everyone with a seat")
    WAITLISTED = "waitlisted", gettext_lazy("Everyone on the waitlist")
    PENDING = "pending", gettext_lazy("Everyone waiting for approval")
    CHECKED_IN = "checked_in", gettext_lazy("Everyone who checked in")
    NOT_CHECKED_IN = "not_checked_in", gettext_lazy("Everyone with a seat who hasn't checked in")


class MessageStatus(models.TextChoices):
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    SENT = "sent", gettext_lazy("Sent")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


class Message(models.Model):
    Audience = Audience
    Status = MessageStatus

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="messages",
        db_index=False,
        verbose_name=gettext_lazy("event"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="messages_written",
        db_index=False,
        verbose_name=gettext_lazy("author"),
    )
    audience = models.CharField(gettext_lazy("to"), max_length=20, choices=Audience.choices)
    subject = OneLineCharField(gettext_lazy("subject"), max_length=SUBJECT_MAX)
    body = MultiLineTextField(gettext_lazy("message"), max_length=BODY_MAX)
    status = models.CharField(
        gettext_lazy("status"),
        max_length=10,
        choices=MessageStatus.choices,
        default=MessageStatus.SCHEDULED,
    )
    send_at = models.DateTimeField(gettext_lazy("send at"), default=timezone.now)
    # The emails it made when it went out.
    recipients = models.PositiveIntegerField(gettext_lazy("recipients"), default=0)
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now)
    sent_at = models.DateTimeField(gettext_lazy("sent at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(gettext_lazy("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-send_at", "-pk"]
        verbose_name = gettext_lazy("message to attendees")
        verbose_name_plural = gettext_lazy("messages to attendees")
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="message_audience_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MessageStatus.values), name="message_status_valid"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), BODY_MAX), name="message_body_length"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "-send_at"], name="message_event_history"),
            # The per-organizer daily limit counts their recent messages.
            models.Index(fields=["author", "created_at"], name="message_author_recent"),
        ]

    def __str__(self) -> str:
        return self.subject
