from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from timezone_field import TimeZoneField

from .rules import EventRules
from .text import MultiLineTextField, OneLineCharField

# Long enough for any real event page; short enough that search stays fast.
DESCRIPTION_MAX = 20_000
REASON_MAX = 2_000
# Guests one registration may bring at most, whatever an event allows: a party of ten.
GUESTS_MAX = 9
GUEST_NAME_MAX = 100
# Reminders go out these many hours before the start: the choices offered, and the
# range the database accepts.
REMINDER_HOURS = (1, 2, 3, 6, 12, 24, 48, 72, 168)
# Lowercase letters and digits that can't be mistaken for each other (no l/1, o/0).
SLUG_SUFFIX_CHARS = "abcdefghijkmnpqrstuvwxyz23456789"


class Category(models.Model):
    name = OneLineCharField(gettext_lazy("name"), max_length=60, unique=True)
    slug = models.SlugField(gettext_lazy("slug"), max_length=60, unique=True)
    # Part of the catalogue's version (page_cache), for a category that has no events.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = gettext_lazy("category")
        verbose_name_plural = gettext_lazy("categories")

    def __str__(self) -> str:
        return self.name


def people(condition: Q, field: str = "party_size"):
    """The number of people (each registration's party) matching `condition`, 0 for none."""
    return Coalesce(models.Sum(field, filter=condition), 0)


class EventQuerySet(models.QuerySet):
    def published(self):
        """Live events: published and not cancelled."""
        return self.filter(status=Event.Status.PUBLISHED)

    def reachable(self):
        """What anyone with the link can open: published events, and cancelled ones
        marked so, public or unlisted."""
        return self.filter(status__in=Event.LISTED)

    def listed(self):
        """What the public catalogue, its search and the API's list show: the reachable
        events that are public. Unlisted ones open by their link only."""
        return self.reachable().filter(visibility=Event.Visibility.PUBLIC)

    def visible_to(self, user):
        """Reachable events, plus drafts for their organizer and for staff."""
        if user.is_staff:
            return self.all()
        if user.is_authenticated:
            return self.filter(Q(status__in=Event.LISTED) | Q(organizer=user))
        return self.reachable()

    def open_for_registration(self):
        """Events anyone may register for now: Event.registration_closed is None."""
        return self.filter(status=Event.Status.PUBLISHED, starts_at__gt=timezone.now())

    @staticmethod
    def ended(now=None) -> Q:
        """The condition of Event.is_past, for filters and counts that need it as such."""
        return Q(ends_at__lte=now or timezone.now())

    def upcoming(self, now=None):
        """Events that have not ended, so one in progress still shows. Spelled as a
        plain comparison, which both databases match to the listed indexes."""
        return self.filter(ends_at__gt=now or timezone.now())

    def past(self, now=None):
        return self.filter(self.ended(now))

    def with_seats_left(self):
        return self.filter(seats_taken__lt=F("capacity"))

    def with_attendance(self):
        """Annotate `waiting` (people on the waitlist), `checked_in` (people who
        arrived), `given_back` (seats given up through the "can't make it" link) and
        `refilled` (seats that went to people from the waitlist), in the same query."""
        waitlisted = Q(registrations__status=RegistrationStatus.WAITLISTED)
        arrived = Q(
            registrations__status=RegistrationStatus.CONFIRMED,
            registrations__checked_in_at__isnull=False,
        )
        given_back = Q(
            registrations__status=RegistrationStatus.CANCELLED,
            registrations__left_by_link=True,
            registrations__confirmed_at__isnull=False,
        )
        refilled = Q(
            registrations__status=RegistrationStatus.CONFIRMED,
            registrations__promoted_at__isnull=False,
        )
        return self.annotate(
            waiting=people(waitlisted, "registrations__party_size"),
            checked_in=people(arrived, "registrations__party_size"),
            given_back=people(given_back, "registrations__party_size"),
            refilled=people(refilled, "registrations__party_size"),
        )

    def for_cards(self):
        """Everything an event card shows, in the same query."""
        return self.select_related("category", "organizer")


class EventStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    PUBLISHED = "published", gettext_lazy("Published")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


# What the public catalogue shows: cancelled events stay listed, marked so.
LISTED = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


class Visibility(models.TextChoices):
    PUBLIC = "public", gettext_lazy("Public: in the catalogue and search")
    UNLISTED = "unlisted", gettext_lazy("Unlisted: only people with the link")


