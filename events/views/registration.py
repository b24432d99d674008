from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views import View
from django.views.generic import ListView
from django_htmx.http import HttpResponseClientRedirect

from .. import services
from ..models import Event, Registration
from .mixins import HtmxPartialMixin, PrivateMixin, back_to

CONFIRMED = "You're registered. See you there!"
WAITLISTED = "The event is full, so you're on the waitlist. We'll email you if a seat opens up."


def registrations_by_event(user, events) -> dict[int, Registration]:
    """The user's active registrations for these events, with their waitlist `position`.
    One plain query; a second only when some are waitlisted, because the position
    subquery costs more to build than the rest of the page's queries together."""
    if not user.is_authenticated or not events:
        return {}
    registrations = list(Registration.objects.active().filter(user=user, event__in=events))
    waiting = [registration.pk for registration in registrations if registration.is_waitlisted]
    positions = {}
    if waiting:
        queued = Registration.objects.filter(pk__in=waiting).with_waitlist_position()
        positions = dict(queued.values_list("pk", "position"))
    for registration in registrations:
        registration.position = positions.get(registration.pk)
    return {registration.event_id: registration for registration in registrations}


def active_registration(user, event: Event) -> Registration | None:
    """The user's confirmed or waitlisted registration for one event, with its position."""
    return registrations_by_event(user, [event]).get(event.pk)


class RegistrationActionView(View):
    """POST register or cancel. htmx gets the fresh panel plus out-of-band seat counters;
    without JavaScript the same form redirects back to the event with a message."""

    action: str = ""
    http_method_names = ["post"]

    def post(self, request, slug):
        event = get_object_or_404(Event.objects.visible_to(request.user), slug=slug)
        if not request.user.is_authenticated:
            login = f"{reverse('accounts:login')}?{urlencode({'next': event.get_absolute_url()})}"
            return (
                HttpResponseClientRedirect(login) if request.htmx else HttpResponseRedirect(login)
            )
        status, outcome = self.perform(event)
        if not request.htmx:
            return back_to(request, event.get_absolute_url())
        if outcome is None:
            # Refused, or a double click: show the event and the user's place as they are now.
            event.refresh_from_db()
            registration = active_registration(request.user, event)
        else:
            event = outcome.event
            registration = outcome if outcome.is_active else None
        event.my_registration = registration
        context = {"event": event, "registration": registration}
        response = TemplateResponse(request, self.partial_for_target(), context, status=status)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def partial_for_target(self) -> str:
        # The same action runs from the detail page's panel and from list cards;
        # each gets back its own fragment. Only these declared partials are used.
        target = self.request.htmx.target or ""
        if target.startswith("card-action-"):
            return "events/event_list.html#card-update"
        if target.startswith("my-registration-"):
            return "events/registration_list.html#row-update"
        return "events/event_detail.html#registration-update"

    def perform(self, event: Event) -> tuple[int, Registration | None]:
        """The response status and the registration the action produced, if it did."""
        user = self.request.user
        try:
            if self.action == "register":
                registration = services.register(user=user, event=event)
                messages.success(
                    self.request, CONFIRMED if registration.is_confirmed else WAITLISTED
                )
            else:
                registration = services.cancel_registration(user=user, event=event)
                messages.info(self.request, "Your registration is cancelled.")
        except (services.AlreadyRegistered, services.NotRegistered):
            return 200, None  # A double click: the panel shows the outcome of the first.
        except services.RegistrationError as exc:
            messages.error(self.request, exc.message)
            return exc.status, None
        return 200, registration


class RegisterView(RegistrationActionView):
    action = "register"


class CancelRegistrationView(RegistrationActionView):
    action = "cancel"


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
