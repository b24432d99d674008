"""Time zones: the ones people choose from, and how a zone is named on a page.

Zones are IANA names (Europe/Oslo). The choice list keeps the canonical Area/City
zones and UTC, leaving out the legacy aliases (US/Eastern, EST5EDT, Etc/GMT+5) that
the database also knows, so each place appears once under its region.
"""

import functools
import zoneinfo
from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _

REGIONS = {
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
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
    groups: dict[str, list] = {}
    for name in zone_names()[1:]:
        label = f"{name.split('/', 1)[1].replace('_', ' ')} ({offset(name, moment)})"
        groups.setdefault(name.split("/")[0], []).append((name, label))
    return [("UTC", "UTC"), *((REGIONS[region], zones) for region, zones in groups.items())]
