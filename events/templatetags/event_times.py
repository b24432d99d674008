"""Event times in templates, from events/times.py. Builtins (see settings.TEMPLATES)."""

from django import template
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .. import calendar, times, zones

register = template.Library()


@register.inclusion_tag("events/when.html", takes_context=True)
def when(context, event, whole=True):
    """An event's time in its own zone, and in the viewer's when that differs. `whole`
    False shows the start only, as cards do."""
    return {"when": event_when(context, event, whole)}


@register.simple_tag(takes_context=True)
def event_when(context, event, whole=True) -> times.When:
    """The same for text, as {% event_when event as when %}: emails, which have no
    browser to ask, take the recipient's zone as `viewer_zone`."""
    return times.when(event, context.get("viewer_zone"), whole=whole)


@register.filter
def machine_time(at) -> str:
    """An instant for <time datetime>: to the second, as HTML's date-time allows."""
    return at.isoformat(timespec="seconds") if at else ""


@register.filter
def event_stamp(at, event) -> str:
    """Any instant about an event (registered, checked in) on the event's clock:
    "Fri 6 Mar, 19:03 CET"."""
    return times.stamp(at, event.time_zone) if at else ""


@register.filter
def event_clock(at, event) -> str:
    """The same, time of day only: "19:03 CET"."""
    return times.clock_and_abbreviation(at, event.time_zone) if at else ""


@register.filter
def zone_city(zone) -> str:
    """Europe/Oslo as "Oslo"."""
    return zones.city(zone)


@register.filter
def reminder_times(event) -> str:
    """ "1 day before and 2 hours before", or "" when the event sends no reminders."""
    return get_text_list([times.before_start(hours) for hours in event.reminder_hours], _("and"))


@register.simple_tag
def calendar_links(event) -> dict[str, str]:
    return calendar.web_calendar_links(event)
