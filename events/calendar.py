"""iCalendar (.ics) files, made with the icalendar library: the file with each
registration email, an event's public file, and each person's private feed."""

from datetime import UTC, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from icalendar.prop import vDuration

from site_url import absolute, host

from .models import ACTIVE, Event, Registration

ZONE_RULES_SPAN = timedelta(days=366)
# How often calendar apps should fetch a feed (RFC 7986 REFRESH-INTERVAL).
FEED_REFRESH = timedelta(hours=1)


def registration_uid(registration: Registration) -> str:
    """Stable per registration, so calendar apps update the same entry."""
    return f"registration-{registration.pk}@{host()}"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Events//EN")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _entry(event: Event, *, uid: str, status: str, online_link: bool, sequence=None, summary=""):
    """One VEVENT. Without `online_link`, an online event's location is just "Online":
    the link is for those who have a seat."""
    url = absolute(event.get_absolute_url())
    entry = CalendarEvent()
    entry.add("uid", uid)
    if sequence is not None:
        entry.add("sequence", sequence)
    entry.add("dtstamp", timezone.now())
    # DTSTART;TZID=Europe/Oslo:20270306T190000, with the zone's VTIMEZONE, so a calendar
    # shows the event on its own clock and moves it right across clock changes.
    entry.add("dtstart", event.starts_at.astimezone(event.time_zone))
    entry.add("dtend", event.ends_at.astimezone(event.time_zone))
    entry.add("summary", summary or event.title)
    entry.add("description", f"{event.description}\n\n{url}")
    entry.add("location", event.online_url if event.is_online and online_link else event.location)
    entry.add("url", url)
    entry.add("status", status)
    return entry


def _with_zones(calendar: Calendar, events) -> bytes:
    # The zones' rules for a year either side are enough for any calendar app, and keep
    # the file small (the default spans decades of past changes).
    if events:
        calendar.add_missing_timezones(
            first_date=min(e.starts_at for e in events).date() - ZONE_RULES_SPAN,
            last_date=max(e.ends_at for e in events).date() + ZONE_RULES_SPAN,
        )
    return calendar.to_ical()


def registration_ics(
    registration: Registration, *, method: str = "REQUEST", online_link: bool = True
) -> bytes:
    """The file with an email (REQUEST adds or updates, CANCEL removes) or downloaded
    from the event page (PUBLISH), all with the same UID: the same calendar entry."""
    event = registration.event
    calendar = _calendar(method)
    status = "CANCELLED" if method == "CANCEL" else "CONFIRMED"
    calendar.add_component(
        _entry(
            event,
            uid=registration_uid(registration),
            status=status,
            online_link=online_link,
            sequence=registration.sequence,
        )
    )
    return _with_zones(calendar, [event])


def event_ics(event: Event) -> bytes:
    """Anyone's "add to calendar" file for an event, without the online link."""
    calendar = _calendar("PUBLISH")
    status = "CANCELLED" if event.is_cancelled else "CONFIRMED"
    calendar.add_component(
        _entry(event, uid=f"event-{event.pk}@{host()}", status=status, online_link=False)
    )
    return _with_zones(calendar, [event])


def feed_ics(user, registrations: list[Registration]) -> bytes:
    """A person's feed: confirmed seats, waitlist places and requests (tentative), and
    what was cancelled lately, marked so. One entry per event, with a UID of its own, so
    registering again after cancelling updates the entry instead of adding one."""
    calendar = _calendar()
    name = _("%(site)s: your events") % {"site": settings.SITE_NAME}
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    events = []
    for registration in registrations:
        event = registration.event
        status, summary = _feed_status(registration)
        # No SEQUENCE: the entry can stand for a newer registration than before, whose
        # own count starts again; a feed replaces its entries whole on each refresh,
        # and LAST-MODIFIED says which version is newer.
        entry = _entry(
            event,
            uid=f"event-{event.pk}-{user.pk}@{host()}",
            status=status,
            online_link=registration.is_confirmed and not event.is_cancelled,
            summary=summary,
        )
        entry.add("last-modified", max(registration.updated_at, event.updated_at))
        calendar.add_component(entry)
        events.append(event)
    return _with_zones(calendar, events)


def _feed_status(registration: Registration) -> tuple[str, str]:
    title = registration.event.title
    if registration.status == Registration.Status.DECLINED:
        return "CANCELLED", _("Declined: %(title)s") % {"title": title}
    if registration.event.is_cancelled or registration.status not in ACTIVE:
        return "CANCELLED", _("Cancelled: %(title)s") % {"title": title}
    if registration.is_waitlisted:
        return "TENTATIVE", _("Waitlist: %(title)s") % {"title": title}
    if registration.is_pending:
        return "TENTATIVE", _("Requested: %(title)s") % {"title": title}
    return "CONFIRMED", title


def web_calendar_links(event: Event) -> dict[str, str]:
    """ "Add to calendar" links for Google Calendar and Outlook.com, which open their
    new-event form filled in. No online link: these go to anyone."""
    utc = "%Y%m%dT%H%M%SZ"
    start, end = event.starts_at.astimezone(UTC), event.ends_at.astimezone(UTC)
    details = absolute(event.get_absolute_url())
    google = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{start:{utc}}/{end:{utc}}",
        "details": details,
        "location": event.location,
        "ctz": str(event.time_zone),
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": start.isoformat().replace("+00:00", "Z"),
        "enddt": end.isoformat().replace("+00:00", "Z"),
        "body": details,
        "location": event.location,
    }
    return {
        "google": f"https://calendar.google.com/calendar/render?{urlencode(google)}",
        "outlook": f"https://outlook.live.com/calendar/0/action/compose?{urlencode(outlook)}",
    }
