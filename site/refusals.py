"""A refusal in the form each client reads: JSON for the API, a page otherwise, and
for htmx a toast as well, since htmx swaps nothing on an error status (see the
responseHandling in base.html)."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django_htmx.http import trigger_client_event

from events.api import ApiError, error_response


def refusal(request, status: int, code: str, text: str, page: str = "") -> HttpResponse:
    """`page` is the HTML for browsers; by default refused.html, which says `text`."""
    if request.path.startswith("/api/"):
        return error_response(ApiError(status, code, text))
    if not page:
        context = {"status": status, "message": text, "back": request.path}
        page = render_to_string("refused.html", context | {"SITE_NAME": settings.SITE_NAME})
    response = HttpResponse(page, status=status)
    if request.headers.get("HX-Request") == "true":
        trigger_client_event(response, "messages", {"items": [{"text": text, "level": "error"}]})
    return response
