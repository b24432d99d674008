"""Register by logging in: a visitor who presses Register logs in or signs up first,
and finishing that finishes the registration, with its toast.

The visitor's Register link carries a signed intent that names the event and expires.
It only travels: the login and sign-up pages name the event, and the registration
happens on the POST that signs the person in, or on confirming a new account's
address in the same browser (views.registration.finish_intent), never on a GET. The
token is the same for every visitor, so anonymous pages can still be shared.

Anyone can pass a link with a valid intent on, so it proves nothing about the person
who follows it. That is why it only ever asks: the login and sign-up pages say which
event logging in registers for, and a registration is one click to cancel.
"""

import time
from urllib.parse import urlencode

from django.core import signing
from django.urls import reverse

from .models import Event

SALT = "events.intents.register"
# Long enough to sign up and confirm the address; a stale link just opens the event.
# Counted from the minute's start (below), so a link lasts 119 to 120 minutes.
MAX_AGE = 2 * 60 * 60
# The query parameter and form field that carry it.
PARAM = "register"


class _MinuteSigner(signing.TimestampSigner):
    """Stamps the minute, not the second: a page that links twice, or renders twice
    in a minute, gives one link, so a shared or cached page never disagrees with itself."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) // 60 * 60)


def token(event: Event) -> str:
    return _MinuteSigner(salt=SALT).sign_object(event.pk)


def login_url(event: Event) -> str:
    """No `next`: logging in goes to the event the intent names (or its short form)."""
    return f"{reverse('accounts:login')}?{urlencode({PARAM: token(event)})}"


def event_for(value: str | None) -> Event | None:
    """The published event a valid, unexpired intent names, else None."""
    if not value:
        return None
    try:
        pk = signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # expired, forged or mangled
        return None
    if not isinstance(pk, int):
        return None
    return Event.objects.published().filter(pk=pk).first()
