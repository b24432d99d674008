"""Deliver django.contrib.messages to htmx requests as an HX-Trigger event.

A full page renders its messages in base.html. An htmx swap does not re-render
base.html, so pending messages travel in the `messages` event instead, which
static/js/app.js turns into toasts.
"""

from django.contrib.messages import get_messages
from django_htmx.http import trigger_client_event


class HtmxMessagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if not htmx or htmx.boosted or self._navigates(response):
            return response
        items = [
            {"text": str(message), "level": message.level_tag} for message in get_messages(request)
        ]
        if items:
            trigger_client_event(response, "messages", {"items": items})
        return response

    @staticmethod
    def _navigates(response) -> bool:
        # The next page load shows the messages, so leave them in storage.
        return 300 <= response.status_code < 400 or any(
            header in response for header in ("HX-Redirect", "HX-Location", "HX-Refresh")
        )
