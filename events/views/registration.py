from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import ListView
from django_htmx.http import HttpResponseClientRedirect

from .. import selectors, services, standins
from ..models import Event
from ..party_form import PartyForm, focus_first_error
from .mixins import HtmxPartialMixin, PrivateMixin, back_to

CONFIRMED = gettext_lazy("You're registered. See you there!")
WAITLISTED = gettext_lazy(
    "The event is full, so you're on the waitlist. We'll email you if a seat opens up."
)
REQUESTED = gettext_lazy(
    "Request sent. The organizer will approve or decline it, and we'll email you."
)
# The fragment each page's register and cancel forms ask for (their `fragment` field):
# the detail page's panel, a list card, a row of My events.
FRAGMENTS = {
    "panel": "events/event_detail.html#registration-update",
    "card": "events/event_list.html#card-update",
    "row": "events/registration_list.html#row-update",
}


class RegistrationActionView(PrivateMixin, View):
    """POST register, cancel or change guests. htmx gets the fragment the form names,
    with out-of-band seat counters; without JavaScript the same form redirects back
    with a message. A view with a form (get_form) shows it again, in place or as a
    page, with what was refused on the field at fault."""

    http_method_names = ["post"]
    form_template = "events/party_form.html"
    # Whether the form changes a registration (else it makes one).
    editing = False

    def post(self, request, slug):
        event = self.get_event(slug)
        if not request.user.is_authenticated:
            return self.to_login(event)
        fragment = FRAGMENTS.get(request.POST.get("fragment", ""))
        if request.htmx and fragment is None:
            raise BadRequest("Unknown fragment.")  # before anything is done
        form = self.get_form(event)
        if form is not None and not form.is_valid():
            focus_first_error(form)
            return self.render_form(event, form, status=422)
        status = 200
        try:
            event, place = self.perform(event, form)
        except (services.AlreadyRegistered, services.NotRegistered):
            # A double click: show the outcome of the first, as it is now.
            event, place = self.as_it_is(event)
        except services.ServiceError as exc:
            if form is not None and exc.field:
                form.refuse(exc)
                return self.render_form(event, form, status=exc.status)
            messages.error(request, exc.message)
            status = exc.status
            event, place = self.as_it_is(event)
        if not request.htmx:
            return back_to(request, event.get_absolute_url())
        return TemplateResponse(request, fragment, {"event": event, "place": place}, status=status)

    def get_event(self, slug) -> Event:
        return get_object_or_404(Event.objects.visible_to(self.request.user), slug=slug)

    def to_login(self, event: Event):
        back = self.request.path if self.request.method == "GET" else event.get_absolute_url()
        login = f"{reverse('accounts:login')}?{urlencode({'next': back})}"
        return HttpResponseClientRedirect(login) if self.request.htmx else redirect(login)

    def as_it_is(self, event: Event) -> tuple[Event, selectors.Place | None]:
        event.refresh_from_db()
        return event, selectors.place(self.request.user, event)

    def get_form(self, event: Event) -> PartyForm | None:
        return None

    def render_form(self, event: Event, form: PartyForm, status: int = 200):
        template = f"{self.form_template}#party-form" if self.request.htmx else self.form_template
        context = {"event": event, "form": form, "editing": self.editing}
        return TemplateResponse(self.request, template, context, status=status)

    def render_panel(self, event: Event, place):
        """For a form that no longer applies: the panel as it is, or the event page."""
        if not self.request.htmx:
            return redirect(event)
        context = {"event": event, "place": place}
        return TemplateResponse(
            self.request, "events/event_detail.html#registration-panel", context
        )

    def perform(self, event: Event, form) -> tuple[Event, selectors.Place | None]:
        """Do it; the event as committed and the user's place now. Raises ServiceError."""
        raise NotImplementedError


def questions(event: Event):
    return event.questions.asked() if event.asks_questions else ()


class RegisterView(RegistrationActionView):
    """One click, or for an event that takes guests or asks questions, GET the short
    form first."""

    http_method_names = ["get", "post"]

    def get(self, request, slug):
        event = self.get_event(slug)
        if not request.user.is_authenticated:
            return self.to_login(event)
        place = selectors.place(request.user, event)
        if place or event.joining_refused or not event.asks_before_registering:
            return self.render_panel(event, place)
        return self.render_form(event, PartyForm(event=event, questions=questions(event)))

    def get_form(self, event):
        # A one-click form from a page older than the guest setting registers one
        # person; questions need their answers, so they always get the form.
        if event.asks_questions or "guests" in self.request.POST:
            return PartyForm(self.request.POST, event=event, questions=questions(event))
        return None

    def perform(self, event, form):
        guests, names = form.party() if form else (0, [])
        place = services.register(
            user=self.request.user,
            event=event,
            guests=guests,
            guest_names=names,
            answers=form.answers() if form else None,
        )
        messages.success(self.request, registered_message(place))
        return place.registration.event, place


