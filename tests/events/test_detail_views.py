import re

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


def test_after_cancelling_the_manage_panel_says_who_lost_a_place(client):
    from events import services

    event = EventFactory(capacity=3, guests_allowed=1, waitlist_enabled=True)
    services.register(user=UserFactory(), event=event, guests=1)
    services.register(user=UserFactory(), event=event)
    services.register(user=UserFactory(), event=event)  # waitlisted: one seat left for two
    left = UserFactory()
    services.register(user=left, event=event)
    services.cancel_registration(user=left, event=event)
    services.cancel_event(event=event, reason="The venue flooded.")
    client.force_login(event.organizer)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "<strong>3 people</strong> had seats when the event was cancelled." in html
    assert "1 more was waiting for one." in html
    assert "Each was emailed the cancellation and a calendar update." in html
    assert "seats taken" not in html


def test_an_in_person_venue_links_to_openstreetmap_and_an_online_one_does_not(client):
    event = EventFactory(venue="Café Kranzler", city="Berlin")
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'href="https://www.openstreetmap.org/search?query=Caf%C3%A9+Kranzler%2C+Berlin"' in html
    online = EventFactory(
        is_online=True, venue="", city="", online_url="https://meet.example.com/x"
    )
    assert "openstreetmap" not in client.get(online.get_absolute_url()).content.decode()


def test_how_many_are_going_shows_only_where_the_organizer_allows(client):
    from events import services

    quiet = EventFactory(capacity=10)
    shown = EventFactory(capacity=10, shows_going=True)
    for event in (quiet, shown):
        services.register(user=UserFactory(), event=event)
        services.register(user=UserFactory(), event=event)
    assert 'class="going"' not in client.get(quiet.get_absolute_url()).content.decode()
    assert (
        '<span class="going">2 going</span>'
        in client.get(shown.get_absolute_url()).content.decode()
    )
    assert (
        '<span class="going">'
        not in client.get(EventFactory(shows_going=True).get_absolute_url()).content.decode()
    )


def test_the_share_button_waits_for_javascript_and_carries_the_events_address(client):
    event = EventFactory()
    html = client.get(event.get_absolute_url()).content.decode()
    assert re.search(
        rf'<button type="button"[^>]* hidden data-share [^>]*data-url="{event.get_absolute_url()}"',
        html,
    )


def test_the_organizers_edit_buttons_and_forms_sit_inside_the_facts_terms(client):
    event = EventFactory()
    client.force_login(event.organizer)
    html = client.get(event.get_absolute_url()).content.decode()
    facts = re.search(r'<dl class="event-facts">(.*?)</dl>', html, re.S).group(1)
    outside = re.sub(r"<dd>.*?</dd>|<dt>.*?</dt>", "", facts, flags=re.S)
    assert "<a" not in outside and "<form" not in outside
    form = client.get(f"/events/{event.slug}/edit/when/", headers={"HX-Request": "true"})
    assert re.search(r"<dt>Date and time</dt><dd>\s*<form", form.content.decode())
    title = client.get(f"/events/{event.slug}/edit/title/", headers={"HX-Request": "true"})
    assert (
        f'<h1 id="event-title" class="visually-hidden">{event.title}</h1>' in title.content.decode()
    )
