"""iCalendar (.ics) files for registrations, made with the icalendar library."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Registration

ZONE_RULES_SPAN = timedelta(days=366)


def registration_uid(registration: Registration) -> str:
    """Stable per registration, so calendar apps update the same entry."""
    return f"registration-{registration.pk}@{urlsplit(settings.SITE_URL).hostname}"


def registration_ics(
    registration: Registration, *, method: str = "REQUEST", online_link: bool = True
) -> bytes:
    """The calendar file. Without `online_link`, an online event's location is just
    "Online": the link is for those who have a seat."""
    event = registration.event
    url = settings.SITE_URL + event.get_absolute_url()
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    entry = CalendarEvent()
    entry.add("uid", registration_uid(registration))
    entry.add("sequence", registration.sequence)
    entry.add("dtstamp", timezone.now())
    # DTSTART;TZID=Europe/Oslo:20270306T190000, with the zone's VTIMEZONE below, so a
    # calendar shows the event on its own clock and moves it right across clock changes.
    entry.add("dtstart", event.starts_at.astimezone(event.time_zone))
    entry.add("dtend", event.ends_at.astimezone(event.time_zone))
    entry.add("summary", event.title)
    entry.add("description", f"{event.description}\n\n{url}")
    entry.add("location", event.online_url if event.is_online and online_link else event.location)
    entry.add("url", url)
    entry.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    calendar.add_component(entry)
    # The zone's rules for a year either side are enough for any calendar app, and keep
    # the file small (the default spans decades of past changes).
    calendar.add_missing_timezones(
        first_date=event.starts_at.date() - ZONE_RULES_SPAN,
        last_date=event.ends_at.date() + ZONE_RULES_SPAN,
    )
    return calendar.to_ical()
