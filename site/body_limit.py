"""Refuse a request body larger than any form needs, before anything reads it.

Django reads a body only when something asks for request.POST or request.body, but
the CSRF check asks on every POST, and file parts are spooled to temporary files
whatever their size. So this runs before the CSRF check and answers from the headers
alone: 413 when Content-Length is over the limit, and 411 for a body sent without one
(chunked), which Django would silently drop: it reads Content-Length bytes only.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from events.posters import MAX_BYTES
from refusals import refusal

# The largest request is the event form with a poster. The rest of the form is far
# smaller than the margin: a 20,000-character description is 80 KB at most.
MAX_BODY = MAX_BYTES + 1024 * 1024


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # As Django reads it: no body.
        if length > MAX_BODY:
            with in_request_language(request):
                too_large = _("This request is too large. A poster can be at most %(mb)s MB.")
                return refusal(request, 413, "too_large", too_large % {"mb": MAX_BYTES // 1024**2})
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not length:
            with in_request_language(request):
                no_length = _("Send the request body with a Content-Length header.")
                return refusal(request, 411, "length_required", no_length)
        return self.get_response(request)


def in_request_language(request):
    """The language LanguageMiddleware would choose, for a refusal made before it runs."""
    return translation.override(translation.get_language_from_request(request))
