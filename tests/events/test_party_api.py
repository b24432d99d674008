"""The JSON API with guests: an optional body on POST, PATCH to change, 422 per field."""

import pytest

from events import services
from tests.factories import EventFactory, UserFactory
from tests.seats import assert_invariant

pytestmark = pytest.mark.django_db


def api(event):
    return f"/api/events/{event.slug}/registration/"


@pytest.fixture
def attendee(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def event():
    return EventFactory(capacity=4, guests_allowed=2)


def post(client, event, body, method="post"):
    return getattr(client, method)(api(event), body, content_type="application/json")


def test_register_with_guests_is_201_and_counts_people(client, attendee, event):
    response = post(client, event, {"guests": 2, "guest_names": ["Ann", "Bo"]})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["party_size"], body["guests"]) == ("confirmed", 3, 2)
    assert body["guest_names"] == ["Ann", "Bo"]
    assert body["availability"]["seats_taken"] == 3
    assert body["availability"]["seats_left"] == 1


def test_a_party_that_does_not_fit_waits_and_availability_counts_people(client, attendee, event):
    services.register(user=UserFactory(), event=event, guests=1)
    response = post(client, event, {"guests": 2})
    assert response.status_code == 202
    body = response.json()
    assert body["waitlist_position"] == 1
    assert body["availability"]["waitlist_length"] == 1
    assert body["availability"]["waitlist_people"] == 3
    assert client.get(f"/api/events/{event.slug}/").json()["guests_allowed"] == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"guests": -1}, "guests"),
        ({"guests": 3}, "guests"),
        ({"guests": "2"}, "guests"),
        ({"guests": True}, "guests"),
        ({"guests": 1, "guest_names": ["Ann", "Bo"]}, "guest_names"),
        ({"guests": 1, "guest_names": "Ann"}, "guest_names"),
        ({"guests": 1, "guest_names": ["A" * 100_000]}, "guest_names"),
        ({"seats": 3}, "seats"),
    ],
)
def test_bad_input_is_422_on_its_field_and_changes_nothing(client, attendee, event, body, field):
    response = post(client, event, body)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]
    assert response.json()["detail"]
    assert not event.registrations.exists()


@pytest.mark.parametrize("raw", ["{", "[1, 2]", '"guests"', "\xff"])
def test_a_body_that_is_not_a_json_object_is_400(client, attendee, event, raw):
    response = client.post(api(event), raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_json"


def test_form_data_is_415(client, attendee, event):
    assert client.post(api(event), {"guests": "1"}).status_code == 415
    assert not event.registrations.exists()


def test_no_body_registers_one_person(client, attendee, event):
    response = client.post(api(event))
    assert (response.status_code, response.json()["party_size"]) == (201, 1)


def test_too_big_a_party_without_a_waitlist_is_409(client, attendee):
    event = EventFactory(capacity=3, guests_allowed=2, waitlist_enabled=False)
    services.register(user=UserFactory(), event=event)
    response = post(client, event, {"guests": 2})
    assert response.status_code == 409
    assert response.json()["fields"]["guests"] == [
        "Only 2 seats are left, not enough for your party of 3."
    ]


def test_patch_changes_the_guests_and_promotes_the_next_party(client, attendee, event):
    post(client, event, {"guests": 2})
    waiting = UserFactory()
    services.register(user=waiting, event=event, guests=1)
    response = post(client, event, {"guests": 0}, method="patch")
    assert response.status_code == 200
    assert (response.json()["party_size"], response.json()["guest_names"]) == (1, [])
    assert event.registrations.get(user=waiting).is_confirmed
    assert_invariant(event)


def test_patch_beyond_the_free_seats_is_409_and_changes_nothing(client, attendee, event):
    post(client, event, {"guests": 0})
    services.register(user=UserFactory(), event=event, guests=2)
    response = post(client, event, {"guests": 2}, method="patch")
    assert response.status_code == 409
    assert "guests" in response.json()["fields"]
    assert event.registrations.get(user=attendee).party_size == 1


def test_patch_needs_guests_and_a_registration(client, attendee, event):
    assert post(client, event, {}, method="patch").status_code == 422
    assert post(client, event, {"guests": 1}, method="patch").status_code == 404


def test_patch_needs_a_login(client, event):
    assert post(client, event, {"guests": 1}, method="patch").status_code == 401


def test_a_request_for_an_approval_event_is_200_pending(client, attendee):
    event = EventFactory(capacity=4, requires_approval=True)
    response = client.post(api(event))
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert response.json()["availability"]["seats_taken"] == 0


@pytest.mark.parametrize("raw", ["9" * 5000, "[" * 100_000 + "]" * 100_000])
def test_json_that_python_cannot_read_is_400(client, attendee, event, raw):
    response = client.post(api(event), raw, content_type="application/json")
    assert response.status_code == 400
