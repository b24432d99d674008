from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from events import posters, services
from events.models import Event
from tests.factories import EventFactory, UserFactory
from tests.images import image_upload

pytestmark = pytest.mark.django_db


def unsaved_event(**fields):
    starts_at = timezone.now() + timedelta(days=3)
    defaults = {
        "title": "Sprint",
        "description": "Code",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "capacity": 10,
        "venue": "Hub",
        "city": "Berlin",
    }
    return Event(**(defaults | fields))


def test_create_event_publishes_for_the_organizer():
    organizer = UserFactory()
    event = services.create_event(
        organizer=organizer, event=unsaved_event(), poster=None, publish=True
    )
    assert (event.organizer, event.status) == (organizer, "published")
    assert event.slug.startswith("sprint-")


def test_a_failed_save_leaves_no_orphan_poster_files(settings):
    poster = posters.process(image_upload())
    impossible = unsaved_event(capacity=0)  # the database refuses it
    with pytest.raises(IntegrityError):
        services.create_event(
            organizer=UserFactory(), event=impossible, poster=poster, publish=True
        )
    assert not Event.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_same_titles_get_distinct_slugs():
    organizer = UserFactory()
    slugs = {
        services.create_event(
            organizer=organizer, event=unsaved_event(), poster=None, publish=False
        ).slug
        for _ in range(3)
    }
    assert len(slugs) == 3
    assert all(slug.startswith("sprint-") for slug in slugs)


def test_a_slug_clash_draws_another_suffix(monkeypatch):
    EventFactory(title="Sprint", slug="sprint-aaaaaa")
    drawn = iter(["sprint-aaaaaa", "sprint-bbbbbb"])
    monkeypatch.setattr(Event, "new_slug", lambda self: next(drawn))
    event = services.create_event(
        organizer=UserFactory(), event=unsaved_event(), poster=None, publish=False
    )
    assert event.slug == "sprint-bbbbbb"
