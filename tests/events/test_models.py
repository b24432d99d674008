import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError
from django.utils import timezone

from events.models import Event
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("capacity", "seats_taken", "duration"),
    [
        (10, 11, timedelta(hours=2)),
        (0, 0, timedelta(hours=2)),
        (10, 0, timedelta(0)),
        (10, 0, timedelta(hours=-1)),
    ],
    ids=["overbooked", "no capacity", "ends when it starts", "ends before it starts"],
)
def test_database_refuses_impossible_events(capacity, seats_taken, duration):
    starts_at = timezone.now() + timedelta(days=7)
    with pytest.raises(IntegrityError):
        EventFactory(
            capacity=capacity,
            seats_taken=seats_taken,
            starts_at=starts_at,
            ends_at=starts_at + duration,
        )


def test_seats_taken_can_reach_capacity_but_not_pass_it():
    event = EventFactory(capacity=2)
    Event.objects.filter(pk=event.pk).update(seats_taken=2)
    with pytest.raises(IntegrityError):
        Event.objects.filter(pk=event.pk).update(seats_taken=3)


def test_slug_comes_from_the_title_and_tells_nothing_about_other_events():
    draft = EventFactory(title="Django Meetup: Berlin!", status=Event.Status.DRAFT)
    mine = EventFactory(title="Django meetup berlin")
    assert re.fullmatch(r"django-meetup-berlin-[a-z2-9]{6}", draft.slug)
    assert re.fullmatch(r"django-meetup-berlin-[a-z2-9]{6}", mine.slug)
    assert mine.slug != draft.slug
    # The same shape whether or not someone's draft has the title: no "-2".
    alone = EventFactory(title="Rust workshop")
    assert re.fullmatch(r"rust-workshop-[a-z2-9]{6}", alone.slug)
    assert re.fullmatch(r"event-[a-z2-9]{6}", EventFactory(title="日本語のイベント").slug)


def test_listed_visible_and_published_querysets():
    organizer = UserFactory()
    live = EventFactory(status=Event.Status.PUBLISHED)
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    draft = EventFactory(status=Event.Status.DRAFT, organizer=organizer)
    assert set(Event.objects.published()) == {live}
    assert set(Event.objects.listed()) == {live, cancelled}
    assert set(Event.objects.visible_to(AnonymousUser())) == {live, cancelled}
    assert set(Event.objects.visible_to(UserFactory())) == {live, cancelled}
    assert set(Event.objects.visible_to(organizer)) == {live, cancelled, draft}
    assert set(Event.objects.visible_to(UserFactory(is_staff=True))) == {live, cancelled, draft}


def test_upcoming_includes_events_in_progress_and_past_the_rest():
    now = timezone.now()
    ended = EventFactory(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    running = EventFactory(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    later = EventFactory()
    assert set(Event.objects.upcoming()) == {running, later}
    assert set(Event.objects.past()) == {ended}


def test_with_seats_left():
    open_event = EventFactory(capacity=2)
    full = EventFactory(capacity=2)
    Event.objects.filter(pk=full.pk).update(seats_taken=2)
    assert set(Event.objects.with_seats_left()) == {open_event}


def test_location_and_seats_left():
    event = EventFactory(capacity=10, venue="Barbican", city="London")
    assert event.location == "Barbican, London"
    assert event.seats_left == 10
    assert EventFactory(is_online=True, online_url="https://x.example").location == "Online"
