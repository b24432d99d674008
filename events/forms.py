from datetime import UTC, datetime

from django import forms
from django.utils import dateformat, timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from . import zones
from .models import GUESTS_MAX, REASON_MAX, REMINDER_HOURS, Event
from .posters import MAX_BYTES, PosterField
from .sections import Section
from .text import MultiLineFormField
from .times import before_start

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_CAPACITY = 100_000
TIME_FIELDS = ("starts_at", "ends_at")
# A draft needs its title only; these wait until it is published (rules.missing_to_publish).
NEEDED_TO_PUBLISH = ("description", "starts_at", "ends_at", "time_zone", "capacity")
# Settings added after the first forms were served: a form without them keeps them.
# (A checkbox can't be one: unticked, it is absent too.)
KEPT_WHEN_ABSENT = ("visibility", "guests_allowed", "first_reminder_hours", "second_reminder_hours")


def _capacity_limit_error() -> str:
    limit = number_format(MAX_CAPACITY, force_grouping=True)
    return _("Capacity can be at most %(max)s.") % {"max": limit}


def _poster_help_text() -> str:
    return _("JPEG, PNG or WebP, up to %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}


# Lazy, so each is written in the language of the request that shows it.
capacity_limit_error = lazy(_capacity_limit_error, str)
poster_help_text = lazy(_poster_help_text, str)


def guest_limit_choices() -> list[tuple[int, str]]:
    choices = [(0, _("None: each person registers alone"))]
    for count in range(1, GUESTS_MAX + 1):
        up_to = ngettext("Up to %(count)s guest", "Up to %(count)s guests", count)
        choices.append((count, up_to % {"count": count}))
    return choices


def reminder_choices() -> list[tuple[str, str]]:
    return [("", _("Off")), *((hours, before_start(hours)) for hours in REMINDER_HOURS)]


class ReminderField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=reminder_choices, coerce=int, empty_value=None, required=False, **kwargs
        )


