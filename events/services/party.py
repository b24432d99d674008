"""A registration's party: the person and the guests they bring, checked against what
the event allows. The form, the API and the services all check through Party.of."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import GUEST_NAME_MAX, GUESTS_MAX, Event
from ..text import one_line
from .errors import InvalidChange


@dataclass(frozen=True)
class Party:
    guests: int = 0
    names: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return 1 + self.guests

    @classmethod
    def of(cls, event: Event, guests=0, names=(), *, current: int = 0) -> "Party":
        """The party, or InvalidChange naming the field at fault. `current` is the
        guests someone already brings: lowering the event's limit later never forces
        them to drop a guest, it only stops them adding one."""
        guests = _guests(event, guests, current)
        return cls(guests, _names(names, guests))


def _guests(event: Event, guests, current: int) -> int:
    # bool is an int in Python, and true is not a number of guests.
    if isinstance(guests, bool) or not isinstance(guests, int) or guests < 0:
        raise InvalidChange(_("Enter the number of guests as a whole number."), field="guests")
    limit = max(event.guests_allowed, current)
    if guests <= limit:
        return guests
    if not limit:
        raise InvalidChange(_("This event doesn't take guests."), field="guests")
    message = ngettext(
        "You can bring %(count)s guest at most.", "You can bring %(count)s guests at most.", limit
    )
    raise InvalidChange(message % {"count": limit}, field="guests")


def _names(names, guests: int) -> tuple[str, ...]:
    """The names given, each on one line, blanks left out."""
    if isinstance(names, str) or not isinstance(names, list | tuple):
        raise InvalidChange(_("Give the guests' names as a list."), field="guest_names")
    if not all(isinstance(name, str) for name in names):
        raise InvalidChange(_("Each guest's name must be text."), field="guest_names")
    if len(names) > GUESTS_MAX:
        raise InvalidChange(_("That's more names than anyone may bring."), field="guest_names")
    names = tuple(name for name in map(one_line, names) if name)
    if names and not guests:
        raise InvalidChange(
            _("You're not bringing guests, so leave their names empty."), field="guest_names"
        )
    if len(names) > guests:
        message = ngettext(
            "You named more guests than you bring: name %(count)s at most.",
            "You named more guests than you bring: name %(count)s at most.",
            guests,
        )
        raise InvalidChange(message % {"count": guests}, field="guest_names")
    if any(len(name) > GUEST_NAME_MAX for name in names):
        message = _("Keep each guest's name under %(max)s characters.")
        raise InvalidChange(message % {"max": GUEST_NAME_MAX}, field="guest_names")
    return names
