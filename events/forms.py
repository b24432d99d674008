from django import forms
from django.utils import timezone

from .models import REASON_MAX, Event
from .posters import MAX_BYTES, PosterField
from .sections import Section
from .text import MultiLineFormField

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_CAPACITY = 100_000


def datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class EventForm(forms.ModelForm):
    capacity = forms.IntegerField(
        min_value=1,
        max_value=MAX_CAPACITY,
        error_messages={
            "min_value": "Capacity must be at least 1.",
            "max_value": f"Capacity can be at most {MAX_CAPACITY:,}.",
        },
        help_text="How many people can attend.",
    )
    poster = PosterField(
        required=False,
        help_text=f"JPEG, PNG or WebP, up to {MAX_BYTES // (1024 * 1024)} MB.",
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "category",
            "description",
            "starts_at",
            "ends_at",
            "is_online",
            "venue",
            "city",
            "online_url",
            "capacity",
            "waitlist_enabled",
        ]
        labels = {"is_online": "This is an online event", "waitlist_enabled": "Offer a waitlist"}
        help_texts = {
            "starts_at": "Times are in UTC.",
            "waitlist_enabled": "When the event is full, people can queue for a seat.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "starts_at": datetime_input(),
            "ends_at": datetime_input(),
            "online_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args, section: Section | None = None, locked=(), **kwargs):
        """`section` keeps only that inline-edit section's fields, the first focused;
        `locked` fields show their value but ignore anything submitted for them."""
        super().__init__(*args, **kwargs)
        if section:
            self._keep_only(section)
        for name in set(locked) & set(self.fields):
            self.fields[name].disabled = True
            self.fields[name].help_text = "This can't change once the event has started."
        if "category" in self.fields:
            self.fields["category"].empty_label = "Choose a category"
        for name in {"starts_at", "ends_at"} & set(self.fields):
            self.fields[name].input_formats = [
                DATETIME_FORMAT,
                "%Y-%m-%d %H:%M",
                "%Y-%m-%d %H:%M:%S",
            ]

    def _keep_only(self, section: Section) -> None:
        for name in set(self.fields) - set(section.fields):
            del self.fields[name]
        if "poster" in self.fields:
            # The poster section exists to upload one.
            self.fields["poster"].required = True
            self.fields["poster"].error_messages["required"] = "Choose an image to upload."
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
        """What the organizer changed, for services.update_event (the poster goes apart)."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "poster"}

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if "starts_at" in self.changed_data and starts_at <= timezone.now():
            raise forms.ValidationError("The start must be in the future.", code="past_start")
        return starts_at

    def clean(self):
        cleaned = super().clean()
        if "ends_at" in self.fields:
            starts_at, ends_at = self.value("starts_at"), cleaned.get("ends_at")
            if starts_at and ends_at and ends_at <= starts_at:
                self.add_error("ends_at", "The event must end after it starts.")
        if "is_online" not in self.fields or self.fields["is_online"].disabled:
            return cleaned
        if cleaned.get("is_online"):
            if not cleaned.get("online_url"):
                self.add_error("online_url", "Online events need a link for attendees.")
        else:
            for field, label in (("venue", "a venue"), ("city", "a city")):
                if not cleaned.get(field):
                    self.add_error(field, f"In-person events need {label}.")
        return cleaned


class CancelEventForm(forms.Form):
    reason = MultiLineFormField(
        label="Why is the event cancelled?",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Everyone registered or on the waitlist gets this in their email.",
        error_messages={"required": "Tell attendees why the event is cancelled."},
    )
