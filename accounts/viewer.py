"""Who is looking, as far as pages need to know: their time zone and their language.

Time zone: their profile's, else their browser's, else none known. static/js/app.js
keeps the browser's zone in the `tz` cookie, so from the second page on the server
knows it without asking. It is activated for the request, so the catalogue's "today"
and the dates people type in its filters are the viewer's. Event times are written
in the event's own zone wherever they show (events/times.py); this is the second clock.

Language: LanguageMiddleware (Django's LocaleMiddleware, trimmed) picks the switcher's
cookie, else Accept-Language; a signed-in person's profile choice wins over both, so
every device and every email speaks it.
"""

from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from events.zones import is_known

COOKIE = "tz"


def browser_zone(request) -> ZoneInfo | None:
    # Percent-encoded (Europe%2FOslo) when something other than app.js set it.
    name = unquote(request.COOKIES.get(COOKIE, ""))
    return ZoneInfo(name) if is_known(name) else None


def signed_in_user(request):
    """The signed-in user, else None. A request without a session cookie is
    anonymous: it is answered without asking the session store."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    user = request.user
    return user if user.is_authenticated else None


def viewer_zone(request) -> ZoneInfo | None:
    user = signed_in_user(request)
    if user and user.time_zone:
        return user.time_zone
    return browser_zone(request)


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (the switcher's cookie, else Accept-Language) without
    its work for /de/-prefixed URLs, which EMS doesn't have: looking for a language
    in the path, twice, was half of what choosing a language cost a cached page."""

    def process_request(self, request):
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


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
        user = signed_in_user(request)
        if user and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
