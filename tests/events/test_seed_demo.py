import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events.filters import ORDERINGS
from events.models import Category, EmailDelivery, Event, Registration

pytestmark = pytest.mark.django_db


def seed(**options):
    call_command("seed_demo", force=True, stdout=io.StringIO(), **options)


@pytest.mark.slow  # runs the whole seed twice
def test_seed_demo_creates_a_varied_catalogue_and_is_idempotent(settings):
    seed(events=60, users=5)
    assert Event.objects.count() == 61  # and a draft with only its title
    assert Event.objects.filter(status="draft", starts_at=None, capacity=None).count() == 1
    assert Category.objects.count() == 8
    assert get_user_model().objects.filter(email="admin@example.com", is_staff=True).exists()
    assert Event.objects.upcoming().exists() and Event.objects.past().exists()
    assert Event.objects.filter(is_online=True).exists()
    assert Event.objects.exclude(poster="").exists()
    assert len(set(Event.objects.values_list("capacity", flat=True))) > 3
    assert (settings.MEDIA_ROOT / Event.objects.exclude(poster="").first().poster.name).exists()
    registrations = Registration.objects.count()
    assert registrations
    # The tasks backend here is the immediate one, as under `make run`: nothing was sent.
    assert mail.outbox == []
    assert not EmailDelivery.objects.exists()

    # One event asks questions and one needs approval, with requests waiting.
    assert Event.objects.filter(asks_questions=True).count() == 1
    assert Registration.objects.filter(status="pending", event__requires_approval=True).exists()
    assert Event.objects.filter(guests_allowed__gt=0).exists()

    seed(events=60, users=5)
    assert Event.objects.count() == 61
    assert Registration.objects.count() == registrations

    seed(events=10, users=5, reset=True)
    assert Event.objects.count() == 11


def test_seed_demo_refuses_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")


def test_demo_has_full_events_waitlists_check_ins_and_a_cancelled_event(settings):
    # As in production: email tasks go to the database, for a worker to send.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    seed(events=80, users=40)
    now = timezone.now()
    events = Event.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed"))
    )
    # The services kept the invariant for every event.
    assert all(e.seats_taken == e.confirmed <= e.capacity for e in events.exclude(capacity=None))
    assert Registration.objects.count() > 200

    # Sold out, with people queueing for a seat.
    full = Event.objects.published().upcoming().filter(seats_taken=F("capacity"))
    assert full.with_attendance().filter(waiting__gt=0).count() >= 2

    # Past events show who came; nobody is checked in before their event.
    arrived = Registration.objects.filter(checked_in_at__isnull=False)
    assert arrived.filter(event__ends_at__lte=now).count() > 20
    assert not arrived.filter(event__starts_at__gt=now).exists()
    assert not arrived.exclude(status="confirmed").exists()
    early = arrived.filter(checked_in_at__lt=F("event__starts_at") - timedelta(hours=1))
    assert not early.exists()
    # Everyone registered before the event started, as the services require.
    assert not Registration.objects.filter(created_at__gte=F("event__starts_at")).exists()

    # One cancelled event, cancelled through the service: its people were let go.
    cancelled = Event.objects.get(status=Event.Status.CANCELLED)
    assert cancelled.cancellation_reason and cancelled.seats_taken == 0
    assert cancelled.registrations.exists()
    assert not cancelled.registrations.active().exists()

    # "Most popular" puts busy events first, and they differ.
    popular = list(
        Event.objects.listed()
        .upcoming()
        .order_by(*ORDERINGS["popular"])[:20]
        .values_list("seats_taken", flat=True)
    )
    assert popular == sorted(popular, reverse=True)
    assert popular[0] > popular[-1] > 0
    assert len(set(popular)) > 3

    # The demo attendee has a registration of each kind to look at.
    mine = Registration.objects.filter(user__email="attendee@example.com")
    assert mine.filter(status="confirmed", event__starts_at__gt=timezone.now()).exists()
    assert mine.filter(status="waitlisted").exists()
    assert mine.filter(checked_in_at__isnull=False).exists()
    assert mine.filter(status="cancelled", event__status=Event.Status.CANCELLED).exists()

    # Nobody is emailed about any of it, now or later by a worker.
    assert not EmailDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []
