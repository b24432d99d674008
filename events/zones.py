"""Time zones: the ones people choose from, and how a zone is named on a page.

Zones are IANA names (Europe/Oslo). The choice list keeps the Area/City zones and UTC
under their regions, leaving out the legacy names (US/Eastern, EST5EDT, Etc/GMT+5)
that the database also knows. Older Area/City spellings (Asia/Calcutta beside
Asia/Kolkata) stay: some browsers still report them, and Python's zone database does
not say which spelling is current.
"""

import functools
import zoneinfo
from datetime import UTC, datetime

from django.utils.translation import gettext_lazy

REGIONS = {
    "Africa": gettext_lazy("Africa"),
    "America": gettext_lazy("Americas"),
    "Antarctica": gettext_lazy("Antarctica"),
    "Asia": gettext_lazy("Asia"),
    "Atlantic": gettext_lazy("Atlantic"),
    "Australia": gettext_lazy("Australia"),
    "Europe": gettext_lazy("Europe"),
    "Indian": gettext_lazy("Indian Ocean"),
    "Pacific": gettext_lazy("Pacific"),
}


@functools.cache
def zone_names() -> tuple[str, ...]:
    names = (
        name
        for name in zoneinfo.available_timezones()
        if name.split("/")[0] in REGIONS and "/" in name
    )
    return ("UTC", *sorted(names))


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(zone_names())


def is_known(name: str) -> bool:
    return name in _known()


def named(name) -> zoneinfo.ZoneInfo:
    """The zone of a name from the choices (or of a zone: forms pass the saved one
    when they check for changes); ValueError, which forms report as an invalid
    choice, for any other name, rather than zoneinfo's KeyError."""
    name = str(name)
    if not is_known(name):
        raise ValueError(f"Unknown time zone: {name!r}")
    return zoneinfo.ZoneInfo(name)


def city(zone) -> str:
    """The place a zone is named after: Europe/Oslo is "Oslo", and
    America/Argentina/Buenos_Aires "Buenos Aires"."""
    return str(zone).rsplit("/", 1)[-1].replace("_", " ")


def offset(zone, moment: datetime) -> str:
    """UTC+01:00, UTC-03:00, UTC+05:30: the zone's offset at `moment`."""
    minutes = int(moment.astimezone(zoneinfo.ZoneInfo(str(zone))).utcoffset().total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02}:{minutes:02}"


class ClockChange(ValueError):
    """A wall-clock time that a clock change makes missing or ambiguous."""

    def __init__(self, naive: datetime):
        super().__init__(naive)
        self.naive = naive


class ClockGap(ClockChange):
    """The zone skips this time: clocks go forward over it."""


class ClockOverlap(ClockChange):
    """The zone has this time twice: clocks go back over it."""


def aware(naive: datetime, zone) -> datetime:
    """`naive` as a time on the zone's clock. Raises ClockGap or ClockOverlap when a
    clock change makes it missing or ambiguous, rather than guessing."""
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    # Through UTC and back: a time in a gap comes back as another time.
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive:
        raise ClockOverlap(naive)
    raise ClockGap(naive)


def choices(moment: datetime | None = None) -> list:
    """Grouped (region, [(name, label)]) choices, each labelled with its city and the
    offset it has now, so "Oslo (UTC+01:00)" in winter and "(UTC+02:00)" in summer."""
    moment = moment or datetime.now(UTC)
    # Offsets change a few times a year, so a label up to an hour old is right but for
    # an hour around a clock change; working out ~400 of them per form is wasted work.
    return _choices_at(moment.replace(minute=0, second=0, microsecond=0))


@functools.lru_cache(maxsize=2)
def _choices_at(moment: datetime) -> list:
    groups: dict[str, list] = {}
    for name in zone_names()[1:]:
        label = f"{name.split('/', 1)[1].replace('_', ' ')} ({offset(name, moment)})"
        groups.setdefault(name.split("/")[0], []).append((name, label))
    return [("UTC", "UTC"), *((REGIONS[region], zones) for region, zones in groups.items())]
