import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from events.models import Category, Event

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_varied_catalogue_and_is_idempotent(settings):
    call_command("seed_demo", events=60, users=5, force=True, stdout=io.StringIO())
    assert Event.objects.count() == 60
    assert Category.objects.count() == 8
    assert get_user_model().objects.filter(email="admin@example.com", is_staff=True).exists()
    assert Event.objects.upcoming().exists() and Event.objects.past().exists()
    assert Event.objects.filter(is_online=True).exists()
    assert Event.objects.exclude(poster="").exists()
    assert len(set(Event.objects.values_list("capacity", flat=True))) > 3
    assert (settings.MEDIA_ROOT / Event.objects.exclude(poster="").first().poster.name).exists()

    call_command("seed_demo", events=60, users=5, force=True, stdout=io.StringIO())
    assert Event.objects.count() == 60

    call_command("seed_demo", events=10, users=5, reset=True, force=True, stdout=io.StringIO())
    assert Event.objects.count() == 10


def test_seed_demo_refuses_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")
