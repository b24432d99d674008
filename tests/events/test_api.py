from datetime import datetime

import pytest

from events.models import Event
from tests.factories import CategoryFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    music = CategoryFactory(name="Music", slug="music")
    return [EventFactory(title=f"Gig {n:02}", category=music if n % 2 else None) for n in range(15)]


def test_list_is_paginated_with_absolute_links(client, events):
    body = client.get("/api/events/").json()
    assert body["count"] == 15
    assert len(body["results"]) == 12
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/events/?page=2"
    second = client.get("/api/events/", {"page": 2}).json()
    assert len(second["results"]) == 3
    assert second["previous"] == "http://testserver/api/events/?page=1"
    assert second["next"] is None


def test_list_takes_the_page_filters(client, events):
    body = client.get("/api/events/", {"category": "music", "q": "gig", "page_size": 5}).json()
    assert body["count"] == 7
    assert len(body["results"]) == 5
    assert "category=music" in body["next"] and "page_size=5" in body["next"]


def test_event_fields(client, settings):
    event = EventFactory(title="Jazz", capacity=20, venue="Pier", city="Lisbon")
    Event.objects.filter(pk=event.pk).update(seats_taken=5)
    body = client.get(f"/api/events/{event.slug}/").json()
    assert body["title"] == "Jazz"
    assert (body["capacity"], body["seats_taken"], body["seats_left"]) == (20, 5, 15)
    assert body["url"] == f"http://testserver/events/{event.slug}/"
    assert datetime.fromisoformat(body["starts_at"]) == event.starts_at
    assert body["starts_at"].endswith("+00:00")
    assert body["poster_url"] is None
    assert body["organizer"] == {"name": event.organizer.display_name}
    assert "email" not in str(body)
    assert "online_url" not in body


def test_poster_urls_are_absolute(client, user, password):
    from tests.images import image_upload

    client.force_login(user)
    client.post(
        "/events/new/",
        {
            "title": "With poster",
            "description": "x",
            "capacity": 5,
            "venue": "V",
            "city": "C",
            "starts_at": "2099-01-01T10:00",
            "time_zone": "UTC",
            "ends_at": "2099-01-01T12:00",
            "publish": "1",
            "poster": image_upload(),
        },
    )
    body = client.get(f"/api/events/{Event.objects.get().slug}/").json()
    assert body["poster_url"].startswith("http://testserver/media/posters/")
    assert body["poster_card_url"].startswith("http://testserver/media/posters/cards/")


def test_drafts_never_leak(client):
    draft = EventFactory(title="Secret", status=Event.Status.DRAFT)
    assert client.get("/api/events/").json()["count"] == 0
    response = client.get(f"/api/events/{draft.slug}/")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "No event matches that address."}
    client.force_login(UserFactory())
    assert client.get(f"/api/events/{draft.slug}/").status_code == 404


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"page": "abc"}, 400, "invalid_page"),
        ({"page": "99"}, 404, "page_not_found"),
        ({"page_size": "0"}, 400, "invalid_page_size"),
        ({"page_size": "1000"}, 400, "invalid_page_size"),
        ({"date_from": "yesterday"}, 400, "invalid_filter"),
        ({"category": "nope"}, 400, "invalid_filter"),
        ({"q": "x" * 10_000}, 400, "invalid_filter"),
    ],
)
def test_bad_input_is_a_json_error(client, events, params, status, code):
    response = client.get("/api/events/", params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == code
    assert body["detail"]


def test_invalid_filter_names_the_fields(client):
    body = client.get("/api/events/", {"date_from": "2026-13-01"}).json()
    assert body["fields"] == {"date_from": ["Enter a valid date."]}


def test_unknown_parameters_are_ignored(client, events):
    assert client.get("/api/events/", {"utm_source": "x"}).status_code == 200


def test_writes_are_405_json(client, events):
    response = client.post("/api/events/")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert "GET" in response["Allow"]
