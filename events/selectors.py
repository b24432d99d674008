"""Reads that pages share: a person's places at events, and what organizers see."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property

from site_url import absolute

from . import calendar
from .models import ACTIVE, EmailDelivery, Event, Message, Registration, audience_condition
from .sections import locked_sections
from .sql import column, fetch_all, marks, table


@dataclass(frozen=True)
class Place:
    """Someone's active registration for an event: a seat, or a waitlist place at
    `position` (1 is next in line)."""

    registration: Registration
    position: int | None = None

    @property
    def is_confirmed(self) -> bool:
        return self.registration.is_confirmed

    @property
    def is_waitlisted(self) -> bool:
        return self.registration.is_waitlisted

    @property
    def is_pending(self) -> bool:
        return self.registration.is_pending


def places(user, events) -> dict[int, Place]:
    """The user's places at these events (or event ids), by event id, in one query."""
    if not user.is_authenticated or not events:
        return {}
    registrations = active_registrations(user, [getattr(event, "pk", event) for event in events])
    return {
        registration.event_id: Place(registration, registration.position)
        for registration in registrations
    }


def active_registrations(user, event_ids: list[int]) -> list[Registration]:
    """Registration.objects.active().filter(user=user, event__in=event_ids)
    .with_waitlist_position(), in SQL: every signed-in page asks it, and the ORM takes
    several times longer to build it than the database to answer (see events.sql)."""
    sql, params = _active_at(user, event_ids, f"{table(Registration)}.*")
    return list(Registration.objects.raw(sql, params))


@dataclass(frozen=True)
class Held:
    """What a shared signed-in page needs of someone's place at an event (see
    events.standins): what picks its markup, and the registration to load if that
    isn't kept."""

    registration_id: int
    status: str
    position: int | None
    party_size: int
    updated_at: object

    def place(self) -> Place:
        """The place, with only the status loaded: enough for a card."""
        return Place(Registration(pk=self.registration_id, status=self.status), self.position)

    def loaded(self) -> Place:
        return Place(Registration.objects.get(pk=self.registration_id), self.position)


def held(user, event_ids: list[int]) -> dict[int, Held]:
    """active_registrations() as plain values, by event id: no objects to build."""
    if not event_ids:
        return {}
    mine = table(Registration)
    fields = ", ".join(
        f"{mine}.{column(Registration, name)}"
        for name in ("event", "id", "status", "party_size", "updated_at")
    )
    sql, params = _active_at(user, event_ids, fields)
    return {
        event: Held(registration, status, position, size, updated)
        for event, registration, status, size, updated, position in fetch_all(sql, params)
    }


def _active_at(user, event_ids: list[int], fields: str) -> tuple[str, list]:
    """SELECT `fields` and the waitlist position of the user's active registrations at
    these events."""
    mine = table(Registration)
    position, params = waitlist_position(mine)
    sql = (
        f"SELECT {fields}, {position} AS position FROM {mine}"
        f" WHERE {mine}.{column(Registration, 'user')} = %s"
        f" AND {mine}.{column(Registration, 'event')} IN ({marks(event_ids)})"
        f" AND {mine}.{column(Registration, 'status')} IN ({marks(ACTIVE)})"
    )
    return sql, [*params, user.pk, *event_ids, *ACTIVE]


def waitlist_position(mine: str) -> tuple[str, list]:
    """SQL for the waitlist position of each row of `mine` (the registration table, or
    its alias), as with_waitlist_position() annotates it, and its parameters."""
    ahead = "ahead"
    event, status, created, pk = (
        column(Registration, name) for name in ("event", "status", "created_at", "id")
    )
    waitlisted = Registration.Status.WAITLISTED
    sql = (
        f"CASE WHEN {mine}.{status} = %s THEN 1 + ("
        f"SELECT COUNT(*) FROM {table(Registration)} {ahead}"
        f" WHERE {ahead}.{event} = {mine}.{event}"
        f" AND {ahead}.{status} = %s AND ({ahead}.{created} < {mine}.{created}"
        f" OR ({ahead}.{created} = {mine}.{created} AND {ahead}.{pk} < {mine}.{pk}))) END"
    )
    return sql, [waitlisted, waitlisted]


def place(user, event: Event) -> Place | None:
    return places(user, [event]).get(event.pk)


