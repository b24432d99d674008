"""Add to calendar, each event's .ics, and each person's private feed."""

import zoneinfo
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.calendar import registration_uid
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
HX = {"HX-Request": "true"}


def entries(content: bytes):
    return Calendar.from_ical(content).walk("VEVENT")


@pytest.fixture
def event():
    start = datetime(2031, 3, 6, 18, 0, tzinfo=UTC)
    return EventFactory(
        title="Fjord walk",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone=OSLO,
        is_online=True,
        online_url="https://meet.example/secret",
        venue="",
        city="",
    )


def test_the_event_page_offers_google_outlook_and_an_ics_file(client, event):
    page = client.get(event.get_absolute_url()).text
    assert "<summary>Add to calendar</summary>" in page
    google = page.split('href="https://calendar.google.com/calendar/render?')[1].split('"')[0]
    query = parse_qs(google.replace("&amp;", "&"))
    assert query["text"] == ["Fjord walk"]
    assert query["dates"] == ["20310306T180000Z/20310306T200000Z"]
    assert query["ctz"] == ["Europe/Oslo"]
    assert query["location"] == ["Online"]  # the link is for people with a seat
    outlook = page.split('href="https://outlook.live.com/calendar/0/action/compose?')[1]
    query = parse_qs(outlook.split('"')[0].replace("&amp;", "&"))
    assert query["startdt"] == ["2031-03-06T18:00:00Z"] and query["subject"] == ["Fjord walk"]
    assert f'href="/events/{event.slug}/calendar.ics" download' in page


