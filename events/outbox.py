"""Every email is delivered, or kept and retried, and never silently dropped.

Each email is an EmailDelivery row, written in the transaction of the change that
causes it, together with the task that sends it (database queue), or with the task
queued right after commit (immediate backend). The task claims the rows, so no email
goes out twice, and sends each on its own:

- sent: done;
- a temporary failure (connection refused or dropped, a timeout, a 4xx reply) is
  retried after 1 min, 5 min, 30 min, 2 h and 12 h, then counts as failed;
- a permanent failure (a 5xx reply, a message that can't be built) fails at once.

Failed emails are listed on the organizer's attendee page and in the admin, where
they can be sent again. `manage.py send_due_emails` sends whatever is due without a
queued task: the retries under the immediate backend, which can't defer a task, and
anything a crashed worker left half-done.
"""

import contextlib
import logging
import smtplib
from collections import defaultdict
from datetime import timedelta
from itertools import batched

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks_db import DatabaseBackend

from . import emails, reminders
from .models import EmailDelivery, Registration

logger = logging.getLogger(__name__)

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
# Rows claimed at once: a worker that dies mid-batch leaves at most this many "sending".
CLAIM = 50
# One task carries at most this many emails, so an event cancellation for 50,000
# people is 100 tasks, not one enormous one.
TASK_BATCH = 500
# A row still "sending" after this was claimed by a worker that died.
STALE = timedelta(minutes=15)
# Emails about an account, not a registration, are built by accounts.emails, imported
# when sent: account_message(delivery) returns the message, or None when it is out of date.
ACCOUNT_KINDS = {
    EmailDelivery.Kind.PASSWORD_RESET,
    EmailDelivery.Kind.CONFIRM_EMAIL,
    EmailDelivery.Kind.CONFIRM_NEW_EMAIL,
    EmailDelivery.Kind.EMAIL_CHANGING,
    EmailDelivery.Kind.ALREADY_SIGNED_UP,
}

Status = EmailDelivery.Status


def queue(kind: str, recipients: list[tuple[int, int | None]], address: str = "") -> list[int]:
    """Create one delivery per (user id, registration id or None), and queue the task
    that sends them. Call it inside the transaction of the change the email is about.
    `address` sends it somewhere other than the person's current address."""
    now = timezone.now()
    rows = [
        EmailDelivery(
            kind=kind, user_id=user, registration_id=registration, address=address, created_at=now
        )
        for user, registration in recipients
    ]
    ids = [row.pk for row in EmailDelivery.objects.bulk_create(rows, batch_size=TASK_BATCH)]
    _send_later(ids)
    return ids


def queue_for_registrations(kind: str, registration_ids: list[int]) -> list[int]:
    pairs = Registration.objects.filter(pk__in=registration_ids).values_list("user_id", "pk")
    return queue(kind, list(pairs))


def queue_once(kind: str, registrations, key: str, **fields) -> list[int]:
    """Queue one `kind` email per registration in the `registrations` QuerySet, unless
    one with the same `key` exists: a unique constraint makes a second run, or a second
    worker, add nothing. `fields` go on each row. Returns the ids of those still
    waiting for their first try."""
    now = timezone.now()
    rows = [
        EmailDelivery(
            kind=kind,
            user_id=user,
            registration_id=pk,
            dedupe_key=key,
            created_at=now,
            next_attempt_at=now,
            **fields,
        )
        for user, pk in registrations.values_list("user_id", "pk")
    ]
    EmailDelivery.objects.bulk_create(rows, batch_size=TASK_BATCH, ignore_conflicts=True)
    ids = list(
        EmailDelivery.objects.filter(
            kind=kind, dedupe_key=key, registration__in=registrations, attempts=0
        )
        .due(now)
        .values_list("pk", flat=True)
    )
    # Sending claims each row, so a second worker queuing the same ids sends nothing twice.
    _send_later(ids)
    return ids


def enqueue(task, *args, run_after=None) -> None:
    """Queue `task` in this transaction when the queue is in the database: it exists if
    and only if the change that caused it does. Other backends may run it at once, so
    they wait for the commit; a failing mail server then can't break the request."""
    task = task.using(run_after=run_after) if run_after else task
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args), robust=True)


def _send_later(ids: list[int], run_after=None) -> None:
    from .tasks import send_emails

    for chunk in batched(ids, TASK_BATCH, strict=False):
        enqueue(send_emails, list(chunk), run_after=run_after)


def can_defer() -> bool:
    from .tasks import send_emails

    return send_emails.get_backend().supports_defer


def deliver(delivery_ids) -> dict[str, int]:
    """Send the given deliveries that are due, each on its own, and say how many ended
    in each state."""
    totals = defaultdict(int)
    for chunk in batched(delivery_ids, CLAIM, strict=False):
        for status, count in _deliver_claimed(_claim(chunk)).items():
            totals[str(status)] += count
    return dict(totals)


def _claim(ids) -> list[EmailDelivery]:
    """Mark due rows as sending, so no other worker sends them too."""
    with transaction.atomic():
        rows = list(
            EmailDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .due()
            .filter(pk__in=ids)
            .select_related(
                "user",
                "message__author",
                "registration__event",
                "registration__user",
            )
        )
        if rows:
            EmailDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=Status.SENDING, updated_at=timezone.now()
            )
    return rows


