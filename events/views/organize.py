"""The organizer workspace: /organize/ and each event's attendee list."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, F, Prefetch, Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import ListView

from .. import outbox, selectors, services
from ..exports import csv_lines
from ..models import Answer, EmailDelivery, Event, Registration
from ..text import row_id
from .decisions import decide
from .mixins import (
    ClampedPaginationMixin,
    HtmxPartialMixin,
    OrganizerEventMixin,
    PrivateMixin,
    back_to,
)

MAX_SEARCH = 200
# Each registration's answers, in the order the questions are asked, in one query.
ANSWERS = Prefetch(
    "answers", queryset=Answer.objects.select_related("question").order_by("question__position")
)


class DashboardView(
    LoginRequiredMixin, PrivateMixin, HtmxPartialMixin, ClampedPaginationMixin, ListView
):
    """My events as upcoming, drafts and past, with their seats and attendance."""

    template_name = "organize/dashboard.html"
    partial_name = "results"
    context_object_name = "events"
    paginate_by = 20
    # Each group's label and order; its condition comes from group_filters().
    GROUPS = {
        "upcoming": (gettext_lazy("Upcoming"), ("starts_at", "pk")),
        # A draft without a date yet comes after those with one.
        "drafts": (gettext_lazy("Drafts"), (F("starts_at").asc(nulls_last=True), "pk")),
        "past": (gettext_lazy("Past"), ("-starts_at", "-pk")),
    }

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # One clock for the list and the tab counts, so they agree at the boundary.
        ended = Event.objects.ended(timezone.now())
        draft = Q(status=Event.Status.DRAFT)
        self.group_filters = {"upcoming": ~draft & ~ended, "drafts": draft, "past": ~draft & ended}

    def group(self) -> str:
        group = self.request.GET.get("show", "")
        return group if group in self.GROUPS else "upcoming"

    def mine(self):
        return Event.objects.filter(organizer=self.request.user)

    def get_queryset(self):
        group = self.group()
        _label, ordering = self.GROUPS[group]
        events = self.mine().select_related("category").with_attendance()
        return events.filter(self.group_filters[group]).order_by(*ordering)

    def get_context_data(self, **kwargs):
        counts = self.mine().aggregate(
            **{key: Count("pk", filter=condition) for key, condition in self.group_filters.items()}
        )
        groups = [(key, label, counts[key]) for key, (label, _order) in self.GROUPS.items()]
        return super().get_context_data(group=self.group(), groups=groups, **kwargs)


class AttendeeListView(OrganizerEventMixin, HtmxPartialMixin, ClampedPaginationMixin, ListView):
    """Everyone registered, by status in tabs, searchable, with check-in; POST answers
    requests (see decisions.py) and shows the list again as it was filtered."""

    template_name = "organize/attendees.html"
    partial_name = "results"
    context_object_name = "registrations"
    paginate_by = 50
    # The empty key is the default, so a plain URL shows everyone still in.
    TABS = {
        "": gettext_lazy("Everyone"),
        "pending": gettext_lazy("Pending"),
        "confirmed": gettext_lazy("Going"),
        "waitlisted": gettext_lazy("Waitlist"),
        "declined": gettext_lazy("Declined"),
        "cancelled": gettext_lazy("Cancelled"),
    }

    def post(self, request, slug):
        status = decide(request, self.event)
        if not request.htmx:
            return redirect(request.get_full_path())
        response = self.get(request, slug)
        response.status_code = status
        return response

    def search_text(self) -> str:
        return self.request.GET.get("q", "").strip()[:MAX_SEARCH]

    def status_filter(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in self.TABS else ""

    def get_queryset(self):
        status = self.status_filter()
        registrations = self.event.registrations
        registrations = registrations.filter(status=status) if status else registrations.active()
        # Confirmed, pending, then waitlisted (alphabetical), each in the order they came.
        return (
            registrations.search(self.search_text())
            .select_related("user")
            .prefetch_related(ANSWERS)
            .with_waitlist_position()
            .order_by("status", "created_at", "pk")
        )

    def get_context_data(self, **kwargs):
        counts = self.event.registrations.counts()
        counts[""] = counts["pending"] + counts["confirmed"] + counts["waitlisted"]
        tabs = [(key, label, counts[key]) for key, label in self.TABS.items()]
        context = super().get_context_data(
            event=self.event,
            counts=counts,
            tabs=tabs,
            q=self.search_text(),
            status=self.status_filter(),
            **selectors.undelivered(self.event),
            **kwargs,
        )
        context["pending_shown"] = any(r.is_pending for r in context["registrations"])
        return context


class SendAgainView(OrganizerEventMixin, View):
    """POST: send this event's failed or waiting emails again now (or only `delivery`)."""

    http_method_names = ["post"]

    def post(self, request, slug):
        emails = EmailDelivery.objects.undelivered().for_event(self.event)
        if delivery := request.POST.get("delivery", ""):
            emails = emails.filter(pk=row_id(delivery))
        queued = outbox.send_again(emails)
        if queued:
            sent_again = ngettext(
                "%(count)s email queued to be sent again.",
                "%(count)s emails queued to be sent again.",
                queued,
            )
            messages.info(request, sent_again % {"count": queued})
        else:
            messages.info(request, _("Nothing to send again: those emails have gone out already."))
        if not request.htmx:
            attendees = reverse("organize:attendees", kwargs={"slug": self.event.slug})
            return back_to(request, attendees)
        context = {"event": self.event, **selectors.undelivered(self.event)}
        return TemplateResponse(request, "organize/attendees.html#undelivered", context)


class CheckInView(OrganizerEventMixin, View):
    """POST check-in=1 to record an arrival, check-in=0 to undo it."""

    http_method_names = ["post"]

    def post(self, request, slug, pk):
        registration = get_object_or_404(self.event.registrations, pk=pk)
        status = 200
        try:
            services.check_in(
                registration=registration, checked_in=request.POST.get("check-in") != "0"
            )
        except services.ServiceError as exc:
            messages.error(request, exc.message)
            status = exc.status
        if not request.htmx:
            attendees = reverse("organize:attendees", kwargs={"slug": self.event.slug})
            return back_to(request, attendees)
        registration = Registration.objects.with_waitlist_position().select_related("user")
        context = {
            "event": self.event,
            "registration": registration.get(pk=pk),
            "counts": self.event.registrations.counts(),
        }
        return TemplateResponse(
            request, "organize/attendees.html#row-update", context, status=status
        )


class AttendeeExportView(OrganizerEventMixin, View):
    """Every registration as CSV, streamed so a 50,000-row list never sits in memory."""

    def get(self, request, slug):
        filename = f"{self.event.slug}-attendees-{timezone.now():%Y-%m-%d}.csv"
        response = StreamingHttpResponse(csv_lines(self.event), content_type="text/csv")
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
