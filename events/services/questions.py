"""The organizer's questions: adding, changing, reordering and removing them.

Every change runs under the event's lock and keeps Event.asks_questions true exactly
while a question is asked. A question may depend on an earlier choice question only,
so the form always reads top to bottom."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Event
from ..question_models import (
    CHOICE_KINDS,
    CONDITION_KINDS,
    OPTION_MAX,
    OPTIONS_MAX,
    QUESTIONS_MAX,
    Question,
)
from ..text import one_line
from .common import lock
from .errors import EventLocked, InvalidChange


@dataclass(frozen=True)
class QuestionSpec:
    """What the organizer typed: the options one per entry, the condition as the id
    of an earlier question and the answer it needs."""

    kind: str
    label: str
    help_text: str = ""
    required: bool = False
    options: list[str] = field(default_factory=list)
    shown_if: int | None = None
    shown_if_answer: str = ""


def add_question(*, event: Event, spec: QuestionSpec) -> Question:
    with transaction.atomic():
        event = _editable(event)
        asked = list(event.questions.asked())
        if len(asked) >= QUESTIONS_MAX:
            message = ngettext(
                "An event can ask %(count)s question at most.",
                "An event can ask %(count)s questions at most.",
                QUESTIONS_MAX,
            )
            raise InvalidChange(message % {"count": QUESTIONS_MAX})
        question = Question(event=event, position=_next_position(event))
        _apply(question, spec, earlier=asked)
        question.save()
        _set_asks(event, True)
    return question


def update_question(*, question: Question, spec: QuestionSpec) -> Question:
    with transaction.atomic():
        event = _editable(question.event)
        asked = list(event.questions.asked())
        question = _among(asked, question)
        earlier = asked[: asked.index(question)]
        _apply(question, spec, earlier=earlier)
        _check_dependents(question)
        question.save()
    return question


def remove_question(*, question: Question) -> None:
    """Stop asking it; the answers given so far stay readable."""
    with transaction.atomic():
        event = _editable(question.event)
        question = _among(list(event.questions.asked()), question)
        if dependent := question.dependents.filter(removed_at__isnull=True).first():
            raise InvalidChange(
                _("“%(other)s” is asked only after an answer to this question. Change it first.")
                % {"other": dependent.label}
            )
        question.removed_at = timezone.now()
        question.save(update_fields=["removed_at"])
        _set_asks(event, event.questions.asked().exists())


def move_question(*, question: Question, up: bool) -> None:
    """Swap it with the question before (up) or after it, unless that would ask a
    question before the one it depends on."""
    with transaction.atomic():
        event = _editable(question.event)
        asked = list(event.questions.asked())
        question = _among(asked, question)
        index = asked.index(question)
        other_index = index - 1 if up else index + 1
        if not 0 <= other_index < len(asked):
            return
        first, second = sorted([question, asked[other_index]], key=asked.index)
        if second.shown_if_id == first.pk:
            raise InvalidChange(
                _("“%(later)s” depends on the answer to “%(earlier)s”, so it stays after it.")
                % {"later": second.label, "earlier": first.label}
            )
        asked[index], asked[other_index] = asked[other_index], asked[index]
        for position, each in enumerate(asked):
            each.position = position
        Question.objects.bulk_update(asked, ["position"])


def _editable(event: Event) -> Event:
    event = lock(event)
    if refused := event.editing_closed:
        raise EventLocked(refused)
    return event


def _among(asked: list[Question], question: Question) -> Question:
    """The question as locked, or a refusal when it was removed meanwhile."""
    for each in asked:
        if each.pk == question.pk:
            return each
    raise InvalidChange(_("This question was removed meanwhile."))


def _next_position(event: Event) -> int:
    highest = event.questions.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


def _set_asks(event: Event, asks: bool) -> None:
    if event.asks_questions != asks:
        event.asks_questions = asks
        # updated_at versions the cached pages, whose Register button changes.
        event.save(update_fields=["asks_questions", "updated_at"])


def _apply(question: Question, spec: QuestionSpec, *, earlier: list[Question]) -> None:
    label = one_line(spec.label)
    if not label:
        raise InvalidChange(_("Write the question."), field="label")
    question.kind, question.label = spec.kind, label
    question.help_text, question.required = one_line(spec.help_text), spec.required
    question.options = _options(spec) if spec.kind in CHOICE_KINDS else []
    question.shown_if, question.shown_if_answer = _condition(spec, earlier)


def _options(spec: QuestionSpec) -> list[str]:
    options = list(dict.fromkeys(o for o in map(one_line, spec.options) if o))
    if len(options) < 2:
        raise InvalidChange(_("Give at least two options, one per line."), field="options")
    if len(options) > OPTIONS_MAX:
        message = _("Give %(max)s options at most.") % {"max": OPTIONS_MAX}
        raise InvalidChange(message, field="options")
    if any(len(option) > OPTION_MAX for option in options):
        message = _("Keep each option under %(max)s characters.") % {"max": OPTION_MAX}
        raise InvalidChange(message, field="options")
    return options


def _condition(spec: QuestionSpec, earlier: list[Question]):
    if spec.shown_if is None:
        return None, ""
    source = next((q for q in earlier if q.pk == spec.shown_if), None)
    if source is None or source.kind not in CONDITION_KINDS:
        raise InvalidChange(
            _("A question can depend only on an earlier choice or yes-or-no question."),
            field="condition",
        )
    if spec.shown_if_answer not in dict(source.choices()):
        raise InvalidChange(_("Choose one of that question's answers."), field="condition")
    return source, spec.shown_if_answer


def _check_dependents(question: Question) -> None:
    """A change must not take away the answer a later question depends on."""
    answers = dict(question.choices()) if question.kind in CONDITION_KINDS else {}
    for dependent in question.dependents.filter(removed_at__isnull=True):
        if dependent.shown_if_answer not in answers:
            raise InvalidChange(
                _("“%(other)s” is asked only when the answer is “%(answer)s”; keep that answer.")
                % {"other": dependent.label, "answer": dependent.shown_if_answer},
                field="options",
            )
