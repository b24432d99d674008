"""Email survives a mail server that refuses, then hangs, then recovers.

The production path: changes queue their emails in the database (TASKS_BACKEND=
database) and `db_worker` sends them to a real SMTP server. Retries are scheduled with
the queue's own run_after; "time passes" moves every scheduled time back instead of
sleeping through the backoff.
"""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django_tasks_db.models import DBTaskResult, get_date_max

from events import outbox, services
from events.models import EmailDelivery
from tests.factories import EventFactory, UserFactory
from tests.faults.smtp_server import FakeSmtpServer

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 0.5


@pytest.fixture
def smtp(tmp_path, settings):
    server = FakeSmtpServer(tmp_path / "maildir")
    settings.MAILERS = {"default": server.mailer(timeout=TIMEOUT)}
    yield server
    server.stop()


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def work_through_queue() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def time_passes(delta: timedelta) -> None:
    scheduled = DBTaskResult.objects.filter(status="READY").exclude(run_after=get_date_max())
    scheduled.update(run_after=F("run_after") - delta)
    EmailDelivery.objects.update(next_attempt_at=F("next_attempt_at") - delta)


def everything_that_emails(client):
    """A registration, a waitlist place, a cancellation with its promotion, a new time,
    an event cancellation and a password reset: every kind of email EMS sends."""
    ada, bob, cy, dee = (UserFactory(email=f"{name}@example.com") for name in "abcd")
    meetup = EventFactory(title="Meetup", capacity=1, waitlist_enabled=True)
    services.register(user=ada, event=meetup)
    services.register(user=bob, event=meetup)
    services.cancel_registration(user=ada, event=meetup)
    services.update_event(event=meetup, changes={"venue": "Tempelhof"})
    party = EventFactory(title="Party")
    services.register(user=cy, event=party)
    services.cancel_event(event=party, reason="The venue flooded.")
    client.post(reverse("accounts:password_reset"), {"email": dee.email})
    return {
        ("a@example.com", "You're registered: Meetup"),
        ("b@example.com", "You're on the waitlist: Meetup"),
        ("a@example.com", "Registration cancelled: Meetup"),
        ("b@example.com", "A seat opened up, you're in: Meetup"),
        ("b@example.com", "New time or place: Meetup"),
        ("c@example.com", "You're registered: Party"),
        ("c@example.com", "Event cancelled: Party"),
        ("d@example.com", "Reset your EMS password"),
    }


def statuses() -> dict[str, int]:
    return {
        status: EmailDelivery.objects.filter(status=status).count()
        for status in EmailDelivery.objects.values_list("status", flat=True).distinct()
    }


@pytest.mark.slow  # waits out real SMTP timeouts
def test_every_email_is_delivered_once_after_the_mail_server_refuses_hangs_and_recovers(
    client, smtp, database_queue
):
    expected = everything_that_emails(client)

    # Refused: nothing listens. Every email waits for its first retry, a minute on.
    work_through_queue()
    assert statuses() == {"pending": len(expected)}
    assert smtp.received() == []
    assert all("ConnectionRefusedError" in e.last_error for e in EmailDelivery.objects.all())

    # Hung: the server accepts connections and never answers. Each task waits for one
    # timeout, not one per email, and nothing is lost.
    smtp.start()
    smtp.pause()
    time_passes(timedelta(minutes=1))
    started = time.monotonic()
    work_through_queue()
    tasks = DBTaskResult.objects.filter(status="SUCCESSFUL").count()
    assert time.monotonic() - started < (tasks + 1) * (TIMEOUT + 0.5)
    assert statuses() == {"pending": len(expected)}
    assert set(EmailDelivery.objects.values_list("attempts", flat=True)) == {2}

    # Recovered: after the next backoff (5 minutes) each email goes out exactly once.
    smtp.resume()
    time_passes(timedelta(minutes=5))
    work_through_queue()
    assert statuses() == {"sent": len(expected)}
    assert set(smtp.received()) == expected
    assert len(smtp.received()) == len(expected)

    # Nothing is sent twice, however long the queue keeps running.
    time_passes(timedelta(days=1))
    work_through_queue()
    outbox.send_due()
    assert len(smtp.received()) == len(expected)


def test_a_mail_server_down_for_good_ends_in_failed_emails_an_organizer_can_send_again(
    smtp, database_queue
):
    event = EventFactory(title="Meetup")
    services.register(user=UserFactory(email="ada@example.com"), event=event)
    for delay in (timedelta(0), *outbox.RETRY_DELAYS):
        time_passes(delay)
        work_through_queue()
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", len(outbox.RETRY_DELAYS) + 1)
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1

    smtp.start()
    assert outbox.send_again(EmailDelivery.objects.all()) == 1
    work_through_queue()
    assert smtp.received() == [("ada@example.com", "You're registered: Meetup")]


def test_a_hung_mail_server_holds_a_request_for_one_timeout_at_most(client, smtp, settings):
    # The immediate backend sends in the web process: a dead mail server costs one short
    # timeout per task, and `send_due_emails` delivers later.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    smtp.start()
    smtp.pause()
    organizer = UserFactory()
    event = EventFactory(organizer=organizer, title="Meetup", capacity=10)
    for n in range(5):
        services.register(user=UserFactory(email=f"p{n}@example.com"), event=event)
    client.force_login(organizer)
    started = time.monotonic()
    response = client.post(
        reverse("events:cancel-event", kwargs={"slug": event.slug}), {"reason": "Snowed in."}
    )
    assert response.status_code == 302
    assert time.monotonic() - started < TIMEOUT * 2 + 1
    smtp.resume()
    time_passes(timedelta(minutes=1))
    call_command("send_due_emails", verbosity=0)
    cancelled = [subject for _, subject in smtp.received() if subject.startswith("Event")]
    assert len(cancelled) == 5
