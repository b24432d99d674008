"""Registration emails: plain text and HTML, with a calendar file where there is a seat."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .calendar import registration_ics
from .models import Registration
from .text import one_line

SUBJECTS = {
    "confirmed": "You're registered: {title}",
    "waitlisted": "You're on the waitlist: {title}",
    "promoted": "A seat opened up, you're in: {title}",
    "cancelled": "Registration cancelled: {title}",
    "changed": "New time or place: {title}",
    "event_cancelled": "Event cancelled: {title}",
}
# Which calendar method each email carries: a REQUEST adds or updates the entry, a
# CANCEL removes it. Waitlist emails carry none, as there is no seat to put in a calendar.
CALENDAR_METHODS = {
    "confirmed": "REQUEST",
    "promoted": "REQUEST",
    "changed": "REQUEST",
    "cancelled": "CANCEL",
    "event_cancelled": "CANCEL",
}


def subject(template: str, **values) -> str:
    """A header-safe subject: whatever the values hold, it stays on one line."""
    return one_line(template.format(**values))


def registration_message(registration: Registration, kind: str) -> EmailMultiAlternatives:
    event = registration.event
    context = {
        "kind": kind,
        "registration": registration,
        "event": event,
        "user": registration.user,
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "site_name": settings.SITE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=subject(SUBJECTS[kind], title=event.title),
        body=render_to_string("emails/registration.txt", context),
        to=[registration.user.email],
    )
    message.attach_alternative(render_to_string("emails/registration.html", context), "text/html")
    if method := CALENDAR_METHODS.get(kind):
        message.attach(
            "event.ics",
            registration_ics(registration, method=method),
            f"text/calendar; method={method}",
        )
    return message
