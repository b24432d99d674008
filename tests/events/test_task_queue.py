"""Emails through the database task queue (TASKS_BACKEND=database), as production runs.

The web request only queues the email; `manage.py db_worker` sends it.
"""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from events import services
from tests.factories import EventFactory, UserFactory
from tests.site.test_settings import run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def work_through_queue():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def test_registering_queues_the_email_and_the_worker_sends_it():
    event = EventFactory(title="Queue night")
    services.register(user=UserFactory(email="ada@example.com"), event=event)
    assert mail.outbox == []
    assert DBTaskResult.objects.ready().count() == 1

    work_through_queue()

    assert [m.subject for m in mail.outbox] == ["You're registered: Queue night"]
    assert mail.outbox[0].to == ["ada@example.com"]
    assert DBTaskResult.objects.ready().count() == 0


def test_a_refused_registration_queues_nothing():
    event = EventFactory(capacity=1, waitlist_enabled=False)
    services.register(user=UserFactory(), event=event)
    with pytest.raises(services.EventFull):
        services.register(user=UserFactory(), event=event)
    assert DBTaskResult.objects.count() == 1


def test_the_email_is_queued_with_the_registration_or_not_at_all():
    event, user = EventFactory(), UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.register(user=user, event=event)
        assert DBTaskResult.objects.count() == 1  # in the registration's own transaction
        raise RuntimeError("the request failed after registering")
    assert not event.registrations.exists()
    assert DBTaskResult.objects.count() == 0
    services.register(user=user, event=event)
    with pytest.raises(services.AlreadyRegistered):
        services.register(user=user, event=event)
    assert DBTaskResult.objects.count() == 1


def test_cancelling_queues_the_cancellation_and_the_promotion():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    first, second = UserFactory(), UserFactory()
    services.register(user=first, event=event)
    services.register(user=second, event=event)
    services.cancel_registration(user=first, event=event)
    work_through_queue()
    subjects = sorted(m.subject.split(":")[0] for m in mail.outbox)
    assert subjects == [
        "A seat opened up, you're in",
        "Registration cancelled",
        "You're on the waitlist",
        "You're registered",
    ]


def test_an_unknown_tasks_backend_stops_startup_with_a_clear_message():
    result = run(["manage.py", "check"], DJANGO_DEBUG="1", TASKS_BACKEND="celery")
    assert result.returncode != 0
    assert "TASKS_BACKEND='celery' is not one of immediate, database." in result.stderr