class LocalDateTimeField(forms.DateTimeField):
    """A date and time on the event's own clock. It cleans to a naive datetime, which
    EventForm.clean() places in the zone chosen in the same form; an existing time is
    shown on the clock of `zone`, the event's zone."""

    zone = UTC

    def __init__(self, **kwargs):
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
        formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        super().__init__(widget=widget, input_formats=formats, **kwargs)

    def _on_clock(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.make_naive(value, self.zone)
        return value

    def prepare_value(self, value):
        return self._on_clock(value)

    def to_python(self, value):
        if isinstance(value, datetime):
            return self._on_clock(value)
        # Parsed in UTC, which has no clock changes, so the wall-clock time stays as typed.
        with timezone.override(UTC):
            value = super().to_python(value)
        return value and timezone.make_naive(value, UTC)

    def has_changed(self, initial, data):
        return super().has_changed(self._on_clock(initial), data)


class EventForm(forms.ModelForm):
    capacity = forms.IntegerField(
        min_value=1,
        max_value=MAX_CAPACITY,
        label=gettext_lazy("Capacity"),
        error_messages={
            "min_value": gettext_lazy("Capacity must be at least 1."),
            "max_value": capacity_limit_error(),
        },
        help_text=gettext_lazy("How many people can attend."),
    )
    poster = PosterField(
        required=False,
        label=gettext_lazy("Poster"),
        help_text=poster_help_text(),
    )
    starts_at = LocalDateTimeField(
        label=gettext_lazy("Starts"), help_text=gettext_lazy("On the clock where the event is.")
    )
    ends_at = LocalDateTimeField(label=gettext_lazy("Ends"))
    time_zone = forms.TypedChoiceField(
        label=gettext_lazy("Time zone"), choices=zones.choices, coerce=zones.named, empty_value=None
    )
    guests_allowed = forms.TypedChoiceField(
        label=gettext_lazy("Guests per registration"),
        choices=guest_limit_choices,
        coerce=int,
        initial=0,
        help_text=gettext_lazy("Guests take seats too, and wait on the waitlist together."),
    )
    first_reminder_hours = ReminderField(
        label=gettext_lazy("First reminder"),
        initial=24,
        help_text=gettext_lazy(
            "Emailed to everyone with a seat, with the calendar file and a link to give "
            "the seat back if they can't come."
        ),
    )
    second_reminder_hours = ReminderField(label=gettext_lazy("Second reminder"), initial=2)

    class Meta:
        model = Event
        fields = [
            "title",
            "category",
            "description",
            "starts_at",
            "ends_at",
            "time_zone",
            "is_online",
            "venue",
            "city",
            "online_url",
            "capacity",
            "waitlist_enabled",
            "guests_allowed",
            "requires_approval",
            "first_reminder_hours",
            "second_reminder_hours",
            "visibility",
            "shows_going",
        ]
        # The rest take the models' translated verbose names.
        labels = {
            "is_online": gettext_lazy("This is an online event"),
            "waitlist_enabled": gettext_lazy("Offer a waitlist"),
            "requires_approval": gettext_lazy("Require approval"),
            "shows_going": gettext_lazy("Show how many people are going"),
        }
        help_texts = {
            "waitlist_enabled": gettext_lazy(
                "When the event is full, people can queue for a seat."
            ),
            "requires_approval": gettext_lazy(
                "Registering sends you a request that holds no seat; you approve or decline "
                "each one from the attendee list."
            ),
            "shows_going": gettext_lazy(
                "The event page says how many have a seat, guests included."
            ),
            "visibility": gettext_lazy(
                "An unlisted event is left out of the catalogue, search, the API's list and "
                "search engines. Registering works the same."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "online_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "visibility": forms.RadioSelect,
        }

    def __init__(
        self, *args, section: Section | None = None, locked=(), draft: bool | None = None, **kwargs
    ):
        """`section` keeps only that inline-edit section's fields, the first focused;
        `locked` fields show their value but ignore anything submitted for them;
        `draft` (by default, whether the event may lack details) leaves all but the title
        optional."""
        super().__init__(*args, **kwargs)
        self.draft = self.instance.may_lack_details if draft is None else draft
        for name in set(NEEDED_TO_PUBLISH) & set(self.fields):
            self.fields[name].required = not self.draft
            if self.instance.is_draft:
                # Publishing a draft, new or saved: the other way out is to keep it one.
                self.fields[name].error_messages["required"] = _(
                    "Publishing needs this. Fill it in, or save as a draft to finish later."
                )
        if section:
            self._keep_only(section)
        for name in set(locked) & set(self.fields):
            self.fields[name].disabled = True
            self.fields[name].help_text = _("This can't change once the event has started.")
        if "category" in self.fields:
            self.fields["category"].empty_label = _("Choose a category")
        for name in set(KEPT_WHEN_ABSENT) & set(self.fields):
            if self.is_bound and name not in self.data:
                # A form from before the setting existed leaves the event as it was.
                self.fields[name].disabled = True
        for name in set(TIME_FIELDS) & set(self.fields):
            self.fields[name].zone = self.instance.time_zone
        # Validating a ModelForm writes the new values onto the instance; changes()
        # compares the instants with these.
        self.saved_times = {name: getattr(self.instance, name) for name in TIME_FIELDS}

    def _keep_only(self, section: Section) -> None:
        for name in set(self.fields) - set(section.fields):
            del self.fields[name]
        if "poster" in self.fields:
            # The poster section exists to upload one.
            self.fields["poster"].required = True
            self.fields["poster"].error_messages["required"] = _("Choose an image to upload.")
        next(iter(self.fields.values())).widget.attrs["autofocus"] = True

    def validate_constraints(self):
        # clean() already checks what the check constraints check (the database still
        # enforces them), so the model's per-constraint queries would only repeat it.
        pass

    def value(self, name):
        """The submitted value of a field in this form, else the event's current one."""
        if name in self.fields:
            return self.cleaned_data.get(name)
        return getattr(self.instance, name)

    def changes(self) -> dict:
        """What the organizer changed, for services.update_event (the poster goes apart).
        A time counts when its instant moved: the same typed time in another zone did."""
        changed = {name: self.cleaned_data[name] for name in self.changed_data}
        for name in set(TIME_FIELDS) & set(self.fields):
            if self.cleaned_data.get(name) != self.saved_times[name]:
                changed[name] = self.cleaned_data[name]
        changed.pop("poster", None)
        return changed

    def clean(self):
        cleaned = super().clean()
        if "time_zone" in self.fields and cleaned.get("time_zone") is None and self.draft:
            cleaned["time_zone"] = self.instance.time_zone
        self._place_times(cleaned)
        starts_at = cleaned.get("starts_at")
        moved = "starts_at" in self.fields and starts_at != self.saved_times["starts_at"]
        if moved and starts_at and starts_at <= timezone.now():
            self.add_error("starts_at", _("The start must be in the future."))
        if "ends_at" in self.fields:
            starts_at, ends_at = self.value("starts_at"), cleaned.get("ends_at")
            if starts_at and ends_at and ends_at <= starts_at:
                self.add_error("ends_at", _("The event must end after it starts."))
        if self.draft or "is_online" not in self.fields or self.fields["is_online"].disabled:
            return cleaned
        if cleaned.get("is_online"):
            if not cleaned.get("online_url"):
                self.add_error("online_url", _("Online events need a link for attendees."))
        else:
            missing = {
                "venue": _("In-person events need a venue."),
                "city": _("In-person events need a city."),
            }
            for field, error in missing.items():
                if not cleaned.get(field):
                    self.add_error(field, error)
        return cleaned

    def _place_times(self, cleaned) -> None:
        """Turn the typed wall-clock times into instants in the chosen zone."""
        zone = self.value("time_zone")
        zone_changed = "time_zone" in self.changed_data
        for name in set(TIME_FIELDS) & set(self.fields):
            if self.fields[name].disabled:
                cleaned[name] = getattr(self.instance, name)
            elif not (zone_changed or name in self.changed_data or self.saved_times[name] is None):
                # Untouched: kept as saved, even in an hour a clock change makes ambiguous.
                cleaned[name] = self.saved_times[name]
            elif zone is None:
                cleaned.pop(name, None)  # no zone to place it in: its field says why
            elif cleaned.get(name):
                try:
                    cleaned[name] = zones.aware(cleaned[name], zone)
                except zones.ClockChange as change:
                    cleaned.pop(name)
                    self.add_error(name, clock_change_error(change, zone))


def clock_change_error(change: zones.ClockChange, zone) -> str:
    typed = change.naive
    facts = {
        "time": dateformat.format(typed, pgettext("time of day", "H:i")),
        "date": dateformat.format(typed, pgettext("date with year", "D j M Y")),
        "place": zones.city(zone),
    }
    if isinstance(change, zones.ClockOverlap):
        message = _(
            "%(time)s on %(date)s happens twice in %(place)s: the clocks go back an hour "
            "that night. Choose a time outside that hour."
        )
    else:
        message = _(
            "%(time)s on %(date)s doesn't exist in %(place)s: the clocks go forward an hour "
            "that night. Choose a time after the change."
        )
    return message % facts


class CancelEventForm(forms.Form):
    reason = MultiLineFormField(
        label=gettext_lazy("Why is the event cancelled?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Everyone registered or on the waitlist gets this in their email."),
        error_messages={"required": gettext_lazy("Tell attendees why the event is cancelled.")},
    )
