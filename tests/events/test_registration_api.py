import pytest
from django.test import Client

from events import services
from events.models import Event
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def api(event):
    return f"/api/events/{event.slug}/registration/"


@pytest.fixture
def attendee(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_availability(client):
    event = EventFactory(capacity=2)
    for _ in range(3):
        services.register(user=UserFactory(), event=event)
    body = client.get(f"/api/events/{event.slug}/availability/").json()
    assert body == {
        "capacity": 2,
        "seats_taken": 2,
        "seats_left": 0,
        "waitlist_length": 1,
        "waitlist_people": 1,
        "status": "published",
    }


def test_register_confirmed_is_201(client, attendee):
    event = EventFactory(capacity=5)
    response = client.post(api(event))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["availability"]["seats_taken"] == 1


def test_register_waitlisted_is_202_with_position(client, attendee):
    event = EventFactory(capacity=1, waitlist_enabled=True)
    services.register(user=UserFactory(), event=event)
    response = client.post(api(event))
    assert response.status_code == 202
    assert response.json()["waitlist_position"] == 1


@pytest.mark.parametrize("case", ["full", "already registered", "cancelled event"])
def test_conflicts_are_409(client, attendee, case):
    event = EventFactory(
        capacity=1,
        waitlist_enabled=False,
        status=Event.Status.CANCELLED if case == "cancelled event" else Event.Status.PUBLISHED,
    )
    if case == "full":
        services.register(user=UserFactory(), event=event)
    if case == "already registered":
        services.register(user=attendee, event=event)
    response = client.post(api(event))
    assert response.status_code == 409
    assert (
        response.json()["error"]
        == {
            "full": "event_full",
            "already registered": "already_registered",
            "cancelled event": "registration_closed",
        }[case]
    )


def test_not_logged_in_is_401(client):
    response = client.post(api(EventFactory()))
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_missing_csrf_token_is_a_json_403(attendee):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(attendee)
    response = strict.post(api(EventFactory()))
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"


def test_csrf_token_in_the_header_works(attendee):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(attendee)
    strict.get("/")
    token = strict.cookies["csrftoken"].value
    assert strict.post(api(EventFactory()), headers={"X-CSRFToken": token}).status_code == 201


def test_unknown_event_is_404(client, attendee):
    response = client.post("/api/events/nope/registration/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_delete_cancels(client, attendee):
    event = EventFactory()
    services.register(user=attendee, event=event)
    response = client.delete(api(event))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["availability"]["seats_taken"] == 0
    again = client.delete(api(event))
    assert again.status_code == 404
    assert again.json()["error"] == "not_registered"


def test_get_is_405(client, attendee):
    assert client.get(api(EventFactory())).status_code == 405


def test_api_registration_runs_at_most_12_queries(client, attendee, django_assert_max_num_queries):
    event = EventFactory()
    with django_assert_max_num_queries(12):
        assert client.post(api(event)).status_code == 201
