"""What may happen to an event right now, each rule in one place.

Every rule answers None when the action is allowed, or the reason it is refused, in
the words shown to people. The services ask under the event's lock and raise with
that reason; views and templates show it, or offer the action when there is none.
A rule that also filters lists has its QuerySet twin in models.py, and
tests/events/test_rules.py checks that the two agree.
"""

from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def manages(user, organizer_id: int) -> bool:
    """Only the organizer and staff may edit, publish, cancel or see attendees."""
    return user.is_authenticated and (user.is_staff or user.pk == organizer_id)


# Attendees' calendars hold these, so changing them on a published event emails them.
NOTIFY_FIELDS = frozenset(
    {"starts_at", "ends_at", "time_zone", "is_online", "venue", "city", "online_url"}
)
SEAT_FIELDS = frozenset({"capacity", "waitlist_enabled", "guests_allowed", "requires_approval"})
REMINDER_FIELDS = frozenset({"first_reminder_hours", "second_reminder_hours"})
# Once an event has started, when, where, seats and reminders are history; words and
# pictures may still be fixed.
FROZEN_ONCE_STARTED = NOTIFY_FIELDS | SEAT_FIELDS | REMINDER_FIELDS
EDITABLE_FIELDS = FROZEN_ONCE_STARTED | {
    "title",
    "description",
    "category",
    "poster",
    "visibility",
    "shows_going",
}


