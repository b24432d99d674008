"""For the organizer's pages: {% load organize %}."""

from django import template

from ..selectors import Attendance

register = template.Library()


@register.filter
def attendance(event, counts=None) -> Attendance:
    """How the event went, from its with_attendance() annotations or `counts`."""
    return Attendance.of(event, counts or None)
