from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event
from tests.factories import EventFactory, UserFactory
from tests.images import image_upload, svg

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true", "HX-Target": "section-title"}


def edit_url(event, section):
    return reverse("events:edit-section", kwargs={"slug": event.slug, "section": section})


def show_url(event, section):
    return reverse("events:section", kwargs={"slug": event.slug, "section": section})


@pytest.fixture
def event(client):
    event = EventFactory(title="Old title", capacity=2)
    client.force_login(event.organizer)
    return event


def test_edit_swaps_in_a_small_form_with_focus(client, event):
    response = client.get(edit_url(event, "title"), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="section-title"')
    assert 'value="Old title"' in html
    assert "autofocus" in html
    assert "data-inline-edit" in html
    assert f'hx-get="{show_url(event, "title")}"' in html  # Cancel
    assert "HX-Request" in response["Vary"]


def test_without_htmx_edit_links_lead_to_the_full_edit_page(client, event):
    full = reverse("events:edit", kwargs={"slug": event.slug})
    assert client.get(edit_url(event, "title"))["Location"] == full
    response = client.post(edit_url(event, "title"), {"title": "Sneaky"})
    assert response["Location"] == full
    event.refresh_from_db()
    assert event.title == "Old title"


def test_save_swaps_the_display_back_and_updates_the_page_title(client, event):
    response = client.post(edit_url(event, "title"), {"title": "New title"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="event-title">New title</h1>' in html
    assert "<title>New title · EMS</title>" in html
    assert 'aria-label="Edit title"' in html and "autofocus" in html  # focus back on Edit
    assert "Saved." in response["HX-Trigger"]
    event.refresh_from_db()
    assert event.title == "New title"


def test_cancel_restores_the_display_without_saving(client, event):
    response = client.get(show_url(event, "title"), headers=HX)
    assert '<h1 id="event-title">Old title</h1>' in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Old title"


def test_invalid_input_rerenders_the_form_in_place_and_keeps_it(client, event):
    starts = (event.starts_at + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        edit_url(event, "when"),
        {"starts_at": starts, "ends_at": "not a date", "time_zone": "UTC"},
        headers=HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid date/time." in html
    assert f'value="{starts}"' in html
    assert 'value="not a date"' in html
    before = event.starts_at
    event.refresh_from_db()
    assert event.starts_at == before


def test_the_end_must_stay_after_the_start(client, event):
    ends = (event.starts_at - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    starts = event.starts_at.strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        edit_url(event, "when"),
        {"starts_at": starts, "ends_at": ends, "time_zone": "UTC"},
        headers=HX,
    )
    assert "The event must end after it starts." in response.content.decode()


def test_online_needs_a_link_and_in_person_needs_a_venue(client, event):
    html = client.post(edit_url(event, "where"), {"is_online": "on"}, headers=HX).content.decode()
    assert "Online events need a link for attendees." in html
    html = client.post(edit_url(event, "where"), {"venue": "", "city": ""}, headers=HX)
    assert "In-person events need a venue." in html.content.decode()


def test_capacity_below_confirmed_shows_the_error_in_the_form(client, event):
    for _ in range(2):
        services.register(user=UserFactory(), event=event)
    response = client.post(
        edit_url(event, "seats"), {"capacity": "1", "waitlist_enabled": "on"}, headers=HX
    )
    html = response.content.decode()
    assert "2 people are confirmed; capacity can&#x27;t go below 2." in html
    assert 'value="1"' in html


def test_raising_capacity_updates_the_seat_counters_out_of_band(
    client, event, django_capture_on_commit_callbacks
):
    for _ in range(3):
        services.register(user=UserFactory(), event=event)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(event, "seats"), {"capacity": "5", "waitlist_enabled": "on"}, headers=HX
        )
    html = response.content.decode()
    assert "<strong>3 of 5</strong> seats taken" in html
    assert f'<span id="seat-count-{event.pk}" class="seat-count" hx-swap-oob="true">' in html
    assert "2 of 5 left" in html
    assert 'id="registration-panel"' in html and 'hx-swap-oob="true"' in html
    assert [m.subject[:18] for m in mail.outbox[-1:]] == ["A seat opened up, "]


def test_capacity_must_be_a_sensible_number(client, event):
    for bad, message in (("0", "at least 1"), ("100001", "at most 100,000"), ("ten", "whole")):
        html = client.post(edit_url(event, "seats"), {"capacity": bad}, headers=HX).content.decode()
        assert message in html, bad


def test_a_new_venue_tells_the_attendees(client, event, django_capture_on_commit_callbacks):
    services.register(user=UserFactory(), event=event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(event, "where"), {"venue": "Tempelhof", "city": "Berlin"}, headers=HX
        )
    assert "1 attendee was emailed the new details." in response["HX-Trigger"]
    assert len(mail.outbox) == 1
    assert "Tempelhof" in mail.outbox[0].body


def test_the_fragment_cache_shows_the_new_values_to_visitors(client, event):
    client.logout()
    assert "Kulturbrauerei" in client.get(event.get_absolute_url()).content.decode()
    client.force_login(event.organizer)
    client.post(edit_url(event, "where"), {"venue": "Tempelhof", "city": "Berlin"}, headers=HX)
    client.logout()
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Tempelhof" in html and "Kulturbrauerei" not in html
    listing = client.get(reverse("events:list")).content.decode()
    assert "Tempelhof" in listing


def test_poster_upload_replaces_the_poster(client, event):
    response = client.post(edit_url(event, "poster"), {"poster": image_upload()}, headers=HX)
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.poster.name.endswith(".webp") and event.poster_card


def test_poster_form_without_a_file_asks_for_one(client, event):
    html = client.post(edit_url(event, "poster"), {}, headers=HX).content.decode()
    assert "Choose an image to upload." in html
    html = client.post(edit_url(event, "poster"), {"poster": svg()}, headers=HX).content.decode()
    assert "errorlist" in html
    event.refresh_from_db()
    assert not event.poster


def test_a_started_event_locks_its_time_place_and_seats(client, event):
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    response = client.get(edit_url(event, "when"), headers=HX)
    assert response.status_code == 409
    assert "its time, place and seats can't change" in response["HX-Trigger"]
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'aria-label="Edit date and time"' not in html
    assert 'aria-label="Edit description"' in html
    assert client.post(edit_url(event, "seats"), {"capacity": "9"}, headers=HX).status_code == 409


def test_a_cancelled_event_is_read_only(client, event):
    services.cancel_event(event=event, reason="Storm")
    assert client.post(edit_url(event, "title"), {"title": "x"}, headers=HX).status_code == 409
    full = client.get(reverse("events:edit", kwargs={"slug": event.slug}))
    assert full["Location"] == event.get_absolute_url()
    html = client.get(event.get_absolute_url()).content.decode()
    assert "edit-button" not in html
    assert "Storm" in html


def test_inline_edit_round_trip_runs_at_most_10_queries(
    client, event, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        client.get(edit_url(event, "title"), headers=HX)
    with django_assert_max_num_queries(10):
        client.post(edit_url(event, "title"), {"title": "Quick"}, headers=HX)
    with django_assert_max_num_queries(10):
        client.post(edit_url(event, "seats"), {"capacity": "9"}, headers=HX)


def test_full_edit_page_saves_every_field_without_javascript(client, event):
    url = reverse("events:edit", kwargs={"slug": event.slug})
    page = client.get(url).content.decode()
    assert "Save changes" in page and 'value="Old title"' in page
    form = {
        "title": "Whole new",
        "description": "Fresh",
        "category": event.category_id,
        "starts_at": event.starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": event.ends_at.strftime("%Y-%m-%dT%H:%M"),
        "time_zone": "UTC",
        "venue": "Hall",
        "city": "Berlin",
        "capacity": "30",
        "waitlist_enabled": "on",
    }
    response = client.post(url, form)
    assert response["Location"] == event.get_absolute_url()
    event.refresh_from_db()
    assert (event.title, event.venue, event.capacity) == ("Whole new", "Hall", 30)


def test_full_edit_page_shows_service_refusals_in_the_form(client, event):
    for _ in range(2):
        services.register(user=UserFactory(), event=event)
    url = reverse("events:edit", kwargs={"slug": event.slug})
    form = {
        "title": "x",
        "description": "x",
        "starts_at": event.starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": event.ends_at.strftime("%Y-%m-%dT%H:%M"),
        "time_zone": "UTC",
        "venue": "Hall",
        "city": "Berlin",
        "capacity": "1",
    }
    html = client.post(url, form).content.decode()
    assert "2 people are confirmed" in html
    event.refresh_from_db()
    assert event.title == "Old title"
