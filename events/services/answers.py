"""Answers to an event's questions: checked against the questions asked now, and
stored as text that stays readable whatever happens to the question later."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Event, Registration
from ..question_models import (
    LONG_ANSWER_MAX,
    NO,
    SHORT_ANSWER_MAX,
    YES,
    Answer,
    Question,
    QuestionKind,
)
from ..text import multi_line, one_line, row_id
from .errors import InvalidAnswers

# A number anyone would type in a registration form: a count, an age, a shoe size.
NUMBER_LIMIT = Decimal(10) ** 9


def check_answers(event: Event, answers) -> dict[Question, str]:
    """The answers to store, by question, from {question id: value}. Raises
    InvalidAnswers naming every answer at fault, so nothing half-applies."""
    if answers is None:
        answers = {}
    # The flag spares the one-click path a query; answers given are always checked.
    questions = list(event.questions.asked()) if event.asks_questions or answers else []
    if not isinstance(answers, dict):
        raise InvalidAnswers({0: _("Give the answers as an object of question ids.")})
    by_id = {question.pk: question for question in questions}
    given, errors = {}, {}
    for key, value in answers.items():
        pk = row_id(key)
        if pk not in by_id:
            errors[pk or 0] = _("This event has no question %(id)s.") % {"id": key}
        else:
            given[pk] = value
    stored = {}
    # In order, so a condition reads the answer it depends on, given earlier.
    for question in questions:
        value = given.get(question.pk)
        if isinstance(value, str):
            value = value.strip()
        blank = value is None or value == "" or value == []
        if not _shown(question, stored):
            if not blank:
                errors[question.pk] = _hidden_message(question, by_id)
        elif blank:
            if question.required:
                errors[question.pk] = _("This question needs an answer.")
        else:
            try:
                stored[question.pk] = _text(question, value)
            except ValueError as exc:
                errors[question.pk] = str(exc)
    if errors:
        raise InvalidAnswers(errors)
    return {by_id[pk]: text for pk, text in stored.items()}


def _shown(question: Question, stored: dict[int, str]) -> bool:
    if question.shown_if_id is None:
        return True
    return question.shown_if_answer in stored.get(question.shown_if_id, "").splitlines()


def _hidden_message(question: Question, by_id: dict[int, Question]) -> str:
    source = by_id[question.shown_if_id]
    return _("Leave this empty: it's only asked when “%(question)s” is “%(answer)s”.") % {
        "question": source.label,
        "answer": source.display(question.shown_if_answer),
    }


def _text(question: Question, value) -> str:
    """The answer as stored, or ValueError saying what's wrong with it."""
    kind = question.kind
    if kind == QuestionKind.NUMBER:
        return _number(value)
    if kind == QuestionKind.YES_NO:
        if value in (True, YES):
            return YES
        if value in (False, NO):
            return NO
        raise ValueError(_("Answer yes or no."))
    if kind == QuestionKind.CHOICES:
        picked = [value] if isinstance(value, str) else value
        if not isinstance(picked, list | tuple) or not all(isinstance(v, str) for v in picked):
            raise ValueError(_("Choose from the options given."))
        if unknown := set(picked) - set(question.options):
            raise ValueError(_("“%(choice)s” isn't one of the options.") % {"choice": min(unknown)})
        return "\n".join(option for option in question.options if option in picked)
    if not isinstance(value, str):
        raise ValueError(_("Answer with text."))
    if kind == QuestionKind.CHOICE:
        if value not in question.options:
            raise ValueError(_("“%(choice)s” isn't one of the options.") % {"choice": value[:100]})
        return value
    text, limit = (
        (one_line(value), SHORT_ANSWER_MAX)
        if kind == QuestionKind.SHORT_TEXT
        else (multi_line(value).strip(), LONG_ANSWER_MAX)
    )
    if len(text) > limit:
        too_long = ngettext(
            "Keep this answer under %(max)s character.",
            "Keep this answer under %(max)s characters.",
            limit,
        )
        raise ValueError(too_long % {"max": number_format(limit, force_grouping=True)})
    return text


def _number(value) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(_("Enter a number."))
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("Enter a number.")) from None
    # A tiny exponent (1e-999999) would be written out to a gigabyte of zeros.
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT or number.as_tuple().exponent < -6:
        raise ValueError(_("Enter a number."))
    # 2.50 stays as typed; 1E+2 is written out.
    return format(number, "f")


def save_answers(
    registration: Registration, answers: dict[Question, str], *, replace: bool = False
) -> None:
    """Store the answers; `replace` first drops the answers to the questions asked now
    (answers to questions removed since are kept, as given)."""
    if replace:
        registration.answers.filter(question__removed_at__isnull=True).delete()
    Answer.objects.bulk_create(
        Answer(registration=registration, question=question, text=text)
        for question, text in answers.items()
    )