class EditRegistrationView(RegistrationActionView):
    """Change the guests, their names and the answers, until the event starts."""

    http_method_names = ["get", "post"]
    editing = True

    def get(self, request, slug):
        event = self.get_event(slug)
        if not request.user.is_authenticated:
            return self.to_login(event)
        place = selectors.place(request.user, event)
        if place is None or event.leaving_closed:
            return self.render_panel(event, place)
        registration = place.registration
        form = PartyForm(
            initial=PartyForm.initial_for(registration),
            event=event,
            current=registration.guests,
            questions=questions(event),
        )
        return self.render_form(event, form)

    def get_form(self, event):
        self.before = selectors.place(self.request.user, event)
        current = self.before.registration.guests if self.before else 0
        return PartyForm(
            self.request.POST, event=event, current=current, questions=questions(event)
        )

    def perform(self, event, form):
        guests, names = form.party()
        place = services.change_party(
            user=self.request.user,
            event=event,
            guests=guests,
            guest_names=names,
            answers=form.answers() if form.questions else None,
        )
        if self.before and self.before.is_waitlisted and place.is_confirmed:
            messages.success(self.request, CONFIRMED)  # smaller, the party fits now
        elif "guests" not in form.fields:
            messages.success(self.request, _("Your answers are saved."))
        elif guests:
            saved = ngettext(
                "Saved: you're bringing %(count)s guest.",
                "Saved: you're bringing %(count)s guests.",
                guests,
            )
            messages.success(self.request, saved % {"count": guests})
        else:
            messages.success(self.request, _("Saved: you're coming on your own."))
        return place.registration.event, place


def finish_intent(request, event: Event) -> str:
    """Register the person who has just logged in, or confirmed their address, for
    `event`, as their click on Register asked (events.intents), with its toast. Returns
    where to go next: the event, or its short form when it asks about guests or questions."""
    if selectors.place(request.user, event) is None:
        if event.asks_before_registering and not event.joining_refused:
            return reverse("events:register", kwargs={"slug": event.slug})
        try:
            place = services.register(user=request.user, event=event)
        except services.ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, registered_message(place))
    return event.get_absolute_url()


def registered_message(place: selectors.Place) -> str:
    if place.is_confirmed:
        return str(CONFIRMED)
    if place.is_pending:
        return str(REQUESTED)
    event = place.registration.event
    if event.seats_left:
        message = ngettext(
            "Only %(count)s seat is left, not enough for your party, so you're on the "
            "waitlist. We'll email you when there's room.",
            "Only %(count)s seats are left, not enough for your party, so you're on the "
            "waitlist. We'll email you when there's room.",
            event.seats_left,
        )
        return message % {"count": event.seats_left}
    return str(WAITLISTED)


class CancelRegistrationView(RegistrationActionView):
    def perform(self, event, form):
        cancelled = services.cancel_registration(user=self.request.user, event=event)
        messages.info(self.request, _("Your registration is cancelled."))
        return cancelled.event, None


class MyRegistrationsView(LoginRequiredMixin, PrivateMixin, HtmxPartialMixin, ListView):
    """/me/registrations/: upcoming seats, waitlist places with their position, and past events."""

    template_name = "events/registration_list.html"
    context_object_name = "registrations"

    @cached_property
    def marks(self) -> standins.Marks:
        return standins.lasting_marks()

    def get_queryset(self):
        return selectors.my_registrations(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Split lazily: the template reads them only when its cached copy is stale.
        context["mine"] = selectors.MyEvents(context["registrations"])
        context["version"] = selectors.my_events_version(self.request.user)
        context["feed"] = selectors.calendar_feed(self.request.user)
        # Rows are cached with marks for the token and nonce, which serving puts in.
        # Their token is in the keys: a new secret key means new marks.
        values = self.marks.values()
        context |= {"csrf_token": values["csrf_token"], "csp_nonce": values["csp_nonce"]}
        context["marks_token"] = self.marks.token
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.add_post_render_callback(self.fill)
        return response

    def fill(self, response) -> None:
        html = response.content.decode()
        response.content = standins.fill(self.request, html, self.marks.token)
