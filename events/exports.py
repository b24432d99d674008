"""CSV export of an event's registrations, streamed row by row."""

import csv
from collections.abc import Iterator

from .models import Event

HEADER = ["Name", "Email", "Status", "Registered at", "Checked in at"]
# Times are on the event's clock, with their offset, so a spreadsheet reads them as
# people at the event would and no instant is lost.
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP
# "CSV injection"); a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _time(value, zone) -> str:
    return value.astimezone(zone).isoformat(timespec="seconds") if value else ""


def attendee_rows(event: Event) -> Iterator[list[str]]:
    yield HEADER
    registrations = (
        event.registrations.select_related("user")
        .only("status", "created_at", "checked_in_at", "user__name", "user__email")
        .order_by("created_at", "pk")
    )
    # iterator(): 50,000 rows are read in chunks, never all held in memory.
    for registration in registrations.iterator(chunk_size=2000):
        user = registration.user
        yield [
            safe_cell(user.name),
            safe_cell(user.email),
            registration.get_status_display(),
            _time(registration.created_at, event.time_zone),
            _time(registration.checked_in_at, event.time_zone),
        ]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(event: Event) -> Iterator[str]:
    # The byte-order mark lets Excel open UTF-8 names correctly.
    yield "\ufeff"
    writer = csv.writer(_Echo())
    for row in attendee_rows(event):
        yield writer.writerow(row)
