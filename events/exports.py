"""CSV export of an event's registrations, streamed row by row."""

import csv
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .models import Event, Registration

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP
# "CSV injection"); a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _time(value, zone) -> str:
    # On the event's clock, with its offset: a spreadsheet reads the time as people at
    # the event would, and no instant is lost.
    return value.astimezone(zone).isoformat(timespec="seconds") if value else ""


def column_names(questions=()) -> list[str]:
    """The header: the fixed columns, then one per question, removed ones marked."""
    asked = [
        _("%(question)s (removed)") % {"question": q.label} if q.removed_at else q.label
        for q in questions
    ]
    return [
        _("Name"),
        _("Email"),
        _("Status"),
        _("Guests"),
        _("Guest names"),
        _("Registered at"),
        _("Checked in at"),
        *asked,
    ]


def attendee_rows(
    event: Event, *, header: list[str], statuses: dict[str, str], questions, labels
) -> Iterator[list[str]]:
    """The header, then one row per registration; `statuses` names each status,
    `questions` are the header's question columns, in order, and `labels` their
    answers' words (Question.choices)."""
    yield header
    registrations = (
        event.registrations.select_related("user")
        .only(
            "status",
            "party_size",
            "guest_names",
            "created_at",
            "checked_in_at",
            "user__name",
            "user__email",
        )
        .prefetch_related("answers")
        .order_by("created_at", "pk")
    )
    # iterator(): 50,000 rows are read in chunks, never all held in memory.
    for registration in registrations.iterator(chunk_size=2000):
        user = registration.user
        yield [
            safe_cell(user.name),
            safe_cell(user.email),
            statuses.get(registration.status, registration.status),
            str(registration.guests),
            safe_cell("; ".join(registration.guest_names)),
            _time(registration.created_at, event.time_zone),
            _time(registration.checked_in_at, event.time_zone),
            *_answers(registration, questions, labels),
        ]


def _answers(registration: Registration, questions, labels) -> list[str]:
    given = {answer.question_id: answer.text for answer in registration.answers.all()}
    return [
        safe_cell(question.display(given[question.pk], labels[question.pk]))
        if question.pk in given
        else ""
        for question in questions
    ]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(event: Event) -> Iterator[str]:
    """The file's lines. The rows are made while the response is sent, after the view
    has returned, so the words are translated now, in the request's language."""
    statuses = {value: str(label) for value, label in Registration.Status.choices}
    questions = list(event.questions.order_by("position", "pk"))
    labels = {question.pk: dict(question.choices()) for question in questions}
    rows = attendee_rows(
        event,
        header=column_names(questions),
        statuses=statuses,
        questions=questions,
        labels=labels,
    )
    return _lines(rows)


def _lines(rows: Iterator[list[str]]) -> Iterator[str]:
    # The byte-order mark lets Excel open UTF-8 names correctly.
    yield "\ufeff"
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)
