"""What search engines and link previews read about a public event: schema.org Event
JSON-LD (https://schema.org/Event) and the Open Graph and Twitter card tags' values."""

import json

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from site_url import absolute

from . import times
from .models import Event

SCHEMA = "https://schema.org/"
# The characters that could end the <script> or start markup, as JSON escapes.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def summary(event: Event) -> str:
    return Truncator(" ".join(event.description.split())).chars(200)


def _status(event: Event) -> dict:
    if event.is_cancelled:
        return {"eventStatus": SCHEMA + "EventCancelled"}
    if event.rescheduled_from:
        return {
            "eventStatus": SCHEMA + "EventRescheduled",
            "previousStartDate": times.on_event_clock(event.rescheduled_from, event),
        }
    return {"eventStatus": SCHEMA + "EventScheduled"}


def _location(event: Event) -> dict:
    if event.is_online:
        # The event page, never the online link itself: that is for people with a seat.
        return {"@type": "VirtualLocation", "url": absolute(event.get_absolute_url())}
    return {
        "@type": "Place",
        "name": event.venue,
        "address": {"@type": "PostalAddress", "addressLocality": event.city},
    }


def event_json_ld(event: Event) -> dict:
    mode = "OnlineEventAttendanceMode" if event.is_online else "OfflineEventAttendanceMode"
    organizer = event.organizer
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": summary(event),
        "url": absolute(event.get_absolute_url()),
        "startDate": times.on_event_clock(event.starts_at, event),
        "endDate": times.on_event_clock(event.ends_at, event),
        **_status(event),
        "eventAttendanceMode": SCHEMA + mode,
        "location": _location(event),
        "organizer": {
            "@type": "Person",
            "name": organizer.display_name,
            "url": absolute(f"{reverse('events:list')}?organizer={organizer.pk}&past=on"),
        },
        "isAccessibleForFree": True,
        "maximumAttendeeCapacity": event.capacity,
    }
    if not event.is_cancelled:
        data["remainingAttendeeCapacity"] = event.seats_left
    if event.poster:
        data["image"] = [absolute(event.poster.url)]
    return data


def json_ld_script(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    # Safe: with <, > and & escaped, no value can end the script or start markup.
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
