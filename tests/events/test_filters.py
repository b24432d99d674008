from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from events.filters import EventFilter, when_range
from events.models import Event
from tests.factories import CategoryFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def results(**params):
    filterset = EventFilter(data=params, queryset=Event.objects.listed())
    return filterset, list(filterset.qs)


def titles(**params):
    filterset, events = results(**params)
    assert filterset.is_valid(), filterset.errors
    return [event.title for event in events]


def in_days(days, hours=2):
    starts_at = timezone.now() + timedelta(days=days)
    return {"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=hours)}


@pytest.fixture
def catalogue():
    music = CategoryFactory(name="Music", slug="music")
    EventFactory(title="Jazz night", description="Live trio", category=music, **in_days(3))
    EventFactory(title="Django sprint", venue="Betahaus", **in_days(1))
    EventFactory(title="Rust workshop", city="Lisbon", venue="LX Factory", **in_days(20))
    EventFactory(title="Online Python", is_online=True, venue="", city="", **in_days(5))
    EventFactory(title="Old meetup", **in_days(-10))


def test_defaults_hide_past_events_and_sort_soonest_first(catalogue):
    assert titles() == ["Django sprint", "Jazz night", "Online Python", "Rust workshop"]


def test_past_events_on_request(catalogue):
    assert titles(past="on")[0] == "Old meetup"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jazz", ["Jazz night"]),
        ("TRIO", ["Jazz night"]),  # description, any case
        ("betahaus", ["Django sprint"]),  # venue
        ("lisbon", ["Rust workshop"]),  # city
        ("django sprint", ["Django sprint"]),  # every word must match
        ("django rust", []),
    ],
)
def test_search(catalogue, query, expected):
    assert titles(q=query) == expected


def test_category_city_and_format(catalogue):
    assert titles(category="music") == ["Jazz night"]
    assert titles(city="Lisbon") == ["Rust workshop"]
    assert titles(format="online") == ["Online Python"]
    assert "Online Python" not in titles(format="in_person")


def test_date_range_is_inclusive(catalogue):
    day = timezone.localdate(Event.objects.get(title="Jazz night").starts_at)
    assert titles(date_from=day.isoformat(), date_to=day.isoformat()) == ["Jazz night"]
    assert titles(date_from=(day + timedelta(days=1)).isoformat()) == [
        "Online Python",
        "Rust workshop",
    ]


def test_when_presets(catalogue):
    assert titles(when="week") == ["Django sprint", "Jazz night", "Online Python"]
    assert "Rust workshop" not in titles(when="week")


@pytest.mark.parametrize(
    ("today", "preset", "start", "end"),
    [
        (date(2026, 11, 18), "today", date(2026, 11, 18), date(2026, 11, 19)),
        (date(2026, 11, 18), "weekend", date(2026, 11, 21), date(2026, 11, 23)),  # Wednesday
        (date(2026, 11, 21), "weekend", date(2026, 11, 21), date(2026, 11, 23)),  # Saturday
        (date(2026, 11, 22), "weekend", date(2026, 11, 21), date(2026, 11, 23)),  # Sunday
        (date(2026, 11, 18), "week", date(2026, 11, 18), date(2026, 11, 25)),
        (date(2026, 12, 18), "month", date(2026, 12, 1), date(2027, 1, 1)),
        (date(2027, 2, 3), "month", date(2027, 2, 1), date(2027, 3, 1)),
    ],
)
def test_when_range(today, preset, start, end):
    def aware(day):
        return timezone.make_aware(datetime.combine(day, datetime.min.time()))

    assert when_range(preset, today) == (aware(start), aware(end))


def test_only_with_seats_left(catalogue):
    Event.objects.filter(title="Jazz night").update(seats_taken=50)
    assert "Jazz night" not in titles(seats="on")
    assert "Jazz night" in titles()


def test_organizer(catalogue):
    grace = UserFactory(name="Grace")
    EventFactory(title="Grace's talk", organizer=grace, **in_days(2))
    assert titles(organizer=str(grace.pk)) == ["Grace's talk"]


def test_orderings(catalogue):
    Event.objects.filter(title="Rust workshop").update(seats_taken=40)
    assert titles(ordering="popular")[0] == "Rust workshop"
    assert titles(ordering="newest")[0] == "Online Python"


def test_filters_combine(catalogue):
    EventFactory(
        title="Jazz brunch",
        city="Lisbon",
        venue="Pier",
        **in_days(4),
        category=Event.objects.get(title="Jazz night").category,
    )
    assert titles(q="jazz", category="music", city="Lisbon", when="week") == ["Jazz brunch"]


def test_drafts_and_cancelled():
    EventFactory(title="Secret", status=Event.Status.DRAFT)
    EventFactory(title="Called off", status=Event.Status.CANCELLED)
    assert titles() == ["Called off"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-13-45"}, "date_from"),
        ({"category": "no-such-category"}, "category"),
        ({"ordering": "price"}, "ordering"),
        ({"when": "yesterday"}, "when"),
        ({"city": "Atlantis"}, "city"),
        ({"q": "x" * 10_000}, "q"),
        ({"organizer": "abc"}, "organizer"),
        ({"date_from": "2026-01-10", "date_to": "2026-01-01"}, "date_to"),
    ],
)
def test_bad_input_is_a_form_error_and_the_other_filters_still_apply(catalogue, params, field):
    filterset, events = results(**params, format="online")
    assert field in filterset.errors
    assert [event.title for event in events] == ["Online Python"]


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({}, 0),
        ({"q": "jazz", "ordering": "newest"}, 0),  # the search and the sort aren't filters
        ({"category": "music", "past": "on"}, 2),
        ({"seats": "on", "when": "week", "format": "online"}, 3),
        ({"date_from": "not a date", "city": "Lisbon"}, 1),  # an ignored filter isn't in use
    ],
)
def test_filters_in_use_count_what_the_fold_hides(catalogue, params, count):
    filterset, _ = results(**params)
    assert filterset.in_use == count


def test_the_page_says_how_many_filters_are_folded_away(client, catalogue):
    html = client.get("/events/?category=music&past=on&q=jazz").content.decode()
    assert "<summary>Filters<span data-in-use> (2)</span></summary>" in html
    assert '<details class="more-filters">' in html
    html = client.get("/events/?date_from=nonsense").content.decode()
    assert '<details class="more-filters" open>' in html  # the error shows unfolded
