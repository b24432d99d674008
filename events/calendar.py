"""iCalendar (.ics) files for registrations, made with the icalendar library."""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Registration


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
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", event.title)
    entry.add("description", f"{event.description}\n\n{url}")
    entry.add("location", event.online_url if event.is_online and online_link else event.location)
    entry.add("url", url)
    entry.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    calendar.add_component(entry)
    return calendar.to_ical()
