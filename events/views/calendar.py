"""Calendar files: an event's, and each person's private feed behind a secret URL."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views import View

from .. import calendar, selectors, services
from ..models import Event


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class EventCalendarView(View):
    """/events/<slug>/calendar.ics: the event for anyone who can open it; for someone
    with a seat, their own entry (with the online link), which their emails update."""

    def get(self, request, slug):
        event = get_object_or_404(Event.objects.visible_to(request.user), slug=slug)
        if event.starts_at is None or event.ends_at is None:
            raise Http404("This draft has no date yet.")
        place = selectors.place(request.user, event)
        if place and place.is_confirmed:
            seat = place.registration
            seat.event = event
            content = calendar.registration_ics(seat, method="PUBLISH")
        else:
            content = calendar.event_ics(event)
        response = ics_response(content, f"{event.slug}.ics")
        patch_cache_control(response, private=True, no_cache=True)
        return response


class CalendarFeedView(View):
    """/calendar/<token>.ics: a person's events, for calendar apps, which fetch it
    without a session and often: three queries at most whatever the number of events
    (see selectors.feed), and nothing to send when the app has this version already."""

    def get(self, request, token):
        user = get_user_model().objects.filter(calendar_token=token, is_active=True).first()
        if user is None:
            raise Http404("No such calendar.")
        feed = selectors.feed(user)
        response = get_conditional_response(request, etag=feed.etag)
        if response is None:
            response = HttpResponse(feed.content(), content_type="text/calendar; charset=utf-8")
        response["ETag"] = feed.etag
        patch_cache_control(response, private=True, no_cache=True)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex"
        return response


class CalendarFeedSettingsView(LoginRequiredMixin, View):
    """POST /me/calendar/: turn the feed on, give it a new address (the old one stops
    working), or turn it off. htmx swaps the feed's box; otherwise back to My events."""

    http_method_names = ["post"]

    def post(self, request):
        action = request.POST.get("action", "")
        if action == "on":
            services.start_calendar_feed(user=request.user)
        elif action == "reset":
            services.reset_calendar_feed(user=request.user)
            messages.success(
                request,
                _(
                    "Your calendar feed has a new address. Calendar apps with the old "
                    "one stop updating."
                ),
            )
        elif action == "off":
            services.stop_calendar_feed(user=request.user)
            messages.success(request, _("Your calendar feed is off."))
        else:
            return HttpResponse(_("Unknown action."), status=400)
        if request.htmx:
            context = {"feed": selectors.calendar_feed(request.user)}
            return TemplateResponse(request, "events/registration_list.html#calendar-feed", context)
        return redirect(reverse("my-registrations") + "#calendar-feed")
