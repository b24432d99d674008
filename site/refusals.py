"""A refusal in the form each client reads: JSON for the API, a page otherwise, and
for htmx a toast as well, since htmx swaps nothing on an error status (see the
responseHandling in base.html)."""

from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django_htmx.http import trigger_client_event

from events.api import ApiError, error_response


def refusal(request, status: int, code: str, text: str, page: str = "") -> HttpResponse:
    """`page` is the HTML for browsers; by default a short one that says `text`."""
    if request.path.startswith("/api/"):
        return error_response(ApiError(status, code, text))
    page = page or (
        f'<!doctype html>\n<html lang="en"><title>{escape(text)}</title>'
        f"<p>{escape(text)} {escape(_('Go back and try again.'))}</p></html>\n"
    )
    response = HttpResponse(page, status=status)
    if request.headers.get("HX-Request") == "true":
        trigger_client_event(response, "messages", {"items": [{"text": text, "level": "error"}]})
    return response