def management(user, event: Event) -> dict:
    """What the event page adds for the people who run it: edit controls and the queue.
    Which status changes it offers, manage_panel.html asks the event's rules."""
    if not event.can_be_managed_by(user):
        return {"can_edit": False}
    context = {"can_edit": True, "locked_sections": locked_sections(event)}
    if event.is_cancelled:
        # Seats are all free again; what matters is who lost theirs.
        context["released"] = event.registrations.released_by(event)
    else:
        context["waiting"] = event.registrations.waiting_people()
    return context


# The attendee page lists at most this many emails that haven't gone out.
UNDELIVERED_SHOWN = 20


def undelivered(event: Event) -> dict:
    """The event's emails that haven't gone out, as the attendee page lists them."""
    emails = EmailDelivery.objects.undelivered().for_event(event)
    return {
        # Failed first ("failed" < "pending"), then by their next try.
        "undelivered": emails.select_related("user").order_by("status", "next_attempt_at")[
            :UNDELIVERED_SHOWN
        ],
        "undelivered_count": emails.count(),
    }


def new_event_zone(user, viewer_zone):
    """The zone a new event starts with: the one this organizer used last, else the
    viewer's own (their profile's or their browser's), else the site's."""
    last = Event.objects.filter(organizer=user).order_by("-created_at", "-pk")
    return last.values_list("time_zone", flat=True).first() or viewer_zone or settings.TIME_ZONE


# A feed keeps past seats this long, and shows what was given up this long, marked
# cancelled, so calendar apps take it out.
FEED_HISTORY = timedelta(days=90)
FEED_CANCELLED = timedelta(days=30)


def feed_rows(user):
    """The registrations a person's calendar feed may list, events joined."""
    now = timezone.now()
    kept = (
        Q(status=Registration.Status.CONFIRMED, event__ends_at__gt=now - FEED_HISTORY)
        | Q(
            status__in=(Registration.Status.WAITLISTED, Registration.Status.PENDING),
            event__ends_at__gt=now,
        )
        | Q(
            status__in=(Registration.Status.CANCELLED, Registration.Status.DECLINED),
            updated_at__gt=now - FEED_CANCELLED,
            event__ends_at__gt=now,
        )
    )
    return Registration.objects.filter(kept, user=user, event__status__in=Event.LISTED)


# A feed's content is kept a day at most; its version changes sooner with any change.
FEED_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Feed:
    """A person's calendar feed as it is now: its version (an ETag, which one small
    query gives), and its content, built once per version and language, then cached."""

    user: object
    rows: object
    etag: str
    language: str

    def content(self) -> bytes:
        key = f"calendar-feed:{self.user.pk}:{self.user.calendar_token}:{self.etag}"
        content = cache.get(key)
        if content is None:
            with translation.override(self.language):
                content = calendar.feed_ics(self.user, feed_registrations(self.rows))
            cache.set(key, content, FEED_CACHE_SECONDS)
        return content


def feed(user) -> Feed:
    rows = feed_rows(user)
    language = user.language or settings.LANGUAGE_CODE
    return Feed(user, rows, f'"{language}-{feed_version(rows)}"', language)


def feed_version(rows) -> str:
    """Changes whenever the feed's content would: a registration or event in it changed,
    or one came or went. The day is in it too, as entries age out of the feed."""
    version = rows.aggregate(
        n=Count("pk"), registrations=Max("updated_at"), events=Max("event__updated_at")
    )
    stamps = (
        f"{at.timestamp():.6f}" if at else "0"
        for at in (version["registrations"], version["events"])
    )
    return f"{timezone.now().date():%Y%m%d}-{version['n']}-{'-'.join(stamps)}"


def feed_registrations(rows) -> list[Registration]:
    """One registration per event (the active one, else the latest), in one query."""
    by_event = {}
    for registration in rows.select_related("event").order_by(
        "event__starts_at", "event_id", "-created_at"
    ):
        kept = by_event.get(registration.event_id)
        if kept is None or (registration.status in ACTIVE and kept.status not in ACTIVE):
            by_event[registration.event_id] = registration
    return list(by_event.values())


@dataclass(frozen=True)
class CalendarFeed:
    """The addresses of a person's calendar feed: for "subscribe" links (webcal://) and
    for apps that ask for a URL (https://)."""

    url: str

    @property
    def webcal(self) -> str:
        return "webcal://" + self.url.split("://", 1)[1]


