"""schema.org Event JSON-LD, Open Graph and Twitter cards on public event pages.

The JSON-LD is checked against the schema.org types it uses: every property must be
one the type defines (or inherits from Thing), with a value of a type the property
accepts, and the properties Google's event results need must be there.
"""

import json
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from events import posters, services
from tests.factories import EventFactory
from tests.images import image_upload

pytestmark = pytest.mark.django_db

URL, TEXT, NUMBER, BOOLEAN, DATETIME = "URL", "Text", "Number", "Boolean", "DateTime"
THING = {"@context": URL, "@type": TEXT, "name": TEXT, "description": TEXT, "url": URL}
# From https://schema.org/<Type>: the properties used here, and what each accepts.
SCHEMA_TYPES = {
    "Event": THING
    | {
        "startDate": DATETIME,
        "endDate": DATETIME,
        "previousStartDate": DATETIME,
        "eventStatus": "EventStatusType",
        "eventAttendanceMode": "EventAttendanceModeEnumeration",
        "location": ("Place", "VirtualLocation", "PostalAddress", TEXT),
        "organizer": ("Person", "Organization"),
        "image": (URL, "ImageObject"),
        "isAccessibleForFree": BOOLEAN,
        "maximumAttendeeCapacity": NUMBER,
        "remainingAttendeeCapacity": NUMBER,
    },
    "Place": THING | {"address": ("PostalAddress", TEXT)},
    "PostalAddress": THING | {"addressLocality": TEXT, "streetAddress": TEXT},
    "VirtualLocation": THING,
    "Person": THING,
}
ENUMERATIONS = {
    "EventStatusType": {
        "https://schema.org/EventScheduled",
        "https://schema.org/EventCancelled",
        "https://schema.org/EventRescheduled",
        "https://schema.org/EventPostponed",
        "https://schema.org/EventMovedOnline",
    },
    "EventAttendanceModeEnumeration": {
        "https://schema.org/OnlineEventAttendanceMode",
        "https://schema.org/OfflineEventAttendanceMode",
        "https://schema.org/MixedEventAttendanceMode",
    },
}


def check_value(value, accepted) -> None:
    accepted = accepted if isinstance(accepted, tuple) else (accepted,)
    values = value if isinstance(value, list) else [value]
    for one in values:
        if isinstance(one, dict):
            assert one["@type"] in accepted, f"{one['@type']} is not one of {accepted}"
            check_thing(one)
        elif isinstance(one, bool):
            assert BOOLEAN in accepted
        elif isinstance(one, int | float):
            assert NUMBER in accepted
        else:
            kinds = [kind for kind in accepted if kind in ENUMERATIONS]
            if kinds:
                assert one in ENUMERATIONS[kinds[0]]
            elif DATETIME in accepted:
                assert datetime.fromisoformat(one).utcoffset() is not None, "no offset"
            elif URL in accepted and TEXT not in accepted:
                assert one.startswith("https://") or one.startswith("http://"), one
            else:
                assert isinstance(one, str)


def check_thing(thing: dict) -> None:
    properties = SCHEMA_TYPES[thing["@type"]]
    for name, value in thing.items():
        assert name in properties, f"{thing['@type']} has no property {name}"
        check_value(value, properties[name])


def json_ld(page: str) -> dict:
    (script,) = page.split('<script type="application/ld+json">')[1:]
    return json.loads(script.split("</script>")[0])


@pytest.fixture
def event():
    start = datetime(2031, 3, 6, 18, 0, tzinfo=UTC)
    return EventFactory(
        title="Fjord </script> walk",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone=zoneinfo.ZoneInfo("Europe/Oslo"),
        venue="Aker Brygge",
        city="Oslo",
        capacity=40,
        seats_taken=0,
    )


def test_an_in_person_event_is_a_valid_schema_org_event(client, event):
    data = json_ld(client.get(event.get_absolute_url()).text)
    check_thing(data)
    for required in ("name", "startDate", "location"):
        assert required in data
    assert data["name"] == "Fjord </script> walk"
    assert data["startDate"] == "2031-03-06T19:00:00+01:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "Aker Brygge",
        "address": {"@type": "PostalAddress", "addressLocality": "Oslo"},
    }
    assert data["remainingAttendeeCapacity"] == 40


def test_the_title_cannot_break_out_of_the_script(client, event):
    page = client.get(event.get_absolute_url()).text
    script = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "\\u003C/script\\u003E" in script


def test_an_online_event_has_a_virtual_location_without_the_secret_link(client):
    event = EventFactory(is_online=True, online_url="https://meet.example/secret", venue="")
    page = client.get(event.get_absolute_url()).text
    data = json_ld(page)
    check_thing(data)
    assert data["location"]["@type"] == "VirtualLocation"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert "meet.example" not in page


def test_a_moved_event_is_rescheduled_with_the_first_announced_start(client, event):
    first = event.starts_at
    for days in (1, 2):
        moved = first + timedelta(days=days)
        services.update_event(
            event=event, changes={"starts_at": moved, "ends_at": moved + timedelta(hours=2)}
        )
    data = json_ld(client.get(event.get_absolute_url()).text)
    check_thing(data)
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["previousStartDate"] == "2031-03-06T19:00:00+01:00"
    services.update_event(
        event=event, changes={"starts_at": first, "ends_at": first + timedelta(hours=2)}
    )
    data = json_ld(client.get(event.get_absolute_url()).text)
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert "previousStartDate" not in data


def test_a_cancelled_event_says_so(client, event):
    services.cancel_event(event=event, reason="Storm.")
    data = json_ld(client.get(event.get_absolute_url()).text)
    check_thing(data)
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert "remainingAttendeeCapacity" not in data


def test_the_poster_is_the_image_and_the_card(client, event):
    services.update_event(event=event, changes={}, poster=posters.process(image_upload()))
    page = client.get(event.get_absolute_url()).text
    data = json_ld(page)
    check_thing(data)
    (image,) = data["image"]
    assert image.startswith("http://localhost:8000/media/posters/")
    assert f'<meta property="og:image" content="{image}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert f'<meta name="twitter:image" content="{image}">' in page


def test_open_graph_and_twitter_tags_describe_the_event(client, event):
    page = client.get(event.get_absolute_url()).text
    url = f"http://localhost:8000{event.get_absolute_url()}"
    assert '<meta property="og:title" content="Fjord &lt;/script&gt; walk">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert f'<link rel="canonical" href="{url}">' in page
    assert '<meta property="og:description" content="Talks and snacks.">' in page
    assert '<meta name="twitter:card" content="summary">' in page


def test_unlisted_and_draft_events_carry_none_of_it(client, event):
    event.visibility = "unlisted"
    event.save()
    for shown in (event, EventFactory(status="draft")):
        if shown.is_draft:
            client.force_login(shown.organizer)
        page = client.get(shown.get_absolute_url()).text
        assert '<meta name="robots" content="noindex">' in page
        assert "application/ld+json" not in page
        assert "og:" not in page and "twitter:" not in page


def test_an_event_that_started_still_validates(client, event):
    event.starts_at = timezone.now() - timedelta(hours=1)
    event.ends_at = timezone.now() + timedelta(hours=1)
    event.save()
    check_thing(json_ld(client.get(event.get_absolute_url()).text))
