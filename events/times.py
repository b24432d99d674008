"""How a time is written for people: in the event's own zone, and in the viewer's.

An event at 19:00 in Oslo reads "Fri 6 Mar, 19:00 CET (Oslo)": the abbreviation says
which clock, and the city where that clock is. A viewer elsewhere also gets their own
clock: "Fri 6 Mar, 13:00 EST (New York)".
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .zones import city, offset


def day(moment: datetime, zone) -> str:
    local = moment.astimezone(zone)
    if local.year == timezone.now().astimezone(zone).year:
        return dateformat.format(local, pgettext("date without year", "D j M"))
    return dateformat.format(local, pgettext("date with year", "D j M Y"))


def clock(moment: datetime, zone) -> str:
    return dateformat.format(moment.astimezone(zone), pgettext("time of day", "H:i"))


def abbreviation(moment: datetime, zone) -> str:
    """CET, EST, IST; zones without a letter abbreviation get their offset (UTC-03:00)."""
    name = moment.astimezone(zone).tzname()
    return offset(zone, moment) if name[0] in "+-" else name


def clock_and_abbreviation(at: datetime, zone) -> str:
    """19:00 CET."""
    return f"{clock(at, zone)} {abbreviation(at, zone)}"


def stamp(at: datetime, zone) -> str:
    """Fri 6 Mar, 19:00 CET: for tables, where the zone's city is said once."""
    return f"{day(at, zone)}, {clock_and_abbreviation(at, zone)}"


def where_clock(zone, abbreviations: str) -> str:
    """ " (Oslo)" after the abbreviations; nothing for UTC, which names itself."""
    place = city(zone)
    return "" if place == abbreviations else f" ({place})"


def moment(at: datetime, zone) -> str:
    """Fri 6 Mar, 19:00 CET (Oslo)."""
    return f"{stamp(at, zone)}{where_clock(zone, abbreviation(at, zone))}"


def span(starts: datetime, ends: datetime, zone) -> str:
    """From start to end in one line, "Fri 6 Mar, 19:00 - 21:00 CET (Oslo)" with an en
    dash; both dates when it ends on another day, and each abbreviation when a clock
    change falls inside it."""
    start = f"{day(starts, zone)}, {clock(starts, zone)}"
    end = clock(ends, zone)
    if starts.astimezone(zone).date() != ends.astimezone(zone).date():
        end = f"{day(ends, zone)}, {end}"
    first, last = abbreviation(starts, zone), abbreviation(ends, zone)
    if first != last:
        return f"{start} {first} – {end} {last} ({city(zone)})"
    return f"{start} – {end} {last}{where_clock(zone, last)}"


def on_event_clock(at: datetime | None, event) -> str | None:
    """An instant in ISO 8601 with the event's own offset, for machines (the API, search
    engines); None while a draft has no such time yet."""
    return at.astimezone(event.time_zone).isoformat() if at else None


def same_clock(zone, other, event) -> bool:
    """Whether both zones read the event's times alike, as Paris and Berlin do: then the
    second clock adds nothing but a name."""
    return all(
        at.astimezone(zone).replace(tzinfo=None) == at.astimezone(other).replace(tzinfo=None)
        and abbreviation(at, zone) == abbreviation(at, other)
        for at in (event.starts_at, event.ends_at)
        if at is not None
    )


@dataclass(frozen=True)
class When:
    """An event's times for one viewer: in its zone, and in theirs when that helps."""

    local: str
    viewer: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    zone: str
    whole: bool
    # Nothing is known of the viewer's zone: the page asks the browser (app.js).
    ask_browser: bool


def when(event, viewer_zone, *, whole: bool = True) -> When:
    """`whole`: the span from start to end; else the start only, as cards show it.
    A draft without those times yet gets a When with no `starts_at`, which says so."""
    zone = event.time_zone
    if event.starts_at is None:
        unset = _("Date and time to be set")
        return When(unset, None, None, None, str(zone), whole, ask_browser=False)
    # A draft may have its start before its end: it shows the start.
    whole = whole and event.ends_at is not None

    def write(zone) -> str:
        if whole:
            return span(event.starts_at, event.ends_at, zone)
        return moment(event.starts_at, zone)

    viewer = None
    if viewer_zone is not None and not same_clock(zone, viewer_zone, event):
        viewer = write(viewer_zone)
    return When(
        local=write(zone),
        viewer=viewer,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        zone=str(zone),
        whole=whole,
        ask_browser=viewer_zone is None,
    )


def before_start(hours: int) -> str:
    """ "2 hours before", "1 day before", "1 week before": how a reminder is timed."""
    if hours % 168 == 0:
        weeks = hours // 168
        return ngettext("%(count)s week before", "%(count)s weeks before", weeks) % {"count": weeks}
    if hours % 24 == 0:
        days = hours // 24
        return ngettext("%(count)s day before", "%(count)s days before", days) % {"count": days}
    return ngettext("%(count)s hour before", "%(count)s hours before", hours) % {"count": hours}
