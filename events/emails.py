"""Registration emails: plain text and HTML, with a calendar file where there is a seat.

Each kind of email is one row of KINDS, and one template pair under
templates/emails/registration/: the text and HTML bodies extend a shared base, which
holds the greeting, when and where, and the link to the event.
"""

from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from site_url import absolute

from .calendar import registration_ics
from .links import cant_make_it_url
from .models import ACTIVE, EmailDelivery, Registration
from .text import one_line

Kind = EmailDelivery.Kind


@dataclass(frozen=True, kw_only=True)
class EmailKind:
    """What one kind of registration email says and carries."""

    # Lazy, translated when sent; "{title}" is replaced with the event's title.
    subject: str
    template: str  # rendered as template.txt and template.html
    # A REQUEST adds or updates the calendar entry, a CANCEL removes it. None: no file,
    # as there is no seat to put in a calendar.
    calendar_method: Literal["REQUEST", "CANCEL"] | None
    # The online link is shared with those who have a seat, and only while they have it.
    shows_online_link: bool
    # The organizer's words with an approval or a decline.
    shows_organizer_message: bool = False

    @property
    def text_template(self) -> str:
        return f"{self.template}.txt"

    @property
    def html_template(self) -> str:
        return f"{self.template}.html"


# Every subject keeps "{title}" in each language: the event's title goes there.
KINDS = {
    Kind.CONFIRMED: EmailKind(
        subject=gettext_lazy("You're registered: {title}"),
        template="emails/registration/confirmed",
        calendar_method="REQUEST",
        shows_online_link=True,
    ),
    Kind.WAITLISTED: EmailKind(
        subject=gettext_lazy("You're on the waitlist: {title}"),
        template="emails/registration/waitlisted",
        calendar_method=None,
        shows_online_link=False,
        shows_organizer_message=True,
    ),
    Kind.REQUESTED: EmailKind(
        subject=gettext_lazy("Request received: {title}"),
        template="emails/registration/requested",
        calendar_method=None,
        shows_online_link=False,
    ),
    Kind.APPROVED: EmailKind(
        subject=gettext_lazy("You're in: {title}"),
        template="emails/registration/approved",
        calendar_method="REQUEST",
        shows_online_link=True,
        shows_organizer_message=True,
    ),
    Kind.DECLINED: EmailKind(
        subject=gettext_lazy("Your request wasn't accepted: {title}"),
        template="emails/registration/declined",
        calendar_method=None,
        shows_online_link=False,
        shows_organizer_message=True,
    ),
    Kind.PROMOTED: EmailKind(
        subject=gettext_lazy("A seat opened up, you're in: {title}"),
        template="emails/registration/promoted",
        calendar_method="REQUEST",
        shows_online_link=True,
    ),
    Kind.CANCELLED: EmailKind(
        subject=gettext_lazy("Registration cancelled: {title}"),
        template="emails/registration/cancelled",
        calendar_method="CANCEL",
        shows_online_link=False,
    ),
    Kind.CHANGED: EmailKind(
        subject=gettext_lazy("New time or place: {title}"),
        template="emails/registration/changed",
        calendar_method="REQUEST",
        shows_online_link=True,
    ),
    Kind.REMINDER: EmailKind(
        subject=gettext_lazy("Reminder: {title}"),
        template="emails/registration/reminder",
        calendar_method="REQUEST",
        shows_online_link=True,
    ),
    Kind.EVENT_CANCELLED: EmailKind(
        subject=gettext_lazy("Event cancelled: {title}"),
        template="emails/registration/event_cancelled",
        calendar_method="CANCEL",
        shows_online_link=False,
    ),
}


def subject(template: str, **values) -> str:
    """A header-safe subject: whatever the values hold, it stays on one line. `template`
    may be lazy: it is translated here, in the language active when the email is built."""
    return one_line(str(template).format(**values))


def _about(registration: Registration) -> dict:
    """What every email about a registration shows: the person, the event and its link,
    and how to give the registration up while that is still possible."""
    event = registration.event
    can_leave = registration.status in ACTIVE and not event.leaving_closed
    return {
        "registration": registration,
        "event": event,
        "user": registration.user,
        # Times show in the event's zone, and in the recipient's if their profile has one.
        "viewer_zone": registration.user.time_zone,
        "event_url": absolute(event.get_absolute_url()),
        "cant_make_it_url": cant_make_it_url(registration) if can_leave else "",
        "site_name": settings.SITE_NAME,
    }


def registration_message(registration: Registration, kind: str) -> EmailMultiAlternatives:
    email = KINDS[kind]
    event = registration.event
    show_link = email.shows_online_link and event.is_online
    context = _about(registration) | {
        # Templates read the link from here only, so it can't reach an email without a seat.
        "online_url": event.online_url if show_link else "",
        "organizer_message": registration.organizer_message
        if email.shows_organizer_message
        else "",
    }
    message = EmailMultiAlternatives(
        subject=subject(email.subject, title=event.title),
        body=render_to_string(email.text_template, context),
        to=[registration.user.email],
    )
    message.attach_alternative(render_to_string(email.html_template, context), "text/html")
    if method := email.calendar_method:
        message.attach(
            "event.ics",
            registration_ics(registration, method=method, online_link=show_link),
            f"text/calendar; method={method}",
        )
    return message


def organizer_message(delivery: EmailDelivery) -> EmailMultiAlternatives:
    """An organizer's message to one attendee, signed by whoever wrote it (the
    organizer, or staff), who gets the replies."""
    message, registration = delivery.message, delivery.registration
    context = _about(registration) | {"message": message, "author": message.author}
    email = EmailMultiAlternatives(
        subject=one_line(message.subject),
        body=render_to_string("emails/message.txt", context),
        to=[registration.user.email],
        reply_to=[message.author.email],
    )
    email.attach_alternative(render_to_string("emails/message.html", context), "text/html")
    return email