def test_the_public_ics_has_the_event_on_its_own_clock_without_the_link(client, event):
    response = client.get(reverse("events:calendar", args=[event.slug]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    (entry,) = entries(response.content)
    assert entry["SUMMARY"] == "Fjord walk" and entry["LOCATION"] == "Online"
    assert entry["DTSTART"].dt == datetime(2031, 3, 6, 19, 0, tzinfo=OSLO)
    assert entry["UID"] == f"event-{event.pk}@localhost"
    assert b"BEGIN:VTIMEZONE" in response.content and b"TZID:Europe/Oslo" in response.content


def test_someone_with_a_seat_gets_their_own_entry_with_the_link(client, event):
    ada = UserFactory()
    services.register(user=ada, event=event)
    client.force_login(ada)
    response = client.get(reverse("events:calendar", args=[event.slug]))
    (entry,) = entries(response.content)
    assert entry["UID"] == registration_uid(event.registrations.get())  # as in the emails
    assert entry["LOCATION"] == "https://meet.example/secret"
    assert "private" in response["Cache-Control"]


def test_a_draft_has_no_public_calendar_file(client):
    draft = EventFactory(status="draft")
    assert client.get(reverse("events:calendar", args=[draft.slug])).status_code == 404
    assert client.get("/events/no-such-event/calendar.ics").status_code == 404


def test_a_cancelled_event_file_says_so(client, event):
    services.cancel_event(event=event, reason="Storm.")
    (entry,) = entries(client.get(reverse("events:calendar", args=[event.slug])).content)
    assert entry["STATUS"] == "CANCELLED"


# The feed


@pytest.fixture
def ada(client):
    person = UserFactory(email="ada@example.com")
    client.force_login(person)
    return person


def feed_url(client) -> str:
    client.post(reverse("calendar-feed-settings"), {"action": "on"})
    page = client.get(reverse("my-registrations")).text
    return page.split('id="feed-url" type="text" value="')[1].split('"')[0]


def test_my_events_offers_a_feed_and_turning_it_on_shows_its_addresses(client, ada):
    page = client.get(reverse("my-registrations")).text
    assert "Get my calendar address" in page
    response = client.post(reverse("calendar-feed-settings"), {"action": "on"}, headers=HX)
    ada.refresh_from_db()
    assert f"webcal://localhost:8000/calendar/{ada.calendar_token}.ics" in response.text
    assert f'value="http://localhost:8000/calendar/{ada.calendar_token}.ics"' in response.text
    assert len(ada.calendar_token) >= 40


def test_without_javascript_the_feed_settings_redirect_back(client, ada):
    response = client.post(reverse("calendar-feed-settings"), {"action": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/me/registrations/#calendar-feed"
    assert client.post(reverse("calendar-feed-settings"), {"action": "bogus"}).status_code == 400
    assert client.get(reverse("calendar-feed-settings")).status_code == 405


def test_the_feed_lists_seats_and_marks_waitlist_places_tentative(client, ada):
    seat = EventFactory(title="Seat", capacity=5)
    wait = EventFactory(title="Queue", capacity=1)
    services.register(user=UserFactory(), event=wait)
    services.register(user=ada, event=seat)
    services.register(user=ada, event=wait)
    url = feed_url(client)
    client.logout()  # calendar apps have no session
    response = client.get(url.removeprefix("http://localhost:8000"))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content
    assert calendar["X-WR-CALNAME"] == "EMS: your events"
    found = {str(e["SUMMARY"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert found == {"Seat": "CONFIRMED", "Waitlist: Queue": "TENTATIVE"}


def test_a_cancelled_registration_or_event_shows_cancelled_then_disappears(client, ada):
    left, called_off = EventFactory(title="Left"), EventFactory(title="Called off")
    services.register(user=ada, event=left)
    services.register(user=ada, event=called_off)
    services.cancel_registration(user=ada, event=left)
    services.cancel_event(event=called_off, reason="Storm.")
    path = feed_url(client).removeprefix("http://localhost:8000")
    found = {str(e["SUMMARY"]): str(e["STATUS"]) for e in entries(client.get(path).content)}
    assert found == {"Cancelled: Left": "CANCELLED", "Cancelled: Called off": "CANCELLED"}
    ada.registrations.update(updated_at=timezone.now() - timedelta(days=31))
    assert entries(client.get(path).content) == []


def test_registering_again_keeps_one_entry(client, ada):
    event = EventFactory(title="Again")
    services.register(user=ada, event=event)
    services.cancel_registration(user=ada, event=event)
    services.register(user=ada, event=event)
    path = feed_url(client).removeprefix("http://localhost:8000")
    (entry,) = entries(client.get(path).content)
    assert (entry["SUMMARY"], entry["STATUS"]) == ("Again", "CONFIRMED")


def test_resetting_the_address_cuts_off_the_old_one(client, ada):
    old = feed_url(client).removeprefix("http://localhost:8000")
    assert client.get(old).status_code == 200
    response = client.post(reverse("calendar-feed-settings"), {"action": "reset"}, follow=True)
    assert "Your calendar feed has a new address." in response.text
    assert client.get(old).status_code == 404
    ada.refresh_from_db()
    assert client.get(f"/calendar/{ada.calendar_token}.ics").status_code == 200
    client.post(reverse("calendar-feed-settings"), {"action": "off"})
    assert client.get(f"/calendar/{ada.calendar_token}.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404


def test_the_feed_costs_the_same_queries_for_200_registrations(
    client, ada, django_assert_max_num_queries
):
    path = feed_url(client).removeprefix("http://localhost:8000")
    client.logout()
    for zone in ("Europe/Oslo", "America/New_York", "Asia/Tokyo", "UTC"):
        for n in range(50):
            event = EventFactory(
                time_zone=zoneinfo.ZoneInfo(zone),
                starts_at=timezone.now() + timedelta(days=1 + n),
                ends_at=timezone.now() + timedelta(days=1 + n, hours=2),
            )
            services.register(user=ada, event=event)
    with django_assert_max_num_queries(3):
        response = client.get(path)
    assert len(entries(response.content)) == 200


def test_an_app_that_has_this_version_gets_304_and_a_change_makes_a_new_one(
    client, ada, django_assert_max_num_queries, a_whole_minute
):  # the version names the day, so the test must not cross midnight
    event = EventFactory(title="Walk")
    services.register(user=ada, event=event)
    path = feed_url(client).removeprefix("http://localhost:8000")
    client.logout()
    first = client.get(path)
    with django_assert_max_num_queries(2):  # built already: the key and the version
        again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    services.update_event(event=event, changes={"title": "Walk, renamed"})
    changed = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert entries(changed.content)[0]["SUMMARY"] == "Walk, renamed"


def test_the_feed_speaks_its_owners_language(client, ada):
    ada.language = "de"
    ada.save()
    event = EventFactory(title="Schlange", capacity=1)
    services.register(user=UserFactory(), event=event)
    services.register(user=ada, event=event)
    path = feed_url(client).removeprefix("http://localhost:8000")
    (entry,) = entries(client.get(path, headers={"Accept-Language": "en"}).content)
    assert entry["SUMMARY"] == "Warteliste: Schlange"


def test_turning_the_feed_on_again_keeps_its_address(client, ada):
    first = feed_url(client)
    client.post(reverse("calendar-feed-settings"), {"action": "on"})  # a stale second tab
    assert feed_url(client) == first


def test_a_new_language_is_a_new_version(client, ada):
    services.register(user=ada, event=EventFactory())
    path = feed_url(client).removeprefix("http://localhost:8000")
    etag = client.get(path)["ETag"]
    type(ada).objects.filter(pk=ada.pk).update(language="de")
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again["ETag"] != etag


def test_a_declined_request_says_so_and_feed_entries_carry_no_sequence(client, ada):
    event = EventFactory(title="Salon", requires_approval=True)
    services.register(user=ada, event=event)
    services.decline(
        event=event, registrations=list(event.registrations.values_list("pk", flat=True))
    )
    path = feed_url(client).removeprefix("http://localhost:8000")
    (entry,) = entries(client.get(path).content)
    assert (entry["SUMMARY"], entry["STATUS"]) == ("Declined: Salon", "CANCELLED")
    assert "SEQUENCE" not in entry and "LAST-MODIFIED" in entry
