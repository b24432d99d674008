"""Vary: HX-Request and HX-History-Restore-Request, on every response.

Any URL may answer htmx with a fragment and a plain request with the whole page
(views' partials, HtmxMessagesMiddleware's toasts), so every response names the two
headers that choose between them: no cache, the browser's included, may hand one to
the other. It is done here, once, rather than by each view.
"""

from django.utils.cache import patch_vary_headers

HEADERS = ("HX-Request", "HX-History-Restore-Request")


class HtmxVaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, HEADERS)
        return response