def _deliver_claimed(rows: list[EmailDelivery]) -> dict[str, int]:
    if not rows:
        return {}
    now = timezone.now()
    connection = mailers.default
    down = None  # the error that shows the mail server can't be reached right now
    try:
        connection.open()
    except Exception as exc:
        down = exc
    for row in rows:
        row.attempts += 1
        if down is not None:
            _retry_or_fail(row, down, now)
            continue
        try:
            message = _build(row)
        except Exception as exc:
            logger.exception("Could not build the %s email %s", row.kind, row.pk)
            _fail(row, exc)
            continue
        if message is None:
            row.status, row.last_error = Status.OUTDATED, "Out of date before it could be sent."
            continue
        try:
            connection.send_messages([message])
        except Exception as exc:
            _retry_or_fail(row, exc, now)
            if _server_unreachable(exc):
                down = exc  # the rest would each wait for the same timeout
            continue
        row.status, row.sent_at, row.last_error = Status.SENT, timezone.now(), ""
    _close(connection)
    return _save(rows, now)


def _build(row: EmailDelivery):
    """The message, in its recipient's language, or None when it is out of date: a
    later email about the same registration has gone out already (sent late, after a
    retry, this one would be wrong, a confirmation after the cancellation, and its
    calendar file older than the one they have), or it is a reminder for someone who
    has left, or an event that is cancelled or has started."""
    with translation.override(row.user.language or settings.LANGUAGE_CODE):
        return _build_in_language(row)


def _build_in_language(row: EmailDelivery):
    if row.kind in ACCOUNT_KINDS:
        return import_string("accounts.emails.account_message")(row)
    if row.kind == EmailDelivery.Kind.MESSAGE:
        # Not about the registration's state, so neither outdated by nor outdating others.
        return emails.organizer_message(row)
    later = EmailDelivery.objects.filter(
        registration_id=row.registration_id, status=Status.SENT, pk__gt=row.pk
    ).exclude(kind=EmailDelivery.Kind.MESSAGE)
    if row.registration is None or later.exists():
        return None
    if row.kind == EmailDelivery.Kind.REMINDER and not reminders.still_wanted(row):
        return None
    return emails.registration_message(row.registration, row.kind)


def _retry_or_fail(row: EmailDelivery, exc: BaseException, now) -> None:
    if not _temporary(exc) or row.attempts > len(RETRY_DELAYS):
        _fail(row, exc)
        return
    row.status, row.last_error = Status.PENDING, _describe(exc)
    row.next_attempt_at = now + RETRY_DELAYS[row.attempts - 1]
    logger.warning(
        "Email %s (%s) not sent, retrying at %s: %s",
        row.pk,
        row.kind,
        row.next_attempt_at,
        row.last_error,
    )


def _fail(row: EmailDelivery, exc: BaseException) -> None:
    row.status, row.last_error = Status.FAILED, _describe(exc)
    logger.error("Email %s (%s) failed for good: %s", row.pk, row.kind, row.last_error)


def _temporary(exc: BaseException) -> bool:
    """Worth trying again later: the server was unreachable, or said "not now" (4xx)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    # SMTPException is an OSError too; what is left here are socket errors and timeouts.
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _server_unreachable(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421  # "service not available, closing channel"
    return _temporary(exc) and not isinstance(exc, smtplib.SMTPRecipientsRefused)


def _describe(exc: BaseException) -> str:
    """What went wrong, as the organizer reads it: the server's own reply where it gave one."""
    reply = exc
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        reply = smtplib.SMTPResponseException(*next(iter(exc.recipients.values())))
    if isinstance(reply, smtplib.SMTPResponseException):
        text = reply.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"{type(exc).__name__}: {reply.smtp_code} {text}"[:1000]
    return f"{type(exc).__name__}: {exc}"[:1000]


def _close(connection) -> None:
    # QUIT to a server that stopped answering: every message is accounted for already.
    with contextlib.suppress(OSError):
        connection.close()


def _save(rows: list[EmailDelivery], now) -> dict[str, int]:
    """Store each row's outcome, and queue the retries in the same transaction."""
    retry_at = defaultdict(list)
    for row in rows:
        row.updated_at = now
        if row.status == Status.PENDING:
            retry_at[row.next_attempt_at].append(row.pk)
    with transaction.atomic():
        EmailDelivery.objects.bulk_update(
            rows, ["status", "attempts", "next_attempt_at", "last_error", "sent_at", "updated_at"]
        )
        if can_defer():
            for when, ids in retry_at.items():
                _send_later(ids, run_after=when)
    counts = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    return counts


def send_again(deliveries) -> int:
    """Queue failed (or waiting) emails to be sent now, with a fresh set of retries."""
    with transaction.atomic():
        ids = list(
            deliveries.filter(status__in=[Status.FAILED, Status.PENDING]).values_list(
                "pk", flat=True
            )
        )
        now = timezone.now()
        EmailDelivery.objects.filter(pk__in=ids).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now, updated_at=now
        )
        _send_later(ids)
    return len(ids)


def send_due() -> dict[str, int]:
    """Send everything that is due, after freeing rows a dead worker left "sending"."""
    now = timezone.now()
    EmailDelivery.objects.filter(status=Status.SENDING, updated_at__lt=now - STALE).update(
        status=Status.PENDING, next_attempt_at=now, updated_at=now
    )
    return deliver(list(EmailDelivery.objects.due(now).values_list("pk", flat=True)))
