from django import forms
from django.utils import timezone

from .models import Event
from .posters import MAX_BYTES, PosterField

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].empty_label = "Choose a category"
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [
                DATETIME_FORMAT,
                "%Y-%m-%d %H:%M",
                "%Y-%m-%d %H:%M:%S",
            ]

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if "starts_at" in self.changed_data and starts_at <= timezone.now():
            raise forms.ValidationError("The start must be in the future.", code="past_start")
        return starts_at

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The event must end after it starts.")
        if cleaned.get("is_online"):
            if not cleaned.get("online_url"):
                self.add_error("online_url", "Online events need a link for attendees.")
        else:
            for field, label in (("venue", "a venue"), ("city", "a city")):
                if not cleaned.get(field):
                    self.add_error(field, f"In-person events need {label}.")
        return cleaned