# The rows EventQuerySet.listed() reads, for the catalogue's partial indexes.
CATALOGUE = Q(status__in=LISTED, visibility=Visibility.PUBLIC)


class Event(EventRules, models.Model):
    Status = EventStatus
    Visibility = Visibility
    LISTED = LISTED

    # The composite indexes in Meta lead with these foreign keys, so they need no own index.
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organized_events",
        db_index=False,
        verbose_name=gettext_lazy("organizer"),
    )
    title = OneLineCharField(gettext_lazy("title"), max_length=200)
    slug = models.SlugField(gettext_lazy("slug"), max_length=220, unique=True, editable=False)
    # A draft may leave these blank, to be finished later; publishing needs them all
    # (rules.missing_to_publish, and the constraint event_complete_unless_draft).
    description = MultiLineTextField(
        gettext_lazy("description"), max_length=DESCRIPTION_MAX, blank=True
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,
        verbose_name=gettext_lazy("category"),
    )
    # Stored in UTC; typed and shown in the event's own zone (see forms and times.py).
    starts_at = models.DateTimeField(gettext_lazy("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(gettext_lazy("ends"), null=True, blank=True)
    time_zone = TimeZoneField(gettext_lazy("time zone"), default="UTC")
    venue = OneLineCharField(gettext_lazy("venue"), max_length=200, blank=True)
    city = OneLineCharField(gettext_lazy("city"), max_length=100, blank=True)
    is_online = models.BooleanField(gettext_lazy("online event"), default=False)
    online_url = models.URLField(
        gettext_lazy("online link"),
        blank=True,
        help_text=gettext_lazy("Shown only to registered attendees."),
    )
    poster = models.ImageField(gettext_lazy("poster"), upload_to="posters/", blank=True)
    poster_card = models.ImageField(
        gettext_lazy("card image"), upload_to="posters/cards/", blank=True, editable=False
    )
    capacity = models.PositiveIntegerField(gettext_lazy("capacity"), null=True, blank=True)
    seats_taken = models.PositiveIntegerField(
        gettext_lazy("seats taken"), default=0, editable=False
    )
    status = models.CharField(
        gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    waitlist_enabled = models.BooleanField(gettext_lazy("waitlist"), default=True)
    requires_approval = models.BooleanField(gettext_lazy("requires approval"), default=False)
    # Kept by services.questions, so pages know without a query whether Register
    # opens a form.
    asks_questions = models.BooleanField(
        gettext_lazy("asks questions"), default=False, editable=False
    )
    guests_allowed = models.PositiveSmallIntegerField(
        gettext_lazy("guests per registration"),
        default=0,
        validators=[MaxValueValidator(GUESTS_MAX)],
    )
    first_reminder_hours = models.PositiveSmallIntegerField(
        gettext_lazy("first reminder"), null=True, blank=True, default=24
    )
    second_reminder_hours = models.PositiveSmallIntegerField(
        gettext_lazy("second reminder"), null=True, blank=True, default=2
    )
    # The start announced before the latest move, for search engines' EventRescheduled.
    rescheduled_from = models.DateTimeField(
        gettext_lazy("rescheduled from"), null=True, blank=True, editable=False
    )
    visibility = models.CharField(
        gettext_lazy("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    # Off unless the organizer chooses: a small crowd may rather not be counted.
    shows_going = models.BooleanField(gettext_lazy("shows how many are going"), default=False)
    cancellation_reason = MultiLineTextField(
        gettext_lazy("cancellation reason"), max_length=REASON_MAX, blank=True, editable=False
    )
    cancelled_at = models.DateTimeField(
        gettext_lazy("cancelled at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    # Indexed: MAX(updated_at) versions the cached anonymous catalogue pages.
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = gettext_lazy("event")
        verbose_name_plural = gettext_lazy("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(seats_taken__gte=0) & Q(seats_taken__lte=F("capacity")),
                name="event_seats_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="event_capacity_positive"),
            # Only a draft may lack its time, seats or description: anything people can
            # see or register for has them.
            models.CheckConstraint(
                condition=Q(status=EventStatus.DRAFT)
                | (
                    Q(starts_at__isnull=False, ends_at__isnull=False, capacity__isnull=False)
                    & ~Q(description="")
                ),
                name="event_complete_unless_draft",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="event_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(guests_allowed__gte=0, guests_allowed__lte=GUESTS_MAX),
                name="event_guests_allowed_range",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True})
                    | Q(**{f"{field}__gte": 1, f"{field}__lte": REMINDER_HOURS[-1]}),
                    name=f"event_{field}_range",
                )
                for field in ("first_reminder_hours", "second_reminder_hours")
            ),
            # TextField has no size in the database, so the limits are checks.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), DESCRIPTION_MAX),
                name="event_description_length",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("cancellation_reason"), REASON_MAX),
                name="event_reason_length",
            ),
        ]
        indexes = [
            # The catalogue only ever reads listed events. Partial indexes in each
            # ordering let PostgreSQL walk them in order and stop after a page,
            # with ends_at inside so "upcoming" is checked without the table.
            models.Index(
                fields=["starts_at", "ends_at"],
                condition=CATALOGUE,
                name="event_listed_soonest",
            ),
            models.Index(
                fields=["-seats_taken", "starts_at", "ends_at"],
                condition=CATALOGUE,
                name="event_listed_popular",
            ),
            models.Index(
                fields=["-created_at", "ends_at"],
                condition=CATALOGUE,
                name="event_listed_newest",
            ),
            models.Index(fields=["ends_at"], condition=CATALOGUE, name="event_listed_ends"),
            models.Index(fields=["category", "starts_at"], name="event_category_starts"),
            models.Index(fields=["city", "starts_at"], name="event_city_starts"),
            models.Index(fields=["organizer", "starts_at"], name="event_organizer_starts"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.new_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    def new_slug(self) -> str:
        """The title's words and a random suffix. A counter on collision ("-2") would tell
        anyone that someone's draft has the same title; a suffix tells nothing."""
        base = slugify(self.title)[:200].strip("-") or "event"
        return f"{base}-{get_random_string(6, SLUG_SUFFIX_CHARS)}"

    @property
    def location(self) -> str:
        if self.is_online:
            return _("Online")
        return ", ".join(part for part in (self.venue, self.city) if part)

    @property
    def reminder_hours(self) -> list[int]:
        """How many hours before the start each reminder goes out, without repeats."""
        hours = (self.first_reminder_hours, self.second_reminder_hours)
        return sorted({h for h in hours if h}, reverse=True)

    @property
    def card_image(self):
        return self.poster_card or self.poster or None


class RegistrationStatus(models.TextChoices):
    # Asked to join an event that requires approval: holds no seat until approved.
    PENDING = "pending", gettext_lazy("Pending approval")
    CONFIRMED = "confirmed", gettext_lazy("Confirmed")
    WAITLISTED = "waitlisted", gettext_lazy("Waitlisted")
    DECLINED = "declined", gettext_lazy("Declined")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


ACTIVE = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
# The longest message an organizer may add to an approval or a decline.
MESSAGE_MAX = 1_000


def audience_condition(audience: str) -> Q:
    """Who a message to `audience` (a Message.Audience) reaches, as a condition on
    registrations."""
    confirmed = Q(status=RegistrationStatus.CONFIRMED)
    return {
        "confirmed": confirmed,
        "waitlisted": Q(status=RegistrationStatus.WAITLISTED),
        "pending": Q(status=RegistrationStatus.PENDING),
        "checked_in": confirmed & Q(checked_in_at__isnull=False),
        "not_checked_in": confirmed & Q(checked_in_at__isnull=True),
    }[audience]


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE)

    def counts(self) -> dict[str, int]:
        """How many people (guests included) are in each status, checked in, gave their
        seat back by link and got one from the waitlist, in one query:
        {"confirmed": 12, "pending": 3, ..., "checked_in": 4, "given_back": 1, "refilled": 1}."""
        by_status = {status: people(Q(status=status)) for status in RegistrationStatus.values}
        confirmed = Q(status=RegistrationStatus.CONFIRMED)
        given_back = Q(
            status=RegistrationStatus.CANCELLED, left_by_link=True, confirmed_at__isnull=False
        )
        return self.aggregate(
            **by_status,
            checked_in=people(confirmed & Q(checked_in_at__isnull=False)),
            given_back=people(given_back),
            refilled=people(confirmed & Q(promoted_at__isnull=False)),
        )

    def released_by(self, event) -> dict[str, int]:
        """Who held a place when `event` was cancelled, in people: {"seated": 3,
        "waiting": 1}, waiting meaning on the waitlist or awaiting approval. The
        cancellation stamps their rows with its own time (services.cancel_event)."""
        rows = self.filter(status=RegistrationStatus.CANCELLED, cancelled_at=event.cancelled_at)
        return rows.aggregate(
            seated=people(Q(confirmed_at__isnull=False)),
            waiting=people(Q(confirmed_at__isnull=True)),
        )

    def audience(self, audience: str):
        """The registrations a message to `audience` (Message.Audience) goes to."""
        return self.filter(audience_condition(audience))

    def waiting_people(self) -> int:
        """How many people (guests included) are on the waitlist: counts()'s
        "waitlisted" alone, for pages that need only that."""
        return self.aggregate(n=people(Q(status=RegistrationStatus.WAITLISTED)))["n"]

    def pending(self):
        """Requests waiting for the organizer, first come first served."""
        return self.filter(status=RegistrationStatus.PENDING).order_by("created_at", "pk")

    def search(self, text: str):
        """Attendees whose name or email contains `text`."""
        if not text:
            return self
        return self.filter(Q(user__name__icontains=text) | Q(user__email__icontains=text))

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waitlist(self):
        """Waitlisted registrations, first come first served."""
        return self.filter(status=RegistrationStatus.WAITLISTED).order_by("created_at", "pk")

    def with_waitlist_position(self):
        """Annotate `position`: 1 for the head of its event's waitlist (None if not waitlisted)."""
        ahead = (
            Registration.objects.filter(
                event=models.OuterRef("event"), status=RegistrationStatus.WAITLISTED
            )
            .filter(
                Q(created_at__lt=models.OuterRef("created_at"))
                | Q(created_at=models.OuterRef("created_at"), pk__lt=models.OuterRef("pk"))
            )
            .order_by()
            .values("event")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            position=models.Case(
                models.When(
                    status=RegistrationStatus.WAITLISTED,
                    then=Coalesce(models.Subquery(ahead), 0) + 1,
                ),
                default=None,
            )
        )


class Registration(models.Model):
    Status = RegistrationStatus

    # Indexed through the composite indexes in Meta, which lead with these keys.
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="registrations",
        db_index=False,
        verbose_name=gettext_lazy("event"),
    )
    # PROTECT: deleting a person would drop their seat without freeing it. Deactivate
    # the account instead.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registrations",
        db_index=False,
        verbose_name=gettext_lazy("attendee"),
    )
    status = models.CharField(
        gettext_lazy("status"), max_length=10, choices=RegistrationStatus.choices
    )
    # The waitlist queue order: a re-registration is a new row, so it queues anew.
    created_at = models.DateTimeField(gettext_lazy("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)
    confirmed_at = models.DateTimeField(gettext_lazy("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(gettext_lazy("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(gettext_lazy("checked in at"), null=True, blank=True)
    # When a seat came from the waitlist, and whether the person gave theirs up through
    # the "can't make it" link in an email: the figures after the event.
    promoted_at = models.DateTimeField(gettext_lazy("promoted at"), null=True, blank=True)
    left_by_link = models.BooleanField(gettext_lazy("cancelled from an email"), default=False)
    # The person and their guests, who all take a seat together or wait together.
    party_size = models.PositiveSmallIntegerField(gettext_lazy("party size"), default=1)
    # The guests' names where the person gave them (at most party_size - 1).
    guest_names = models.JSONField(gettext_lazy("guest names"), default=list, blank=True)
    # Sent with the organizer's approval or decline.
    organizer_message = MultiLineTextField(
        gettext_lazy("message from the organizer"), max_length=MESSAGE_MAX, blank=True
    )
    decided_at = models.DateTimeField(gettext_lazy("decided at"), null=True, blank=True)
    # iCalendar SEQUENCE: bumped whenever the attendee's calendar entry changes.
    sequence = models.PositiveIntegerField(gettext_lazy("calendar sequence"), default=0)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = gettext_lazy("registration")
        verbose_name_plural = gettext_lazy("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=ACTIVE),
                name="registration_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=Q(party_size__gte=1, party_size__lte=GUESTS_MAX + 1),
                name="registration_party_size_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values),
                name="registration_status_valid",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("organizer_message"), MESSAGE_MAX),
                name="registration_message_length",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="registration_queue"),
            models.Index(fields=["user", "status"], name="registration_user_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.event} ({self.status})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == RegistrationStatus.WAITLISTED

    @property
    def is_pending(self) -> bool:
        return self.status == RegistrationStatus.PENDING

    @property
    def guests(self) -> int:
        return self.party_size - 1


class EmailDeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        """Waiting to be sent, and their next try has come."""
        now = now or timezone.now()
        return self.filter(status=EmailDelivery.Status.PENDING, next_attempt_at__lte=now)

    def undelivered(self):
        """Failed at least once, so waiting for a retry, or failed for good: what an
        organizer needs to know about. A fresh email waiting for the worker is not."""
        return self.filter(
            Q(status=EmailDelivery.Status.FAILED)
            | Q(status=EmailDelivery.Status.PENDING, attempts__gt=0)
        )

    def for_event(self, event):
        return self.filter(registration__event=event)


class EmailDelivery(models.Model):
    """One email to one person. The row is written with the change that causes the email,
    so the email exists if and only if the change committed; it is then sent, retried
    with backoff while the failure is temporary, or kept as failed for a person to send
    again. See events.outbox."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting to be sent")
        SENDING = "sending", gettext_lazy("Sending")
        SENT = "sent", gettext_lazy("Sent")
        FAILED = "failed", gettext_lazy("Failed")
        # A later email about the same registration went out first (see outbox._build).
        OUTDATED = "outdated", gettext_lazy("Not sent: out of date")

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", gettext_lazy("Registration confirmed")
        WAITLISTED = "waitlisted", gettext_lazy("Joined the waitlist")
        PROMOTED = "promoted", gettext_lazy("Promoted from the waitlist")
        REQUESTED = "requested", gettext_lazy("Request received")
        APPROVED = "approved", gettext_lazy("Request approved")
        DECLINED = "declined", gettext_lazy("Request declined")
        CANCELLED = "cancelled", gettext_lazy("Registration cancelled")
        CHANGED = "changed", gettext_lazy("New time or place")
        EVENT_CANCELLED = "event_cancelled", gettext_lazy("Event cancelled")
        REMINDER = "reminder", gettext_lazy("Reminder before the event")
        MESSAGE = "message", gettext_lazy("Message from the organizer")
        PASSWORD_RESET = "password_reset", gettext_lazy("Password reset")
        CONFIRM_EMAIL = "confirm_email", gettext_lazy("Confirm your email address")
        CONFIRM_NEW_EMAIL = "confirm_new_email", gettext_lazy("Confirm a new email address")
        EMAIL_CHANGING = "email_changing", gettext_lazy("Email address being changed")
        ALREADY_SIGNED_UP = (
            "already_signed_up",
            gettext_lazy("Sign-up with an address that has an account"),
        )

    kind = models.CharField(gettext_lazy("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_deliveries",
        verbose_name=gettext_lazy("recipient"),
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_deliveries",
        verbose_name=gettext_lazy("registration"),
    )
    # Where it goes when that is not the person's current address (the old address,
    # told that it is being replaced).
    address = models.EmailField(gettext_lazy("address"), blank=True)
    status = models.CharField(
        gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(gettext_lazy("attempts"), default=0)
    next_attempt_at = models.DateTimeField(gettext_lazy("next attempt at"), default=timezone.now)
    last_error = models.TextField(gettext_lazy("last error"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)
    sent_at = models.DateTimeField(gettext_lazy("sent at"), null=True, blank=True)
    # The organizer's message this email carries (kind MESSAGE).
    message = models.ForeignKey(
        "events.Message",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=gettext_lazy("message"),
    )
    # Set on emails that must go once only (a reminder: its hours and the start it is
    # for), so a retried task or a second worker can't queue it twice.
    dedupe_key = models.CharField(gettext_lazy("sent once as"), max_length=60, blank=True)

    objects = EmailDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = gettext_lazy("email delivery")
        verbose_name_plural = gettext_lazy("email deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="email_delivery_once",
            ),
        ]
        indexes = [
            # Sent rows pile up as the history; the queue and the problems stay small.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=~Q(status__in=["sent", "outdated"]),
                name="email_delivery_open",
            ),
        ]

    def __str__(self) -> str:
        return _("%(kind)s to %(user)s (%(status)s)") % {
            "kind": self.get_kind_display(),
            "user": self.user,
            "status": self.status,
        }


# Registered as models of this app.
from .message_models import Message  # noqa: E402, F401
from .question_models import Answer, Question  # noqa: E402, F401
