from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from .. import services
from ..models import Event, Registration

CONFIRMED = "You're registered. See you there!"
WAITLISTED = "The event is full, so you're on the waitlist. We'll email you if a seat opens up."


def active_registration(user, event: Event) -> Registration | None:
    """The user's confirmed or waitlisted registration, with its waitlist position."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.active()
        .filter(event=event, user=user)
        .with_waitlist_position()
        .first()
    )


def registrations_by_event(user, events) -> dict[int, Registration]:
    """The user's active registrations for these events, in one query."""
    if not user.is_authenticated or not events:
        return {}
    registrations = (
        Registration.objects.active().filter(user=user, event__in=events).with_waitlist_position()
    )
    return {registration.event_id: registration for registration in registrations}


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
        status = self.perform(event)
        if not request.htmx:
            return HttpResponseRedirect(event.get_absolute_url())
        event.refresh_from_db()
        registration = active_registration(request.user, event)
        event.my_registration = registration
        context = {"event": event, "registration": registration}
        response = TemplateResponse(request, self.partial_for_target(), context, status=status)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def partial_for_target(self) -> str:
        # The same action runs from the detail page's panel and from list cards;
        # each gets back its own fragment. Only these declared partials are used.
        if (self.request.htmx.target or "").startswith("card-action-"):
            return "events/event_list.html#card-update"
        return "events/event_detail.html#registration-update"

    def perform(self, event: Event) -> int:
        user = self.request.user
        try:
            if self.action == "register":
                registration = services.register(user=user, event=event)
                messages.success(
                    self.request, CONFIRMED if registration.is_confirmed else WAITLISTED
                )
            else:
                services.cancel_registration(user=user, event=event)
                messages.info(self.request, "Your registration is cancelled.")
        except (services.AlreadyRegistered, services.NotRegistered):
            pass  # A double click: the panel already shows the outcome of the first.
        except services.RegistrationError as exc:
            messages.error(self.request, exc.message)
            return exc.status
        return 200


class RegisterView(RegistrationActionView):
    action = "register"


class CancelRegistrationView(RegistrationActionView):
    action = "cancel"
