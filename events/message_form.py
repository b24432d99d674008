"""The organizer's form for writing to attendees: to whom, what, and when."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import zones
from .forms import LocalDateTimeField, clock_change_error
from .message_models import BODY_MAX, SUBJECT_MAX, Audience
from .services.messages import MessageSpec
from .text import MultiLineFormField


class MessageForm(forms.Form):
    audience = forms.ChoiceField(
        label=gettext_lazy("To"), widget=forms.RadioSelect, initial=Audience.CONFIRMED
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=SUBJECT_MAX)
    body = MultiLineFormField(
        label=gettext_lazy("Message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Plain text. Each email adds the event's time and place, its link, and a way "
            "to give the seat back. Replies come to your email address."
        ),
    )
    when = forms.ChoiceField(
        label=gettext_lazy("When"),
        choices=[("now", gettext_lazy("Send now")), ("later", gettext_lazy("Schedule it"))],
        widget=forms.RadioSelect,
        initial="now",
    )
    send_at = LocalDateTimeField(
        label=gettext_lazy("Send at"),
        required=False,
        help_text=gettext_lazy("On the event's clock."),
    )

    def __init__(self, *args, event, counts: dict[str, int], **kwargs):
        """`counts`: how many emails each audience would get now."""
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["send_at"].zone = event.time_zone
        self.fields["audience"].choices = [
            (value, f"{label} ({counts[value]})") for value, label in Audience.choices
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") != "later":
            cleaned["send_at"] = None
            return cleaned
        if not cleaned.get("send_at"):
            if "send_at" not in self.errors:
                self.add_error("send_at", _("Choose when to send it."))
            return cleaned
        try:
            cleaned["send_at"] = zones.aware(cleaned["send_at"], self.event.time_zone)
        except zones.ClockChange as change:
            self.add_error("send_at", clock_change_error(change, self.event.time_zone))
        return cleaned

    def spec(self) -> MessageSpec:
        data = self.cleaned_data
        return MessageSpec(
            audience=data["audience"],
            subject=data["subject"],
            body=data["body"],
            send_at=data["send_at"],
        )
