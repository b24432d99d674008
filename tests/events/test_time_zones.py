"""Each event keeps its own clock; each viewer also sees theirs (issue: time zones)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from events import services, zones
from events.calendar import registration_ics
from events.filters import when_range
from events.forms import EventForm
from events.models import Event
from tests.factories import EventFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("a_noon_in_2026")]

OSLO, NEW_YORK, KOLKATA, TOKYO = (
    ZoneInfo(name) for name in ("Europe/Oslo", "America/New_York", "Asia/Kolkata", "Asia/Tokyo")
)
HX = {"HX-Request": "true"}
# Dates in another year than the viewer's carry it. These tests' dates are in 2027, seen
# from a noon in 2026 (a_noon_in_2026), so they carry it and are still ahead, whenever this runs.
Y = " 2027"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def oslo_meetup(**extra) -> Event:
    # 19:00 to 21:00 in Oslo in winter (CET, UTC+1) is 18:00 to 20:00 UTC.
    extra = {"starts_at": utc(2027, 3, 6, 18), "ends_at": utc(2027, 3, 6, 20)} | extra
    return EventFactory(title="Meetup", time_zone="Europe/Oslo", city="Oslo", **extra)


def page(client, event, zone=None) -> str:
    if zone:
        client.cookies["tz"] = zone
    return client.get(event.get_absolute_url()).content.decode()


# -- Typing a time in the event's zone ----------------------------------------------


@pytest.fixture
def organizer(client, user):
    client.force_login(user)
    return user


def create(client, **fields):
    data = {
        "title": "Fjord walk",
        "description": "Bring boots.",
        "venue": "Operahuset",
        "city": "Oslo",
        "capacity": "20",
        "publish": "1",
        "time_zone": "Europe/Oslo",
    } | fields
    return client.post(reverse("events:create"), data)


def test_a_time_typed_in_oslo_is_stored_as_its_utc_instant(client, organizer):
    response = create(client, starts_at="2027-03-06T19:00", ends_at="2027-03-06T21:00")
    assert response.status_code == 302
    event = Event.objects.get(title="Fjord walk")
    assert event.starts_at == utc(2027, 3, 6, 18) and event.ends_at == utc(2027, 3, 6, 20)
    assert event.time_zone == OSLO
    # In summer (CEST, UTC+2) the same wall-clock time is an hour earlier in UTC.
    create(client, title="Summer walk", starts_at="2027-06-05T19:00", ends_at="2027-06-05T21:00")
    assert Event.objects.get(title="Summer walk").starts_at == utc(2027, 6, 5, 17)


def test_a_time_skipped_by_the_spring_clock_change_is_refused(client, organizer):
    # Oslo's clocks jump from 02:00 to 03:00 on 28 March 2027: 02:30 never happens.
    response = create(client, starts_at="2027-03-28T02:30", ends_at="2027-03-28T05:00")
    assert response.status_code == 200
    html = response.content.decode()
    assert "02:30 on Sun 28 Mar 2027 doesn&#x27;t exist in Oslo" in html
    assert not Event.objects.exists()


def test_a_time_repeated_by_the_autumn_clock_change_is_refused(client, organizer):
    # On 31 October 2027 Oslo's clocks go from 03:00 back to 02:00: 02:30 happens twice.
    response = create(client, starts_at="2027-10-30T20:00", ends_at="2027-10-31T02:30")
    html = response.content.decode()
    assert "02:30 on Sun 31 Oct 2027 happens twice in Oslo" in html
    assert not Event.objects.exists()


def test_an_untouched_time_in_the_repeated_hour_does_not_block_other_edits(client):
    # Ends at 02:30 summer time (00:30 UTC), the first of the two 02:30s that night.
    event = oslo_meetup(starts_at=utc(2027, 10, 30, 18), ends_at=utc(2027, 10, 31, 0, 30))
    client.force_login(event.organizer)
    data = {
        "title": "Night walk",
        "category": event.category_id,
        "description": event.description,
        "starts_at": "2027-10-30T20:00",
        "ends_at": "2027-10-31T02:30",
        "time_zone": "Europe/Oslo",
        "venue": event.venue,
        "city": event.city,
        "capacity": event.capacity,
    }
    form = EventForm(data, instance=Event.objects.get(pk=event.pk))
    # Nothing about the time changed, so attendees are not told it did.
    assert form.is_valid() and form.changes().keys() == {"title", "waitlist_enabled"}
    response = client.post(reverse("events:edit", args=[event.slug]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Night walk" and event.ends_at == utc(2027, 10, 31, 0, 30)


def test_a_half_hour_zone_is_placed_exactly(client, organizer):
    create(
        client, time_zone="Asia/Kolkata", starts_at="2027-03-06T19:00", ends_at="2027-03-06T21:00"
    )
    assert Event.objects.get().starts_at == utc(2027, 3, 6, 13, 30)


def test_an_unknown_zone_is_a_form_error(client, organizer):
    response = create(
        client, time_zone="Mars/Olympus", starts_at="2027-03-06T19:00", ends_at="2027-03-06T21:00"
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Event.objects.exists()


def test_the_edit_form_shows_times_on_the_events_clock(client):
    event = oslo_meetup()
    client.force_login(event.organizer)
    html = client.get(reverse("events:edit", args=[event.slug])).content.decode()
    assert 'value="2027-03-06T19:00"' in html and 'value="2027-03-06T21:00"' in html
    assert '<option value="Europe/Oslo" selected>' in html


def test_a_new_event_starts_in_the_zone_the_organizer_used_last(client, organizer):
    client.cookies["tz"] = "America/New_York"
    html = client.get(reverse("events:create")).content.decode()
    assert '<option value="America/New_York" selected>' in html
    EventFactory(organizer=organizer, time_zone="Asia/Tokyo")
    html = client.get(reverse("events:create")).content.decode()
    assert '<option value="Asia/Tokyo" selected>' in html


def test_zones_place_wall_clock_times_or_say_why_not():
    assert zones.aware(datetime(2027, 3, 6, 19), OSLO) == utc(2027, 3, 6, 18)
    assert zones.aware(datetime(2027, 3, 6, 19), KOLKATA) == utc(2027, 3, 6, 13, 30)
    with pytest.raises(zones.ClockGap):
        zones.aware(datetime(2027, 3, 14, 2, 30), NEW_YORK)
    with pytest.raises(zones.ClockOverlap):
        zones.aware(datetime(2027, 11, 7, 1, 30), NEW_YORK)


# -- Showing times ---------------------------------------------------------------------


def test_the_event_page_shows_the_events_clock_and_the_viewers(client):
    event = oslo_meetup()
    html = page(client, event)
    assert f"Sat 6 Mar{Y}, 19:00 – 21:00 CET (Oslo)" in html
    # The browser's zone isn't known yet: app.js fills this in.
    assert 'data-viewer-time data-label="Your time:"' in html
    html = page(client, event, "America/New_York")
    assert f"Your time: Sat 6 Mar{Y}, 13:00 – 15:00 EST (New York)" in html
    html = page(client, event, "Europe/Oslo")
    assert "Your time" not in html


def test_another_zone_on_the_same_clock_adds_nothing(client):
    # Berlin keeps Oslo's time: "Your time" would repeat it.
    assert "Your time" not in page(client, oslo_meetup(), "Europe/Berlin")


def test_a_start_on_another_date_for_the_viewer_shows_both_dates(client):
    # 08:00 on Saturday in Tokyo is 18:00 on Friday in New York.
    event = EventFactory(
        starts_at=utc(2027, 3, 5, 23), ends_at=utc(2027, 3, 6, 1), time_zone="Asia/Tokyo"
    )
    html = page(client, event, "America/New_York")
    assert f"Sat 6 Mar{Y}, 08:00 – 10:00 JST (Tokyo)" in html
    assert f"Your time: Fri 5 Mar{Y}, 18:00 – 20:00 EST (New York)" in html


def test_a_multi_day_event_and_a_clock_change_inside_it_show_plainly(client):
    long = oslo_meetup(starts_at=utc(2027, 3, 5, 8), ends_at=utc(2027, 3, 7, 15))
    assert f"Fri 5 Mar{Y}, 09:00 – Sun 7 Mar{Y}, 16:00 CET (Oslo)" in page(client, long)
    # Overnight while Oslo's clocks go forward: each end says which clock.
    night = oslo_meetup(starts_at=utc(2027, 3, 27, 22), ends_at=utc(2027, 3, 28, 4))
    assert f"Sat 27 Mar{Y}, 23:00 CET – Sun 28 Mar{Y}, 06:00 CEST (Oslo)" in page(client, night)


def test_a_zone_without_letters_is_named_by_its_offset(client):
    event = EventFactory(
        starts_at=utc(2027, 3, 6, 22), ends_at=utc(2027, 3, 7), time_zone="America/Sao_Paulo"
    )
    assert f"Sat 6 Mar{Y}, 19:00 – 21:00 UTC-03:00 (Sao Paulo)" in page(client, event)


def test_a_profile_zone_wins_over_the_browsers(client):
    event = oslo_meetup()
    client.force_login(UserFactory(time_zone="Asia/Kolkata"))
    html = page(client, event, "America/New_York")
    assert f"Your time: Sat 6 Mar{Y}, 23:30 – Sun 7 Mar{Y}, 01:30 IST (Kolkata)" in html


def test_cards_show_the_start_on_both_clocks(client):
    oslo_meetup()
    client.cookies["tz"] = "America/New_York"
    html = client.get("/events/?past=on").content.decode()
    assert f"Sat 6 Mar{Y}, 19:00 CET (Oslo)" in html
    assert f"Your time: Sat 6 Mar{Y}, 13:00 EST (New York)" in html


def test_a_cached_page_is_never_served_to_a_viewer_in_another_zone(client):
    event = oslo_meetup()
    assert "13:00 – 15:00 EST" in page(client, event, "America/New_York")
    tokyo = page(client, event, "Asia/Tokyo")
    assert f"Sun 7 Mar{Y}, 03:00 – 05:00 JST" in tokyo and "EST" not in tokyo
    client.cookies["tz"] = "America/New_York"
    listing = client.get("/events/?past=on", headers=HX).content.decode()
    client.cookies["tz"] = "Asia/Tokyo"
    assert (
        "EST" in listing
        and "EST" not in client.get("/events/?past=on", headers=HX).content.decode()
    )


def test_a_percent_encoded_zone_cookie_is_understood(client):
    client.cookies["tz"] = "America%2FNew_York"
    assert "13:00 – 15:00 EST" in page(client, oslo_meetup())


def test_a_made_up_zone_cookie_is_ignored(client):
    html = page(client, oslo_meetup(), "../../etc/passwd")
    assert f"Sat 6 Mar{Y}, 19:00 – 21:00 CET (Oslo)" in html


def test_date_presets_are_the_viewers_days(settings):
    from django.utils import timezone

    with timezone.override(KOLKATA):
        start, end = when_range("today", today=datetime(2027, 3, 6).date())
    assert start == utc(2027, 3, 5, 18, 30) and end == utc(2027, 3, 6, 18, 30)


def test_the_catalogue_says_which_zone_its_dates_are_in(client):
    assert "Dates are in UTC." in client.get("/events/").content.decode()
    client.cookies["tz"] = "Asia/Kolkata"
    assert "Dates are in your time zone (Kolkata)." in client.get("/events/").content.decode()


def test_a_date_filter_counts_days_on_the_viewers_clock(client):
    # 23:30 on 5 March in Kolkata is still 5 March there, though 18:00 UTC.
    EventFactory(title="Late", starts_at=utc(2027, 3, 5, 18), ends_at=utc(2027, 3, 5, 19))
    client.cookies["tz"] = "Asia/Kolkata"
    html = client.get("/events/?date_from=2027-03-06&date_to=2027-03-06").content.decode()
    assert "Late" not in html
    client.cookies["tz"] = "America/New_York"
    html = client.get("/events/?date_from=2027-03-05&date_to=2027-03-05").content.decode()
    assert "Late" in html


# -- Calendar files, the API, exports and emails --------------------------------------


def test_the_calendar_file_carries_the_zone_and_the_same_instants():
    event = oslo_meetup()
    registration = services.register(user=UserFactory(), event=event).registration
    ics = registration_ics(registration)
    assert b"DTSTART;TZID=Europe/Oslo:20270306T190000" in ics
    calendar = Calendar.from_ical(ics)
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Oslo"
    (entry,) = calendar.walk("VEVENT")
    assert entry.decoded("dtstart") == event.starts_at
    assert entry.decoded("dtend") == event.ends_at


def test_the_api_gives_times_with_the_events_offset_and_zone(client):
    event = oslo_meetup()
    body = client.get(f"/api/events/{event.slug}/").json()
    assert body["starts_at"] == "2027-03-06T19:00:00+01:00"
    assert body["ends_at"] == "2027-03-06T21:00:00+01:00"
    assert body["time_zone"] == "Europe/Oslo"


def test_the_attendee_export_is_on_the_events_clock(client):
    event = oslo_meetup()
    services.register(user=UserFactory(), event=event)
    client.force_login(event.organizer)
    csv = b"".join(client.get(reverse("organize:export", args=[event.slug])).streaming_content)
    assert b"+01:00" in csv or b"+02:00" in csv


def test_emails_give_the_events_time_and_the_recipients_own(django_capture_on_commit_callbacks):
    event = oslo_meetup()
    with django_capture_on_commit_callbacks(execute=True):
        services.register(user=UserFactory(time_zone="America/New_York"), event=event)
        services.register(user=UserFactory(), event=event)
    traveller, plain = mail.outbox
    assert f"When:  Sat 6 Mar{Y}, 19:00 – 21:00 CET (Oslo)" in traveller.body
    assert f"Your time: Sat 6 Mar{Y}, 13:00 – 15:00 EST (New York)" in traveller.body
    assert "Your time" not in plain.body
    assert "13:00 – 15:00 EST (New York)" in traveller.alternatives[0].content


def test_moving_across_a_clock_change_sends_one_email_with_the_new_local_time(
    django_capture_on_commit_callbacks,
):
    event = oslo_meetup()
    registration = services.register(user=UserFactory(), event=event).registration
    # Four weeks later, after Oslo's clocks went forward: 19:00 CEST is 17:00 UTC.
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(
            event=event,
            changes={"starts_at": utc(2027, 4, 3, 17), "ends_at": utc(2027, 4, 3, 19)},
        )
    (changed,) = mail.outbox
    assert f"Sat 3 Apr{Y}, 19:00 – 21:00 CEST (Oslo)" in changed.body
    (ics,) = [a for a in changed.attachments if a[0] == "event.ics"]
    entry = Calendar.from_ical(ics[1]).walk("VEVENT")[0]
    assert entry["UID"] == f"registration-{registration.pk}@localhost"
    assert entry["SEQUENCE"] == registration.sequence + 1


def test_changing_only_the_zone_moves_the_event_and_tells_attendees(
    client, django_capture_on_commit_callbacks
):
    event = oslo_meetup()
    services.register(user=UserFactory(), event=event)
    client.force_login(event.organizer)
    url = reverse("events:edit-section", args=[event.slug, "when"])
    data = {"starts_at": "2027-03-06T19:00", "ends_at": "2027-03-06T21:00"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data | {"time_zone": "Europe/London"}, headers=HX)
    assert response.status_code == 200, response.content.decode()
    event.refresh_from_db()
    assert event.starts_at == utc(2027, 3, 6, 19) and event.time_zone == ZoneInfo("Europe/London")
    (changed,) = [m for m in mail.outbox if m.subject.startswith("New time")]
    assert f"Sat 6 Mar{Y}, 19:00 – 21:00 GMT (London)" in changed.body


def test_existing_events_get_their_citys_zone_and_keep_their_instants():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("events.migrations.0009_time_zone")
    event = EventFactory(city="Lisbon", starts_at=utc(2027, 3, 6, 18), ends_at=utc(2027, 3, 6, 20))
    elsewhere = EventFactory(city="Atlantis")
    migration.zones_from_cities(apps, None)
    event.refresh_from_db()
    elsewhere.refresh_from_db()
    assert event.time_zone == ZoneInfo("Europe/Lisbon") and event.starts_at == utc(2027, 3, 6, 18)
    assert elsewhere.time_zone == ZoneInfo("UTC")