def my_registrations(user):
    """The user's active registrations, soonest first, as My events lists them."""
    return (
        Registration.objects.active()
        .filter(user=user)
        .with_waitlist_position()
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )


class MyEvents:
    """my_registrations() split into My events' sections, loaded on first use."""

    def __init__(self, registrations):
        self.registrations = registrations

    @cached_property
    def upcoming(self) -> list[Registration]:
        return [r for r in self.registrations if r.is_confirmed and not r.event.is_past]

    @cached_property
    def waitlist(self) -> list[Registration]:
        return [r for r in self.registrations if r.is_waitlisted and not r.event.is_past]

    @cached_property
    def requests(self) -> list[Registration]:
        return [r for r in self.registrations if r.is_pending and not r.event.is_past]

    @cached_property
    def past(self) -> list[Registration]:
        return [r for r in reversed(self.registrations) if r.event.is_past]


def my_events_version(user) -> str:
    """A digest of everything My events shows about the user's registrations: each
    one's state and waitlist position, its event's version, and whether the event has
    started and ended. In SQL, as it runs on every visit, so a current cached copy
    costs no objects at all (a test holds it to what the page shows)."""
    mine, event = table(Registration), table(Event)
    position, params = waitlist_position(mine)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    status = column(Registration, "status")
    rows = fetch_all(
        f"SELECT {mine}.{column(Registration, 'id')}, {mine}.{column(Registration, 'updated_at')},"
        f" {mine}.{status}, {mine}.{column(Registration, 'party_size')},"
        f" {event}.{column(Event, 'updated_at')},"
        f" {event}.{column(Event, 'starts_at')} <= %s, {event}.{column(Event, 'ends_at')} <= %s,"
        f" {position} FROM {mine} JOIN {event}"
        f" ON {event}.{column(Event, 'id')} = {mine}.{column(Registration, 'event')}"
        f" WHERE {mine}.{column(Registration, 'user')} = %s AND {mine}.{status}"
        f" IN ({marks(ACTIVE)}) ORDER BY {mine}.{column(Registration, 'id')}",
        [now, now, *params, user.pk, *ACTIVE],
    )
    return hashlib.md5(repr(rows).encode(), usedforsecurity=False).hexdigest()


def calendar_feed(user) -> CalendarFeed | None:
    if not user.calendar_token:
        return None
    path = reverse("calendar-feed", kwargs={"token": user.calendar_token})
    return CalendarFeed(absolute(path))


def audience_counts(event: Event) -> dict[str, int]:
    """How many emails a message to each audience would send now, in one query."""
    return event.registrations.aggregate(
        **{
            audience: Count("pk", filter=audience_condition(audience))
            for audience in Message.Audience.values
        }
    )


def message_history(event: Event):
    """The event's messages, newest first, each with its emails sent, failed and still
    on their way, in one query."""
    by_status = {
        "delivered": Q(deliveries__status=EmailDelivery.Status.SENT),
        "failed": Q(deliveries__status=EmailDelivery.Status.FAILED),
        "on_the_way": Q(
            deliveries__status__in=(EmailDelivery.Status.PENDING, EmailDelivery.Status.SENDING)
        ),
    }
    return event.messages.select_related("author").annotate(
        **{name: Count("deliveries", filter=condition) for name, condition in by_status.items()}
    )


@dataclass(frozen=True)
class Attendance:
    """How an event went, in people: who had a seat, who came, and how many seats
    "can't make it" gave back and the waitlist filled."""

    registered: int
    checked_in: int
    given_back: int
    refilled: int

    @classmethod
    def of(cls, event: Event, counts: dict | None = None) -> "Attendance":
        """From registrations.counts(), or from an event annotated with_attendance()."""
        if counts is None:
            counts = {
                name: getattr(event, name) for name in ("checked_in", "given_back", "refilled")
            }
        return cls(
            registered=event.seats_taken,
            checked_in=counts["checked_in"],
            given_back=counts["given_back"],
            refilled=counts["refilled"],
        )

    @property
    def no_shows(self) -> int | None:
        """People with a seat who didn't check in; None when nobody was checked in, as
        then check-in wasn't used and nobody can say who came."""
        if not self.checked_in:
            return None
        return max(self.registered - self.checked_in, 0)

    @property
    def no_show_rate(self) -> int | None:
        """Per cent of the people with a seat who didn't come, where that is known."""
        if self.no_shows is None or not self.registered:
            return None
        return round(100 * self.no_shows / self.registered)
