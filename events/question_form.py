"""The organizer's form for one question: what the services take as a QuestionSpec."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .question_models import (
    CONDITION_KINDS,
    HELP_MAX,
    LABEL_MAX,
    OPTION_MAX,
    OPTIONS_MAX,
    Question,
)
from .services import QuestionSpec
from .text import MultiLineFormField, OneLineFormField, row_id


class QuestionForm(forms.Form):
    label = OneLineFormField(label=gettext_lazy("Question"), max_length=LABEL_MAX)
    kind = forms.ChoiceField(label=gettext_lazy("Answer"), choices=Question.Kind.choices)
    options = MultiLineFormField(
        label=gettext_lazy("Options"),
        required=False,
        max_length=(OPTION_MAX + 1) * OPTIONS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For one or several choices: one option per line."),
    )
    help_text = OneLineFormField(
        label=gettext_lazy("Help text (optional)"), max_length=HELP_MAX, required=False
    )
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False)
    condition = forms.ChoiceField(label=gettext_lazy("Ask it"), required=False)

    def __init__(self, *args, earlier=(), question: Question | None = None, **kwargs):
        """`earlier`: the questions before this one, which its condition may name."""
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "label": question.label,
                "kind": question.kind,
                "options": "\n".join(question.options),
                "help_text": question.help_text,
                "required": question.required,
                "condition": condition_value(question),
            }
        super().__init__(*args, **kwargs)
        choices = [("", _("Always"))]
        for source in earlier:
            if source.kind in CONDITION_KINDS:
                for value, shown in source.choices():
                    when = _("Only when “%(question)s” is “%(answer)s”")
                    choices.append(
                        (f"{source.pk}:{value}", when % {"question": source.label, "answer": shown})
                    )
        self.fields["condition"].choices = choices
        # Only one question form shows at a time: focus lands in it when it swaps in.
        self.fields["label"].widget.attrs["autofocus"] = True

    def spec(self) -> QuestionSpec:
        data = self.cleaned_data
        shown_if, _sep, answer = (data.get("condition") or "").partition(":")
        return QuestionSpec(
            kind=data["kind"],
            label=data["label"],
            help_text=data["help_text"],
            required=data["required"],
            options=data["options"].splitlines(),
            shown_if=row_id(shown_if),
            shown_if_answer=answer,
        )


def condition_value(question: Question) -> str:
    return f"{question.shown_if_id}:{question.shown_if_answer}" if question.shown_if_id else ""
