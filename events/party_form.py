"""The short form Register opens when an event takes guests or asks questions: how
many guests and their names, and the organizer's questions."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import GUEST_NAME_MAX, Event
from .question_models import LONG_ANSWER_MAX, SHORT_ANSWER_MAX, Question
from .services.errors import InvalidAnswers
from .text import OneLineFormField


class PartyForm(forms.Form):
    """Only reads the input: the services check it against the event (services.Party,
    services.answers), and the view puts what they refuse back on the field at fault.
    Every question is optional here, as whether one must be answered depends on the
    answers before it."""

    guests = forms.TypedChoiceField(label=gettext_lazy("Guests"), coerce=int)

    def __init__(self, *args, event: Event, current: int = 0, questions=(), **kwargs):
        """`current`: the guests the person already brings, kept even above a limit the
        organizer has lowered since. `questions`: the event's questions asked now."""
        super().__init__(*args, **kwargs)
        limit = max(event.guests_allowed, current)
        if limit:
            self._guest_fields(limit)
        else:
            del self.fields["guests"]
        self.questions = list(questions)
        for question in self.questions:
            self.fields[name_of(question)] = question_field(question)
        if self.fields:
            next(iter(self.fields.values())).widget.attrs["autofocus"] = True

    def _guest_fields(self, limit: int) -> None:
        choices = [(0, _("Just me"))]
        for count in range(1, limit + 1):
            plus = ngettext("Me and %(count)s guest", "Me and %(count)s guests", count)
            choices.append((count, plus % {"count": count}))
        self.fields["guests"].choices = choices
        self.fields["guests"].widget.attrs["data-guests"] = ""
        for number in range(1, limit + 1):
            self.fields[f"guest_{number}"] = OneLineFormField(
                label=_("Guest %(number)s") % {"number": number},
                max_length=GUEST_NAME_MAX,
                required=False,
            )

    def name_fields(self):
        return [field for field in self if field.name.startswith("guest_")]

    def question_fields(self):
        """Each question's field, the question, and when it is asked: None for always,
        else the earlier question's label and the answer it needs, as people read it."""
        by_id = {question.pk: question for question in self.questions}
        fields = []
        for question in self.questions:
            source = by_id.get(question.shown_if_id)
            condition = source and {
                "question": source.label,
                "answer": source.display(question.shown_if_answer),
            }
            fields.append((self[name_of(question)], question, condition))
        return fields

    def party(self) -> tuple[int, list[str]]:
        """The guests and the names given, for services.register and change_party."""
        names = [self.cleaned_data[field.name] for field in self.name_fields()]
        return self.cleaned_data.get("guests", 0), names

    def answers(self) -> dict[int, object]:
        return {question.pk: self.cleaned_data[name_of(question)] for question in self.questions}

    def refuse(self, exc) -> None:
        """Show a refusal from the services where it belongs."""
        if isinstance(exc, InvalidAnswers):
            for pk, message in exc.errors.items():
                name = f"q_{pk}"
                self.add_error(name if name in self.fields else None, message)
        else:
            field = exc.field if exc.field == "guests" and "guests" in self.fields else None
            self.add_error(field, exc.message)
        focus_first_error(self)

    @staticmethod
    def initial_for(registration) -> dict:
        """The form as the registration stands: its guests, their names, its answers."""
        initial = {"guests": registration.guests}
        for number, name in enumerate(registration.guest_names, start=1):
            initial[f"guest_{number}"] = name
        for answer in registration.answers.select_related("question"):
            text = answer.text
            many = answer.question.kind == Question.Kind.CHOICES
            initial[name_of(answer.question)] = text.splitlines() if many else text
        return initial


def focus_first_error(form: forms.Form) -> None:
    """Move autofocus to the first field with an error, so a person (and a screen
    reader) lands on what to fix when the form comes back."""
    wrong = [name for name in form.fields if name in form.errors]
    if not wrong:
        return
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)
    form.fields[wrong[0]].widget.attrs["autofocus"] = True


def name_of(question: Question) -> str:
    return f"q_{question.pk}"


def question_field(question: Question) -> forms.Field:
    label = question.label
    if question.required:
        label = _("%(question)s (required)") % {"question": label}
    common = {"label": label, "help_text": question.help_text, "required": False}
    # Not `required`, which would stop the browser sending a question its condition
    # hides; aria-required tells assistive technology all the same.
    attrs = {"aria-required": "true"} if question.required else {}
    kind = question.kind
    if kind == Question.Kind.LONG_TEXT:
        widget = forms.Textarea(attrs={"rows": 3, **attrs})
        return forms.CharField(max_length=LONG_ANSWER_MAX, widget=widget, **common)
    if kind == Question.Kind.NUMBER:
        # Text, not type=number: "2,5" is a number too, and the service reads it.
        widget = forms.TextInput(attrs={"inputmode": "decimal", **attrs})
        return forms.CharField(max_length=30, widget=widget, **common)
    if kind == Question.Kind.CHOICES:
        return forms.MultipleChoiceField(
            choices=question.choices(), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind in (Question.Kind.CHOICE, Question.Kind.YES_NO):
        return forms.ChoiceField(choices=question.choices(), widget=forms.RadioSelect, **common)
    return forms.CharField(
        max_length=SHORT_ANSWER_MAX, widget=forms.TextInput(attrs=attrs), **common
    )
