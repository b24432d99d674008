import pytest
from django.test import override_settings

from events.models import Event
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_detail_shows_the_event(client):
    event = EventFactory(title="Django sprint", capacity=40, venue="Betahaus", city="Berlin")
    Event.objects.filter(pk=event.pk).update(seats_taken=15)
    response = client.get(event.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="event-title">Django sprint</h1>' in html
    assert "25 of 40 left" in html
    assert "Betahaus" in html
    assert 'id="registration-panel"' in html
    assert f"Organized by <strong>{event.organizer.display_name}</strong>" in html


def test_description_is_escaped_with_line_breaks(client):
    event = EventFactory(description="Line one\nLine two <script>alert(1)</script>")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Line one<br>Line two &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_online_link_is_not_shown_on_the_page(client):
    event = EventFactory(is_online=True, online_url="https://meet.example.com/secret-room")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "secret-room" not in html
    assert "the link is shared with registered attendees" in html


def test_draft_is_404_except_for_its_organizer_and_staff(client):
    organizer = UserFactory()
    draft = EventFactory(status=Event.Status.DRAFT, organizer=organizer)
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(organizer)
    assert "Only you and staff can see this event" in client.get(url).content.decode()
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200


def test_cancelled_event_shows_a_banner(client):
    event = EventFactory(status=Event.Status.CANCELLED)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "This event is cancelled." in html
    assert "Registration is closed" in html


def test_unknown_slug_is_a_friendly_404(client):
    response = client.get("/events/no-such-event/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged in"])
def test_detail_runs_at_most_5_queries(client, logged_in, django_assert_max_num_queries):
    event = EventFactory()
    if logged_in:
        client.force_login(UserFactory())
    with django_assert_max_num_queries(5):
        assert client.get(event.get_absolute_url()).status_code == 200


def test_fragment_cache_shows_edits_and_seat_changes_at_once(client):
    event = EventFactory(title="Before", capacity=10)
    list_html = client.get("/events/").content.decode()
    assert "Before" in list_html and "10 of 10 left" in list_html
    event.title = "After"
    event.save()
    Event.objects.filter(pk=event.pk).update(seats_taken=4)
    assert "After" in client.get("/events/").content.decode()
    assert "6 of 10 left" in client.get("/events/").content.decode()
    assert "6 of 10 left" in client.get(event.get_absolute_url()).content.decode()


def test_pages_render_when_redis_is_down(client, settings):
    event = EventFactory(title="Still here")
    dead_redis = {
        **settings.CACHES,
        "default": {
            "BACKEND": "resilient_cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        },
    }
    with override_settings(CACHES=dead_redis):
        assert "Still here" in client.get("/events/").content.decode()
        assert "Still here" in client.get(event.get_absolute_url()).content.decode()
