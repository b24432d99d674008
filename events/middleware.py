"""Poster uploads that would wait or be refused are turned away before any work."""

from django.contrib.auth import SESSION_KEY

from accounts import throttle
from refusals import refusal

from . import posters


class PosterGateMiddleware:
    """Refuse a poster upload when its account has uploaded many lately
    (accounts.throttle.POSTERS: 429) or when every poster slot of this machine is busy
    (503, try again in 2 s).

    It answers in process_view, listed after the CSRF check: that check has parsed the
    body, which is the only way to know a file is there, and the view has not yet
    loaded the event or rendered anything. A few clients posting images in a loop then
    cost the workers little more than reading what they send.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        multipart = request.content_type == "multipart/form-data"
        if request.method != "POST" or not multipart or "poster" not in request.FILES:
            return None
        # The account's id as the session holds it: loading the user as well would
        # double what a refusal costs. Anonymous uploads are sent to log in by the view.
        account = request.session.get(SESSION_KEY)
        if account is None:
            return None
        if seconds := throttle.blocked(throttle.POSTERS, request, account):
            return refusal(request, 429, "throttled", throttle.wait_message(seconds))
        if not posters.slot_free():
            response = refusal(request, 503, "busy", str(posters.BUSY))
            response["Retry-After"] = "2"
            return response
        throttle.count(throttle.POSTERS, request, account)
        return None
