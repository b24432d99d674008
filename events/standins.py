"""Signed-in pages from one copy that every signed-in visitor shares.

Most of a signed-in page is what everyone sees: the cards, the filters, the event's
text. So it is rendered once, for a stand-in person, and cached like an anonymous page
(see page_cache), with marks where each visitor's own parts go:

- values: their name and initial, their CSRF token and the CSP nonce;
- regions, each between {% standin %} and {% endstandin %} (templatetags/standins.py):
  the email confirmation banner, a card's register button, the event page's
  registration panel. A region holds what the stand-in sees there: no banner, and no
  registration.

Serving the copy puts in the values and replaces only the regions that differ for this
visitor, such as the card of an event they registered for. Those are rendered with
value marks too, so each process keeps them (the "regions" cache) for whoever is in
the same place: another visitor confirmed at the same event gets the same panel.

The marks carry a token drawn when the copy is rendered and never sent, so no text on
the page (an event's title, say) can pass for one.
"""

import hashlib
import re
import secrets
from collections.abc import Callable

from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.html import escape

from .page_cache import TTL

TOKEN_LENGTH = 16


class StandIn:
    """The person a shared signed-in page is rendered for: signed in, with marks for a
    name, and nothing else."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_verified = True
    pk = None
    email = ""

    def __init__(self, marks: "Marks"):
        self.display_name = marks.value("name")
        self.initial = marks.value("initial")


class Marks:
    def __init__(self, token: str | None = None):
        self.token = token or secrets.token_hex(TOKEN_LENGTH // 2)

    def region(self, name: str, arg="") -> str:
        """The start of a region; region("end") ends it."""
        return f"@@{self.token}:{name}:{arg}@@"

    def value(self, name: str) -> str:
        return f"@@{self.token}={name}@@"

    def context(self) -> dict:
        """What a shared signed-in page is rendered with, on top of the view's context."""
        return {"standins": self} | self.values()

    def values(self) -> dict:
        return {
            "user": StandIn(self),
            "csrf_token": self.value("csrf"),
            "csp_nonce": self.value("nonce"),
        }

    def stored(self, html: str) -> str:
        """The copy as cached: its token first, so serving it can find the marks."""
        return f"{self.token}{html}"


# A region filler: given the region's name and argument, this visitor's markup, or
# None to keep what the stand-in sees.
Own = Callable[[str, str], str | None]


def _split(copy: str) -> tuple[str, str]:
    """A cached copy's token and its page (see Marks.stored)."""
    return copy[:TOKEN_LENGTH], copy[TOKEN_LENGTH:]


def regions(copy: str, name: str) -> list[str]:
    """The arguments of the copy's regions called `name`, in page order."""
    token, html = _split(copy)
    return re.findall(rf"@@{token}:{re.escape(name)}:([^@]*)@@", html)


def serve(request, copy: str, own: Own) -> HttpResponse:
    token, html = _split(copy)

    def region(match) -> str:
        name, arg, default = match.groups()
        return _confirm(request, name) or own(name, arg) or default

    html = re.sub(
        rf"@@{token}:([a-z-]+):([^@]*)@@(.*?)@@{token}:end:@@", region, html, flags=re.DOTALL
    )
    return HttpResponse(fill(request, html, token))


def fill(request, html: str, token: str) -> str:
    """`html` with the visitor's own values in place of its value marks."""
    user = request.user
    nonce = get_nonce(request)
    values = {
        "name": escape(user.display_name),
        "initial": escape(user.initial),
        "csrf": get_token(request),
        "nonce": str(nonce) if nonce is not None else "",
    }
    return re.sub(rf"@@{token}=([a-z]+)@@", lambda match: values[match[1]], html)


def lasting_marks() -> "Marks":
    """Marks for fragments kept beyond one copy (see MyRegistrationsView): their token
    is derived from the secret key, so every process finds the marks in what another
    one cached. Never sent either: fill() replaces them all."""
    digest = salted_hmac("events.standins", "lasting", algorithm="sha256").hexdigest()
    return Marks(digest[:TOKEN_LENGTH])


def _confirm(request, name: str) -> str | None:
    """The banner asking someone who hasn't confirmed their email address to do so."""
    if name != "confirm" or request.user.is_verified:
        return None
    context = {"user": request.user, "request": request, "csrf_token": get_token(request)}
    return render_to_string("base.html#confirm", context)


def region(request, copy: str, key: str, template: str, **context) -> str:
    """A region of `copy` as `template` renders it with `context`, which `key` names
    (everything in it but the request's path, which the copy's key names). Rendered
    with the copy's value marks, and kept by this process as long as a copy lives."""
    token, _ = _split(copy)
    key = f"{token}:{hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()}"
    kept = caches["regions"]
    html = kept.get(key)
    if html is None:
        context |= Marks(token).values() | {"request": request}
        html = render_to_string(template, context)
        kept.set(key, html, TTL)
    return html
