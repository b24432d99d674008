"""The short form Register opens when an event takes guests: how many, and their names."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import GUEST_NAME_MAX, Event
from .text import OneLineFormField


class PartyForm(forms.Form):
    """Only reads the input: services.Party checks it against the event, and the view
    puts what it refuses back on the field it names."""

    guests = forms.TypedChoiceField(label=gettext_lazy("Guests"), coerce=int)

    def __init__(self, *args, event: Event, current: int = 0, **kwargs):
        """`current`: the guests the person already brings, kept even above a limit the
        organizer has lowered since."""
        super().__init__(*args, **kwargs)
        limit = max(event.guests_allowed, current)
        choices = [(0, _("Just me"))]
        for count in range(1, limit + 1):
            plus = ngettext("Me and %(count)s guest", "Me and %(count)s guests", count)
            choices.append((count, plus % {"count": count}))
        self.fields["guests"].choices = choices
        self.fields["guests"].widget.attrs.update({"autofocus": True, "data-guests": ""})
        for number in range(1, limit + 1):
            self.fields[f"guest_{number}"] = OneLineFormField(
                label=_("Guest %(number)s") % {"number": number},
                max_length=GUEST_NAME_MAX,
                required=False,
            )

    def name_fields(self):
        return [field for field in self if field.name.startswith("guest_")]

    def party(self) -> tuple[int, list[str]]:
        """The guests and the names given, for services.register and change_party."""
        names = [self.cleaned_data[field.name] for field in self.name_fields()]
        return self.cleaned_data["guests"], names

    def refuse(self, field: str | None, message: str) -> None:
        """Show a refusal from the services where it belongs."""
        self.add_error("guests" if field == "guests" else None, message)
