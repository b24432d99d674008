"""Organizer views on the event itself: inline sections, the full edit page, status."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import DeleteView, FormView, UpdateView
from django_htmx.http import HttpResponseClientRedirect

from .. import selectors, services
from ..forms import CancelEventForm, EventForm
from ..sections import SECTIONS
from .mixins import HtmxPartialMixin, OrganizerEventMixin


def saved_message(notified: int) -> str:
    if notified:
        message = ngettext(
            "Saved. %(count)s attendee was emailed the new details.",
            "Saved. %(count)s attendees were emailed the new details.",
            notified,
        )
        return message % {"count": notified}
    return _("Saved.")


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
        if refused := self.event.editing_refused(self.section.fields):
            messages.error(request, refused)
            return self.render_section(status=409)
        return self.render_form(self.make_form())

    def post(self, request, slug, section):
        if not request.htmx:
            return redirect("events:edit", slug=slug)
        form = self.make_form(data=request.POST, files=request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        try:
            update = services.update_event(
                event=self.event, changes=form.changes(), poster=form.cleaned_data.get("poster")
            )
        except services.ServiceError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
                return self.render_form(form)
            messages.error(request, exc.message)
            return self.render_section(status=exc.status)
        self.event = update.event
        messages.success(request, saved_message(update.notified))
        return self.render_section()

    def make_form(self, **kwargs):
        return EventForm(instance=self.event, section=self.section, **kwargs)

    def render_form(self, form):
        return self.render("events/event_sections.html#section-form", {"form": form})

    def render_section(self, status=200):
        user = self.request.user
        context = {"focus": True, **selectors.management(user, self.event)}
        if self.section.name == "seats":
            # The registration panel is updated beside it.
            context["place"] = selectors.place(user, self.event)
        return self.render("events/event_sections.html#section-update", context, status)

    def render(self, template, context, status=200):
        context |= {"event": self.event, "section": self.section}
        return TemplateResponse(self.request, template, context, status=status)


class EventUpdateView(OrganizerEventMixin, HtmxPartialMixin, UpdateView):
    """The full edit page: every field at once, and the no-JavaScript way to edit."""

    form_class = EventForm
    template_name = "events/event_form.html"
    partial_name = "event-form"

    def get(self, request, *args, **kwargs):
        if refused := self.event.editing_closed:
            messages.error(request, refused)
            return redirect(self.event)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"locked": self.event.locked_fields()}

    def form_valid(self, form):
        try:
            update = services.update_event(
                event=self.event, changes=form.changes(), poster=form.cleaned_data.get("poster")
            )
        except services.ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, saved_message(update.notified))
        url = update.event.get_absolute_url()
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
    done = gettext_lazy("Your event is published.")


class UnpublishView(EventStatusView):
    change = staticmethod(services.unpublish_event)
    done = gettext_lazy("Your event is a draft again; only you can see it.")


class CancelEventView(OrganizerEventMixin, FormView):
    """Cancelling needs a reason, which goes to everyone in the attendee list."""

    form_class = CancelEventForm
    template_name = "events/event_cancel.html"

    def get(self, request, *args, **kwargs):
        if refused := self.event.cancelling_refused:
            messages.error(request, refused)
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
            messages.success(self.request, _("The event is cancelled and everyone was emailed."))
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
        messages.success(self.request, _("“%(title)s” is deleted.") % {"title": self.event.title})
        return redirect("organize:dashboard")