class EventRules:
    """Mixed into Event."""

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_unlisted(self) -> bool:
        """Opens by its link only. Twin: EventQuerySet.listed() leaves it out."""
        return self.visibility == self.Visibility.UNLISTED

    @property
    def seats_left(self) -> int | None:
        """None while a draft has no capacity yet."""
        if self.capacity is None:
            return None
        return self.capacity - self.seats_taken

    @property
    def is_full(self) -> bool:
        """Twin: EventQuerySet.with_seats_left() lists the events that are not."""
        return self.capacity is not None and self.seats_taken >= self.capacity

    @property
    def has_started(self) -> bool:
        """A draft without a start hasn't."""
        return self.starts_at is not None and self.starts_at <= timezone.now()

    @property
    def is_past(self) -> bool:
        """Twin: EventQuerySet.upcoming() and past() split events on it."""
        return self.ends_at is not None and self.ends_at <= timezone.now()

    @property
    def missing_to_publish(self) -> list[str]:
        """What a draft still lacks before it can be published, as the organizer would
        name it. The database refuses a published event without the first three."""
        missing = []
        if self.starts_at is None or self.ends_at is None:
            missing.append(_("the start and end"))
        if self.is_online and not self.online_url:
            missing.append(_("the online link"))
        if not self.is_online and not (self.venue and self.city):
            missing.append(_("the venue and city"))
        if self.capacity is None:
            missing.append(_("the capacity"))
        if not self.description:
            missing.append(_("a description"))
        return missing

    def can_be_managed_by(self, user) -> bool:
        return manages(user, self.organizer_id)

    @property
    def notifies_attendees(self) -> bool:
        """Whether a change of time or place is emailed to the people with a seat."""
        return self.status == self.Status.PUBLISHED

    @property
    def registration_closed(self) -> str | None:
        """Why nobody can register now. Twin: EventQuerySet.open_for_registration()."""
        if self.is_cancelled:
            return _("Registration is closed: this event is cancelled.")
        if self.status != self.Status.PUBLISHED:
            return _("Registration opens when the event is published.")
        if self.is_past:
            return _("Registration is closed: this event has ended.")
        if self.has_started:
            return _("Registration is closed: this event has started.")
        return None

    @property
    def asks_before_registering(self) -> bool:
        """Whether Register opens a short form (how many guests, the organizer's
        questions) instead of registering in one click."""
        return self.guests_allowed > 0 or self.asks_questions

    @property
    def joining_refused(self) -> str | None:
        """Why nobody can take a seat or a waitlist place now: registration is closed, or
        the event is full with no waitlist. None means Register (or Join the waitlist)."""
        return self.party_refused(1)

    def party_refused(self, size: int) -> str | None:
        """Why a party of `size` people can get neither seats nor a waitlist place now."""
        if refused := self.registration_closed:
            return refused
        if refused := self.party_too_big(size):
            return refused
        if self.seats_left >= size or self.waitlist_enabled:
            return None
        if self.is_full:
            return _("Sorry, this event is full.")
        message = ngettext(
            "Only %(count)s seat is left, not enough for your party of %(size)s.",
            "Only %(count)s seats are left, not enough for your party of %(size)s.",
            self.seats_left,
        )
        return message % {"count": self.seats_left, "size": size}

    def party_too_big(self, size: int) -> str | None:
        """Why a party of `size` could never get seats here, even on the waitlist."""
        if size <= self.capacity:
            return None
        message = ngettext(
            "This event has %(count)s seat, fewer than your party of %(size)s.",
            "This event has %(count)s seats, fewer than your party of %(size)s.",
            self.capacity,
        )
        return message % {"count": self.capacity, "size": size}

    @property
    def deciding_refused(self) -> str | None:
        """Why the organizer can't approve or decline requests now."""
        if self.is_cancelled:
            return _("This event is cancelled.")
        if self.has_started:
            return _("This event has started, so requests can't be answered any more.")
        return None

    @property
    def leaving_closed(self) -> str | None:
        """Why a registration for this event can no longer be cancelled."""
        if self.is_cancelled:
            return _("This event is cancelled.")
        if self.has_started:
            return _("This event has started, so registrations can't change.")
        return None

    def locked_fields(self) -> frozenset[str]:
        """The fields this event no longer lets anyone change. A draft whose start has
        passed keeps them open: nobody attended it, and it needs a new date to publish."""
        if self.is_cancelled:
            return EDITABLE_FIELDS
        if self.has_started and not self.is_draft:
            return FROZEN_ONCE_STARTED
        return frozenset()

    @property
    def may_lack_details(self) -> bool:
        """Whether its time, place, seats or description may be left blank: only a draft
        nobody ever registered for, as a registration's emails and calendar file need them."""
        return self.is_draft and not (self.pk and self.registrations.exists())

    @property
    def editing_closed(self) -> str | None:
        """Why nothing about this event can be edited any more."""
        if self.is_cancelled:
            return _("This event is cancelled, so it can't be edited.")
        return None

    def editing_refused(self, fields) -> str | None:
        """Why these fields can't be changed now."""
        if not self.locked_fields() & set(fields):
            return None
        return self.editing_closed or _(
            "This event has started: its time, place and seats can't change any more."
        )

    @property
    def publishing_refused(self) -> str | None:
        if not self.is_draft:
            return _("Only drafts can be published.")
        if missing := self.missing_to_publish:
            return _("To publish, add %(missing)s.") % {"missing": get_text_list(missing, _("and"))}
        if self.has_started:
            return _("This draft's start time has passed. Move the date before publishing.")
        return None

    def unpublishing_refused(self) -> str | None:
        """Back to draft hides the event, so only while nobody is registered or waiting."""
        if self.status != self.Status.PUBLISHED:
            return _("Only published events can go back to draft.")
        if self.has_started:
            return _("This event has started, so it stays published.")
        # seats_taken counts the confirmed, so only the waitlist needs a query.
        if self.seats_taken or self.registrations.active().exists():
            return _(
                "People are registered, so this event can't go back to draft. "
                "Cancel it instead, so they are told."
            )
        return None

    @property
    def cancelling_refused(self) -> str | None:
        if self.status != self.Status.PUBLISHED:
            return _("Only published events can be cancelled; delete a draft instead.")
        if self.has_started:
            return _("This event has started, so it can't be cancelled.")
        return None

    @property
    def check_in_refused(self) -> str | None:
        if self.is_cancelled:
            return _("This event is cancelled.")
        return None

    def deleting_refused(self) -> str | None:
        if not self.is_draft:
            return _("Only drafts can be deleted. Cancel a published event instead.")
        if self.registrations.exists():
            return _("People registered for this event, so it can't be deleted.")
        return None
