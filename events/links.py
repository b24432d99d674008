"""Signed links in emails that act on one registration without signing in.

A link names its registration, signed so it can't be forged or pointed at another
one. It acts only after a confirming POST, so a mail scanner that follows it changes
nothing, and only until the event starts: services.cancel_registration checks that
under the event's lock, as for any cancellation.
"""

from django.core import signing
from django.urls import reverse

from site_url import absolute

from .models import Registration

CANT_MAKE_IT = "events.links.cant-make-it"


class BadLink(Exception):
    """Forged, mangled, or for a registration that no longer exists."""


def cant_make_it_url(registration: Registration) -> str:
    token = signing.dumps(registration.pk, salt=CANT_MAKE_IT)
    return absolute(reverse("events:cant-make-it", kwargs={"token": token}))


def registration_for(token: str) -> Registration:
    try:
        pk = signing.loads(token, salt=CANT_MAKE_IT)
    except signing.BadSignature as exc:
        raise BadLink from exc
    registration = (
        Registration.objects.select_related("event", "user").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if registration is None:
        raise BadLink
    return registration
