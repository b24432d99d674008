"""Who is looking, as far as pages need to know: their time zone and their language.

Time zone: their profile's, else their browser's, else none known. static/js/app.js
keeps the browser's zone in the `tz` cookie, so from the second page on the server
knows it without asking. It is activated for the request, so the catalogue's "today"
and the dates people type in its filters are the viewer's. Event times are written
in the event's own zone wherever they show (events/times.py); this is the second clock.

Language: LocaleMiddleware picks the switcher's cookie, else Accept-Language; a
signed-in person's profile choice wins over both, so every device and every email
speaks it.
"""

from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from events.zones import is_known

COOKIE = "tz"


def browser_zone(request) -> ZoneInfo | None:
    # Percent-encoded (Europe%2FOslo) when something other than app.js set it.
    name = unquote(request.COOKIES.get(COOKIE, ""))
    return ZoneInfo(name) if is_known(name) else None


def viewer_zone(request) -> ZoneInfo | None:
    user = request.user
    if user.is_authenticated and user.time_zone:
        return user.time_zone
    return browser_zone(request)


class ViewerMiddleware:
    """Sets request.viewer_zone and activates it (or the site's zone when none is known),
    and the signed-in person's language.

    It works in process_view, listed last, so a request another middleware refuses
    first (a throttled upload) never loads the user for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer_zone = None
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view, args, kwargs):
        request.viewer_zone = viewer_zone(request)
        if request.viewer_zone is not None:
            timezone.activate(request.viewer_zone)
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
