"""Organizer views on the event itself: inline sections, the full edit page, status."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.views import View
from django.views.generic import DeleteView, FormView, UpdateView
from django_htmx.http import HttpResponseClientRedirect

from .. import services
from ..forms import SECTIONS, CancelEventForm, EventForm
from .mixins import HtmxPartialMixin, OrganizerEventMixin
from .registration import active_registration


def locked_sections(event) -> set[str]:
    locked = services.locked_fields(event)
    return {name for name, section in SECTIONS.items() if locked & set(section.fields)}


def manage_context(user, event) -> dict:
    """What the event page adds for the people who run it: edit controls and the queue."""
    if not event.can_be_managed_by(user):
        return {"can_edit": False}
    return {
        "can_edit": True,
        "locked_sections": locked_sections(event),
        "waiting": event.registrations.waitlist().count(),
    }


def saved_message(event) -> str:
    if event.attendees_notified:
        n = event.attendees_notified
        return f"Saved. {n} attendee{'s were' if n != 1 else ' was'} emailed the new details."
    return "Saved."


class EventSectionView(OrganizerEventMixin, View):
    """One section of the event page, edited in place with htmx.

    GET with `editing` swaps in the section's form; POST saves it and swaps the display
    back, with out-of-band updates for whatever else on the page shows the same data;
    `editing = False` is Cancel, which swaps the display back unsaved. Without
    JavaScript the Edit links lead to the full edit page, so plain requests go there.
    """

    editing = True

    def dispatch(self, request, *args, **kwargs):
        if kwargs["section"] not in SECTIONS:
            raise Http404("No such section.")
        self.section = SECTIONS[kwargs["section"]]
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, slug, section):
        if not request.htmx:
            return redirect("events:edit", slug=slug)
        if not self.editing:
            return self.render_section()
        if section in locked_sections(self.event):
            messages.error(request, services.locked_reason(self.event))
            return self.render_section(status=409)
        return self.render_form(self.make_form())

    def post(self, request, slug, section):
        if not request.htmx:
            return redirect("events:edit", slug=slug)
        form = self.make_form(data=request.POST, files=request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        try:
            self.event = services.update_event(
                event=self.event, changes=form.changes(), poster=form.cleaned_data.get("poster")
            )
        except services.ServiceError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
                return self.render_form(form)
            messages.error(request, exc.message)
            return self.render_section(status=exc.status)
        messages.success(request, saved_message(self.event))
        return self.render_section()

    def make_form(self, **kwargs):
        form = EventForm(instance=self.event, only=self.section.fields, **kwargs)
        if "poster" in form.fields:
            form.fields["poster"].required = True
            form.fields["poster"].error_messages["required"] = "Choose an image to upload."
        next(iter(form.fields.values())).widget.attrs["autofocus"] = True
        return form

    def render_form(self, form):
        return self.render("events/event_sections.html#section-form", {"form": form})

    def render_section(self, status=200):
        user = self.request.user
        context = {"focus": True, **manage_context(user, self.event)}
        if self.kwargs["section"] == "seats":
            context["registration"] = active_registration(user, self.event)
        return self.render("events/event_sections.html#section-update", context, status)

    def render(self, template, context, status=200):
        context |= {"event": self.event, "section": self.kwargs["section"]}
        context["label"] = self.section.label
        response = TemplateResponse(self.request, template, context, status=status)
        patch_vary_headers(response, ["HX-Request"])
        return response


class EventUpdateView(OrganizerEventMixin, HtmxPartialMixin, UpdateView):
    """The full edit page: every field at once, and the no-JavaScript way to edit."""

    form_class = EventForm
    template_name = "events/event_form.html"
    partial_name = "event-form"

    def get(self, request, *args, **kwargs):
        if self.event.is_cancelled:
            messages.error(request, services.locked_reason(self.event))
            return redirect(self.event)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"locked": services.locked_fields(self.event)}

    def form_valid(self, form):
        try:
            event = services.update_event(
                event=self.event, changes=form.changes(), poster=form.cleaned_data.get("poster")
            )
        except services.ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, saved_message(event))
        url = event.get_absolute_url()
        return HttpResponseClientRedirect(url) if self.request.htmx else redirect(url)


class EventStatusView(OrganizerEventMixin, View):
    """POST publish or back-to-draft, then back to the event page with the outcome."""

    http_method_names = ["post"]
    change = None
    done = ""

    def post(self, request, slug):
        try:
            self.change(event=self.event)
        except services.ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.done)
        return redirect(self.event)


class PublishView(EventStatusView):
    change = staticmethod(services.publish_event)
    done = "Your event is published."


class UnpublishView(EventStatusView):
    change = staticmethod(services.unpublish_event)
    done = "Your event is a draft again; only you can see it."


class CancelEventView(OrganizerEventMixin, FormView):
    """Cancelling needs a reason, which goes to everyone in the attendee list."""

    form_class = CancelEventForm
    template_name = "events/event_cancel.html"

    def get(self, request, *args, **kwargs):
        if self.event.status != self.event.Status.PUBLISHED or self.event.has_started:
            messages.error(request, "Only published events that haven't started can be cancelled.")
            return redirect(self.event)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        waiting = self.event.registrations.waitlist().count()
        return super().get_context_data(event=self.event, waiting=waiting, **kwargs)

    def form_valid(self, form):
        try:
            services.cancel_event(event=self.event, reason=form.cleaned_data["reason"])
        except services.ServiceError as exc:
            if exc.field == "reason":
                form.add_error("reason", exc.message)
                return self.form_invalid(form)
            messages.error(self.request, exc.message)
        else:
            messages.success(self.request, "The event is cancelled and everyone was emailed.")
        return redirect(self.event)


class DeleteDraftView(OrganizerEventMixin, DeleteView):
    template_name = "events/event_delete.html"
    context_object_name = "event"

    def form_valid(self, form):
        try:
            services.delete_draft(event=self.event)
        except services.ServiceError as exc:
            messages.error(self.request, exc.message)
            return redirect(self.event)
        messages.success(self.request, f"“{self.event.title}” is deleted.")
        return redirect("organize:dashboard")
