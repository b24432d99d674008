"""Signed-in pages from one copy that every signed-in visitor shares.

Most of a signed-in page is what everyone sees: the cards, the filters, the event's
text. So it is rendered once, for a stand-in person with no name, no email and no
registrations, and cached like an anonymous page (see page_cache), with marks where
each visitor's own parts go:

- values: their CSRF token and the CSP nonce;
- regions, each between {% standin %} and {% endstandin %} (templatetags/standins.py):
  the account menu, the email confirmation banner, a card's register button, the
  event page's registration panel. A region holds what the stand-in sees there.

Serving the copy puts in the values and renders only the regions that are different
for this visitor, such as the card of an event they registered for. The marks carry
a token drawn when the copy is rendered and never sent, so no text on the page (an
event's title, say) can pass for one.
"""

import re
import secrets
from collections.abc import Callable

from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string


class StandIn:
    """The person a shared signed-in page is rendered for: signed in, and nothing else."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_verified = True
    pk = None
    display_name = ""
    email = ""


class Marks:
    def __init__(self):
        self.token = secrets.token_hex(8)

    def region(self, name: str, arg="") -> str:
        """The start of a region; region("end") ends it."""
        return f"@@{self.token}:{name}:{arg}@@"

    def value(self, name: str) -> str:
        return f"@@{self.token}={name}@@"

    def context(self) -> dict:
        """What a shared signed-in page is rendered with, on top of the view's context."""
        return {
            "standins": self,
            "user": StandIn(),
            "csrf_token": self.value("csrf"),
            "csp_nonce": self.value("nonce"),
        }

    def stored(self, html: str) -> str:
        """The copy as cached: its token first, so serving it can find the marks."""
        return f"{self.token}{html}"


# A region filler: given the region's name and argument, this visitor's markup, or
# None to keep what the stand-in sees.
Own = Callable[[str, str], str | None]


def regions(stored: str, name: str) -> list[str]:
    """The arguments of the copy's regions called `name`, in page order."""
    token, html = stored[:16], stored[16:]
    return re.findall(rf"@@{token}:{re.escape(name)}:([^@]*)@@", html)


def serve(request, stored: str, own: Own) -> HttpResponse:
    token, html = stored[:16], stored[16:]
    csrf = _token(request)

    def region(match) -> str:
        name, arg, default = match.groups()
        return _account(request, name) or own(name, arg) or default

    html = re.sub(
        rf"@@{token}:([a-z-]+):([^@]*)@@(.*?)@@{token}:end:@@", region, html, flags=re.DOTALL
    )
    html = html.replace(f"@@{token}=csrf@@", csrf)
    nonce = get_nonce(request)
    html = html.replace(f"@@{token}=nonce@@", str(nonce) if nonce is not None else "")
    return HttpResponse(html)


def _account(request, name: str) -> str | None:
    """The regions every page has: the account menu, and the banner asking someone who
    hasn't confirmed their email address to do so."""
    if name == "confirm":
        return None if request.user.is_verified else render(request, "base.html#confirm")
    if name == "account":
        return render(request, "base.html#account")
    return None


def render(request, template: str, **context) -> str:
    """A region for this visitor. A plain context, without the context processors: a
    region reads only what it is given."""
    context |= {"user": request.user, "request": request, "csrf_token": _token(request)}
    return render_to_string(template, context)


def _token(request) -> str:
    """The visitor's CSRF token, masked once for the whole page: each masking draws 64
    random characters, which adds up over a page of regions."""
    if not hasattr(request, "_standins_csrf"):
        request._standins_csrf = get_token(request)
    return request._standins_csrf
