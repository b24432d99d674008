"""The organizer's answers to requests, posted from the attendee list."""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import services
from ..models import Event
from ..text import row_id

# More than a page of the attendee list is never sent at once.
MAX_AT_ONCE = 500


def decide(request, event: Event) -> int:
    """Approve or decline the requests the POST names, with its message; tells the
    organizer what happened, and returns the status code for the response."""
    action = {"approve": services.approve, "decline": services.decline}.get(
        request.POST.get("decision", "")
    )
    if action is None:
        raise BadRequest("Unknown decision.")
    ids = [pk for pk in map(row_id, request.POST.getlist("registration")) if pk is not None]
    if not ids:
        messages.error(request, _("Choose at least one request first."))
        return 422
    try:
        decided = action(
            event=event, registrations=ids[:MAX_AT_ONCE], message=request.POST.get("message", "")
        )
    except services.ServiceError as exc:
        messages.error(request, exc.message)
        return exc.status
    for level, text in outcome(decided):
        messages.add_message(request, level, text)
    return 200


def outcome(decided: services.Decided) -> list[tuple[int, str]]:
    """What to tell the organizer, one message per outcome that happened."""
    said = []
    if count := len(decided.confirmed):
        text = ngettext(
            "%(count)s request approved: they have seats.",
            "%(count)s requests approved: they have seats.",
            count,
        )
        said.append((messages.SUCCESS, text % {"count": count}))
    if count := len(decided.waitlisted):
        text = ngettext(
            "%(count)s request approved onto the waitlist: not enough seats are free.",
            "%(count)s requests approved onto the waitlist: not enough seats are free.",
            count,
        )
        said.append((messages.SUCCESS, text % {"count": count}))
    if count := len(decided.declined):
        text = ngettext("%(count)s request declined.", "%(count)s requests declined.", count)
        said.append((messages.INFO, text % {"count": count}))
    if count := len(decided.no_room):
        text = ngettext(
            "%(count)s request can't be approved: not enough seats, and the waitlist is off.",
            "%(count)s requests can't be approved: not enough seats, and the waitlist is off.",
            count,
        )
        said.append((messages.ERROR, text % {"count": count}))
    return said or [(messages.INFO, _("Those requests were answered already."))]
