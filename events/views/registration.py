from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView
from django_htmx.http import HttpResponseClientRedirect

from .. import selectors, services
from ..models import Event, Registration
from .mixins import HtmxPartialMixin, PrivateMixin, back_to

CONFIRMED = gettext_lazy("You're registered. See you there!")
WAITLISTED = gettext_lazy(
    "The event is full, so you're on the waitlist. We'll email you if a seat opens up."
)
# The fragment each page's register and cancel forms ask for (their `fragment` field):
# the detail page's panel, a list card, a row of My events.
FRAGMENTS = {
    "panel": "events/event_detail.html#registration-update",
    "card": "events/event_list.html#card-update",
    "row": "events/registration_list.html#row-update",
}


class RegistrationActionView(View):
    """POST register or cancel. htmx gets the fragment the form names, with out-of-band
    seat counters; without JavaScript the same form redirects back with a message."""

    http_method_names = ["post"]

    def post(self, request, slug):
        event = get_object_or_404(Event.objects.visible_to(request.user), slug=slug)
        if not request.user.is_authenticated:
            login = f"{reverse('accounts:login')}?{urlencode({'next': event.get_absolute_url()})}"
            return (
                HttpResponseClientRedirect(login) if request.htmx else HttpResponseRedirect(login)
            )
        fragment = FRAGMENTS.get(request.POST.get("fragment", ""))
        if request.htmx and fragment is None:
            raise BadRequest("Unknown fragment.")  # before anything is done
        status = 200
        try:
            event, place = self.perform(event)
        except (services.AlreadyRegistered, services.NotRegistered):
            # A double click: show the outcome of the first, as it is now.
            event, place = self.as_it_is(event)
        except services.RegistrationError as exc:
            messages.error(request, exc.message)
            status = exc.status
            event, place = self.as_it_is(event)
        if not request.htmx:
            return back_to(request, event.get_absolute_url())
        return TemplateResponse(request, fragment, {"event": event, "place": place}, status=status)

    def as_it_is(self, event: Event) -> tuple[Event, selectors.Place | None]:
        event.refresh_from_db()
        return event, selectors.place(self.request.user, event)

    def perform(self, event: Event) -> tuple[Event, selectors.Place | None]:
        """Do it; the event as committed and the user's place now. Raises ServiceError."""
        raise NotImplementedError


class RegisterView(RegistrationActionView):
    def perform(self, event):
        place = services.register(user=self.request.user, event=event)
        messages.success(self.request, CONFIRMED if place.is_confirmed else WAITLISTED)
        return place.registration.event, place


class CancelRegistrationView(RegistrationActionView):
    def perform(self, event):
        cancelled = services.cancel_registration(user=self.request.user, event=event)
        messages.info(self.request, _("Your registration is cancelled."))
        return cancelled.event, None


class MyRegistrationsView(LoginRequiredMixin, PrivateMixin, HtmxPartialMixin, ListView):
    """/me/registrations/: upcoming seats, waitlist places with their position, and past events."""

    template_name = "events/registration_list.html"
    context_object_name = "registrations"

    def get_queryset(self):
        return (
            Registration.objects.active()
            .filter(user=self.request.user)
            .with_waitlist_position()
            .select_related("event", "event__category")
            .order_by("event__starts_at", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registrations = context["registrations"]
        context["upcoming"] = [r for r in registrations if r.is_confirmed and not r.event.is_past]
        context["waitlist"] = [r for r in registrations if r.is_waitlisted and not r.event.is_past]
        context["past"] = [r for r in reversed(registrations) if r.event.is_past]
        return context
