"""Organizer writes: creating, editing, capacity, status, and check-in."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import reminders
from ..models import REASON_MAX, Event, Registration
from ..posters import Poster
from ..rules import NOTIFY_FIELDS, REMINDER_FIELDS, SEAT_FIELDS
from ..text import multi_line
from .common import lock, notify_many, require_confirmed_email
from .errors import EventLocked, InvalidChange
from .registration import promote


@dataclass(frozen=True)
class EventUpdate:
    """What update_event did: the event as committed, and how many attendees it emailed."""

    event: Event
    notified: int


def _check_editable(event: Event, fields) -> None:
    if refused := event.editing_closed or event.editing_refused(fields):
        raise EventLocked(refused)


def create_event(*, organizer, event: Event, poster: Poster | None, publish: bool) -> Event:
    """Save a new event for `organizer`, with its poster, as a draft or published."""
    require_confirmed_email(organizer)
    event.organizer = organizer
    event.status = Event.Status.PUBLISHED if publish else Event.Status.DRAFT
    stored = []
    try:
        with transaction.atomic():
            if poster:
                stored = _store_poster(event, poster)
            _save_with_new_slug(event)
            reminders.plan(event)
    except BaseException:
        # The row is rolled back; remove the files so no orphan is left behind.
        _delete_files(stored)
        raise
    return event


def _store_poster(event: Event, poster: Poster) -> list[str]:
    stored = []
    for field, content in (("poster", poster.full), ("poster_card", poster.card)):
        getattr(event, field).save(content.name, content, save=False)
        stored.append(getattr(event, field).name)
    return stored


def _delete_files(names) -> None:
    storage = Event._meta.get_field("poster").storage
    for name in names:
        if name:
            storage.delete(name)


def _save_with_new_slug(event: Event, attempts: int = 3) -> None:
    # A random suffix all but rules out a clash; if one happens, draw another.
    for attempt in range(attempts):
        event.slug = event.new_slug()
        try:
            with transaction.atomic():
                event.save()
            return
        except IntegrityError:
            if attempt == attempts - 1 or not Event.objects.filter(slug=event.slug).exists():
                raise


def update_event(*, event: Event, changes: dict, poster: Poster | None = None) -> EventUpdate:
    """Apply an organizer's edit in one transaction.

    Seat changes promote the waitlist; a new time or place on a published event bumps
    every confirmed attendee's calendar SEQUENCE and emails them once.
    """
    fields = set(changes) | ({"poster"} if poster else set())
    stored, replaced = [], []
    try:
        with transaction.atomic():
            event = lock(event)
            _check_editable(event, fields)
            changed = {name for name, value in changes.items() if getattr(event, name) != value}
            announced = event.rescheduled_from or event.starts_at
            missing_before = set(event.missing_to_publish)
            for name in changed:
                setattr(event, name, changes[name])
            _check_still_complete(event, missing_before)
            if "starts_at" in changed and event.notifies_attendees:
                # Kept for search engines' EventRescheduled; moving back undoes it.
                event.rescheduled_from = None if event.starts_at == announced else announced
                changed.add("rescheduled_from")
            promoted = _apply_seats(event, changed) if changed & SEAT_FIELDS else []
            if poster:
                replaced = [event.poster.name, event.poster_card.name]
                stored = _store_poster(event, poster)
                changed |= {"poster", "poster_card"}
            if promoted:
                changed.add("seats_taken")
            event.save(update_fields=[*changed, "updated_at"])
            notified = _bump_calendars(event) if changed & NOTIFY_FIELDS else []
            if changed & ({"starts_at"} | REMINDER_FIELDS):
                reminders.plan(event)
            notify_many(promoted, "promoted")
            notify_many(notified, "changed")
    except BaseException:
        _delete_files(stored)
        raise
    transaction.on_commit(lambda: _delete_files(replaced))
    return EventUpdate(event, len(notified))


def _check_still_complete(event: Event, missing_before: set[str]) -> None:
    """Only a draft nobody registered for may lose its time, place, seats or description."""
    lost = [item for item in event.missing_to_publish if item not in missing_before]
    if lost and not event.may_lack_details:
        if event.is_draft:
            # Their emails and calendar files still speak of it.
            message = _("People registered for this event before, so it needs %(missing)s.")
        else:
            message = _("A published event needs %(missing)s.")
        raise InvalidChange(message % {"missing": get_text_list(lost, _("and"))})


def _apply_seats(event: Event, changed: set[str]) -> list[int]:
    """Check the new capacity and waitlist setting against the locked counts, and fill
    any new seats from the waitlist (see promote)."""
    if event.capacity is None:
        # Only a draft may have none, and nobody holds a seat or waits at a draft.
        return []
    if event.capacity < event.seats_taken:
        taken = event.seats_taken
        message = ngettext(
            "%(count)s person is confirmed; capacity can't go below %(count)s.",
            "%(count)s people are confirmed; capacity can't go below %(count)s.",
            taken,
        )
        raise InvalidChange(message % {"count": taken}, field="capacity")
    waitlist = event.registrations.waitlist()
    # Only a waitlist that was on can have people on it.
    turned_off = "waitlist_enabled" in changed and not event.waitlist_enabled
    if turned_off and not waitlist.exists():
        return []
    promoted = promote(event)
    if turned_off and waitlist.exists():
        waiting = event.registrations.waiting_people()
        message = ngettext(
            "%(count)s person is on the waitlist. "
            "Raise the capacity to give them seats, or keep the waitlist on.",
            "%(count)s people are on the waitlist. "
            "Raise the capacity to give them seats, or keep the waitlist on.",
            waiting,
        )
        raise InvalidChange(message % {"count": waiting}, field="waitlist_enabled")
    return promoted


def _bump_calendars(event: Event) -> list[int]:
    if not event.notifies_attendees:
        return []
    confirmed = event.registrations.confirmed()
    ids = list(confirmed.values_list("pk", flat=True))
    confirmed.update(sequence=F("sequence") + 1, updated_at=timezone.now())
    return ids


def publish_event(*, event: Event) -> Event:
    with transaction.atomic():
        event = lock(event)
        if refused := event.publishing_refused:
            raise InvalidChange(refused)
        event.status = Event.Status.PUBLISHED
        event.save(update_fields=["status", "updated_at"])
        reminders.plan(event)
    return event


def unpublish_event(*, event: Event) -> Event:
    with transaction.atomic():
        event = lock(event)
        if refused := event.unpublishing_refused():
            raise InvalidChange(refused)
        event.status = Event.Status.DRAFT
        event.save(update_fields=["status", "updated_at"])
    return event


def cancel_event(*, event: Event, reason: str) -> Event:
    """Cancel a published event: every registration closes and every confirmed or
    waitlisted person gets an email with a calendar cancellation."""
    reason = multi_line(reason).strip()
    if not reason:
        raise InvalidChange(_("Tell attendees why the event is cancelled."), field="reason")
    if len(reason) > REASON_MAX:
        limit = number_format(REASON_MAX, force_grouping=True)
        raise InvalidChange(
            _("Keep the reason under %(max)s characters.") % {"max": limit}, field="reason"
        )
    with transaction.atomic():
        event = lock(event)
        if refused := event.cancelling_refused:
            raise EventLocked(refused)
        now = timezone.now()
        active = event.registrations.active()
        ids = list(active.values_list("pk", flat=True))
        active.update(
            status=Registration.Status.CANCELLED,
            cancelled_at=now,
            sequence=F("sequence") + 1,
            updated_at=now,
        )
        event.status = Event.Status.CANCELLED
        event.cancellation_reason = reason
        event.cancelled_at = now
        event.seats_taken = 0
        event.save(
            update_fields=[
                "status",
                "cancellation_reason",
                "cancelled_at",
                "seats_taken",
                "updated_at",
            ]
        )
        notify_many(ids, "event_cancelled")
    return event


def delete_draft(*, event: Event) -> None:
    with transaction.atomic():
        event = lock(event)
        if refused := event.deleting_refused():
            raise InvalidChange(refused)
        files = [event.poster.name, event.poster_card.name]
        event.delete()
    transaction.on_commit(lambda: _delete_files(files))


def check_in(*, registration: Registration, checked_in: bool) -> Registration:
    """Record (or undo) an attendee's arrival. Checking in twice keeps the first time."""
    with transaction.atomic():
        # Under the lock, so an event being cancelled can't take a check-in meanwhile.
        if refused := lock(registration.event).check_in_refused:
            raise EventLocked(refused)
        arrived = Coalesce(F("checked_in_at"), timezone.now()) if checked_in else None
        updated = Registration.objects.filter(
            pk=registration.pk, status=Registration.Status.CONFIRMED
        ).update(checked_in_at=arrived, updated_at=timezone.now())
    if not updated:
        raise InvalidChange(_("Only confirmed attendees can be checked in."))
    registration.refresh_from_db(fields=["checked_in_at", "updated_at"])
    return registration
