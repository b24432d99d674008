"""Email delivery: each email is sent on its own, retried while the failure is temporary,
kept as failed when it isn't, and never sent twice."""

import smtplib
from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import outbox, services, times
from events.models import EmailDelivery
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(monkeypatch):
    """The locmem mail backend, made to answer each message as told: None sends it, an
    exception is raised. Remembers how many sends were tried."""

    class Server:
        answers: list = []
        tried = 0

    def send_messages(self, messages):
        Server.tried += 1
        answer = Server.answers.pop(0) if Server.answers else None
        if answer is not None:
            raise answer
        mail.outbox.extend(messages)
        return len(messages)

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", send_messages
    )
    return Server


def registered(n=1, **event_fields):
    event = EventFactory(**event_fields)
    for i in range(n):
        services.register(user=UserFactory(email=f"p{i}@example.com"), event=event)
    return event


def deliver_all():
    return outbox.deliver(list(EmailDelivery.objects.values_list("pk", flat=True)))


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError("refused"),
        TimeoutError("timed out"),
        smtplib.SMTPServerDisconnected("gone"),
        smtplib.SMTPResponseException(451, b"try later"),
        smtplib.SMTPRecipientsRefused({"p0@example.com": (452, b"mailbox full")}),
    ],
    ids=["refused", "timeout", "disconnected", "451", "452 recipient"],
)
def test_a_temporary_failure_waits_a_minute_for_its_retry(server, error):
    registered()
    server.answers = [error]
    assert deliver_all() == {"pending": 1}
    delivery = EmailDelivery.objects.get()
    assert delivery.attempts == 1
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
    assert type(error).__name__ in delivery.last_error
    assert mail.outbox == []


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPResponseException(550, b"no such user"),
        smtplib.SMTPRecipientsRefused({"p0@example.com": (550, b"unknown")}),
        smtplib.SMTPAuthenticationError(535, b"bad credentials"),
    ],
    ids=["550", "550 recipient", "535 auth"],
)
def test_a_permanent_failure_fails_at_once(server, error):
    registered()
    server.answers = [error]
    assert deliver_all() == {"failed": 1}
    assert EmailDelivery.objects.get().status == "failed"


def test_the_backoff_grows_then_the_email_fails_and_can_be_sent_again(server):
    registered()
    waits = []
    for _ in range(len(outbox.RETRY_DELAYS) + 1):
        server.answers = [ConnectionRefusedError("refused")]
        EmailDelivery.objects.update(next_attempt_at=timezone.now())
        deliver_all()
        delivery = EmailDelivery.objects.get()
        waits.append(round((delivery.next_attempt_at - timezone.now()) / timedelta(minutes=1)))
    assert waits[:-1] == [1, 5, 30, 120, 720]
    assert (delivery.status, delivery.attempts) == ("failed", 6)

    assert outbox.send_again(EmailDelivery.objects.all()) == 1
    assert deliver_all() == {"sent": 1}
    assert len(mail.outbox) == 1


def test_emails_that_are_not_due_or_already_sent_are_left_alone(server):
    registered(2)
    first, second = EmailDelivery.objects.all()
    EmailDelivery.objects.filter(pk=first.pk).update(status="sent")
    EmailDelivery.objects.filter(pk=second.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert deliver_all() == {}
    assert server.tried == 0


def test_each_email_of_a_batch_succeeds_or_fails_on_its_own(server):
    event = registered(3, capacity=10)
    EmailDelivery.objects.all().delete()
    server.answers = [None, smtplib.SMTPRecipientsRefused({"p1@example.com": (550, b"gone")})]
    services.cancel_event(event=event, reason="Storm warning.")
    assert deliver_all() == {"sent": 2, "failed": 1}
    assert dict(EmailDelivery.objects.values_list("user__email", "status")) == {
        "p0@example.com": "sent",
        "p1@example.com": "failed",
        "p2@example.com": "sent",
    }


def test_an_unreachable_server_costs_one_try_per_batch_not_one_per_email(server):
    event = registered(5, capacity=10)
    EmailDelivery.objects.all().delete()
    server.tried = 0
    server.answers = [TimeoutError("timed out")]
    services.cancel_event(event=event, reason="Storm warning.")
    assert deliver_all() == {"pending": 5}
    assert server.tried == 1
    assert EmailDelivery.objects.filter(status="pending", attempts=1).count() == 5


def test_a_late_email_is_not_sent_after_a_later_one_about_the_same_registration(server):
    event = registered(1)
    server.answers = [ConnectionRefusedError("refused")]
    deliver_all()  # the confirmation waits for its retry
    services.cancel_registration(user=event.registrations.get().user, event=event)
    deliver_all()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Registration cancelled"]

    EmailDelivery.objects.update(next_attempt_at=timezone.now())
    deliver_all()
    confirmation = EmailDelivery.objects.get(kind="confirmed")
    assert confirmation.status == "outdated"
    assert len(mail.outbox) == 1


def test_a_crashed_worker_s_emails_are_sent_by_send_due(server):
    registered(1)
    EmailDelivery.objects.update(status="sending", updated_at=timezone.now() - timedelta(hours=1))
    assert outbox.send_due() == {"sent": 1}


def test_an_email_claimed_by_one_worker_is_not_sent_by_another(server):
    registered(1)
    EmailDelivery.objects.update(status="sending", updated_at=timezone.now())
    assert outbox.send_due() == {}
    assert server.tried == 0


@pytest.mark.parametrize("brk", ["\n", "\r", "\x85", "\u2028", "\u2029", "\x0b", "\x00"])
def test_a_title_with_any_line_break_still_gets_its_email(
    server, brk, django_capture_on_commit_callbacks
):
    event = EventFactory(title=f"Team meetup{brk}Berlin")
    event.refresh_from_db()
    assert event.title == "Team meetup Berlin"
    with django_capture_on_commit_callbacks(execute=True):
        services.register(user=UserFactory(), event=event)
    assert mail.outbox[0].subject == "You're registered: Team meetup Berlin"
    assert "\n" not in mail.outbox[0].message()["Subject"]


def test_a_subject_is_made_safe_where_it_is_built():
    from events.emails import subject

    assert subject("Hi: {title}", title="a\u2028b\r\nc\x00d") == "Hi: a b c d"


def test_a_multi_day_event_s_email_gives_its_real_end(django_capture_on_commit_callbacks):
    starts = (timezone.now() + timedelta(days=30)).replace(hour=10, minute=0)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(days=2, hours=8))
    with django_capture_on_commit_callbacks(execute=True):
        services.register(user=UserFactory(), event=event)
    ends = event.ends_at
    expected = f"{times.day(ends, UTC)}, 18:00 UTC"
    assert expected in mail.outbox[0].body
    html, _ = mail.outbox[0].alternatives[0]
    assert expected in html
