from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import outbox, services
from .models import Category, EmailDelivery, Event, Message


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Browse and fix words. Everything that moves seats, times, places or status, or
    emails attendees, happens on the event's own pages, through events.services, so the
    seat count and the emails hold whoever makes the change."""

    list_display = ["title", "organizer", "starts_at", "time_zone", "city", "status", "seats"]
    list_filter = ["status", "category", "is_online", "waitlist_enabled", "city"]
    search_fields = ["title", "description", "venue", "city", "organizer__email", "organizer__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["organizer", "category"]
    autocomplete_fields = ["organizer"]
    # No bulk actions: "delete selected" would skip has_delete_permission's per-event rule.
    actions = None
    # Changed here, through services.update_event; the organizer and the category too.
    ADMIN_EDITABLE = ("title", "description", "category")

    def has_add_permission(self, request):
        # New events come from /events/new/, which checks the poster and the times.
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = [field.name for field in self.model._meta.fields if field.name != "id"]
        locked = obj.locked_fields() if obj else frozenset()
        editable = {"organizer", *self.ADMIN_EDITABLE} - locked
        return ["manage", *(name for name in fields if name not in editable)]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and not obj.is_draft and "description" in form.base_fields:
            # Only a draft may be without one (event_complete_unless_draft).
            form.base_fields["description"].required = True
        return form

    @admin.display(description=gettext_lazy("manage"))
    def manage(self, event: Event) -> str:
        return format_html(
            _(
                '<a href="{page}">Event page</a> (time, place, seats, poster, publish, cancel) · '
                '<a href="{attendees}">Attendees</a>'
            ),
            page=event.get_absolute_url(),
            attendees=reverse("organize:attendees", kwargs={"slug": event.slug}),
        )

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_event(event=obj, changes=changes)
        except services.ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def has_delete_permission(self, request, obj=None):
        # Deleting a published event would drop its registrations without telling
        # anyone: the organizer cancels it instead. Only unused drafts may go.
        if obj is not None and (not obj.is_draft or obj.registrations.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.delete_draft(event=obj)

    @admin.display(description=gettext_lazy("seats"), ordering="seats_taken")
    def seats(self, event: Event) -> str:
        return f"{event.seats_taken} / {'–' if event.capacity is None else event.capacity}"


class HistoryAdmin(admin.ModelAdmin):
    """Records that are history once written: staff read them, and add, edit or delete
    none (actions aside)."""

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(HistoryAdmin):
    """Every email, with what happened to it. Read-only but for "Send again"."""

    list_display = [
        "created_at",
        "kind",
        "recipient",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["user__email", "registration__event__title"]
    list_select_related = ["user", "registration__event"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.display(description=gettext_lazy("to"), ordering="user__email")
    def recipient(self, delivery: EmailDelivery) -> str:
        return delivery.user.email

    @admin.display(description=gettext_lazy("event"))
    def event(self, delivery: EmailDelivery):
        return delivery.registration.event if delivery.registration else "—"

    @admin.action(
        description=gettext_lazy("Send the selected emails again"), permissions=["change"]
    )
    def send_again(self, request, queryset):
        queued = outbox.send_again(queryset)
        skipped = queryset.count() - queued
        queued_again = ngettext(
            "%(count)s queued to be sent again.", "%(count)s queued to be sent again.", queued
        )
        self.message_user(request, queued_again % {"count": queued}, messages.SUCCESS)
        if skipped:
            skipped_message = ngettext(
                "%(count)s skipped: sent already, or being sent.",
                "%(count)s skipped: sent already, or being sent.",
                skipped,
            )
            self.message_user(request, skipped_message % {"count": skipped}, messages.WARNING)


@admin.register(Message)
class MessageAdmin(HistoryAdmin):
    """What organizers wrote to their attendees, for staff to look into abuse. Read-only:
    a message is history once written; organizers stop scheduled ones themselves."""

    list_display = ["created_at", "subject", "event", "author", "audience", "status", "recipients"]
    list_filter = ["status", "audience"]
    search_fields = ["subject", "event__title", "author__email"]
    list_select_related = ["event", "author"]
    date_hierarchy = "created_at"
