"""The event page's inline-edit sections: each edits a few fields of the event."""

from typing import NamedTuple


class Section(NamedTuple):
    """One inline-edit section of the event page: its id, what its Edit button says
    ("Edit {label}"), and the fields it edits."""

    name: str
    label: str
    fields: tuple[str, ...]


SECTIONS = {
    section.name: section
    for section in (
        Section("title", "title", ("title",)),
        Section("category", "category", ("category",)),
        Section("description", "description", ("description",)),
        Section("when", "date and time", ("starts_at", "ends_at", "time_zone")),
        Section("where", "venue", ("is_online", "venue", "city", "online_url")),
        Section("seats", "capacity and waitlist", ("capacity", "waitlist_enabled")),
        Section("poster", "poster", ("poster",)),
    )
}


def locked_sections(event) -> set[str]:
    """The sections of this event's page that can't be edited any more."""
    locked = event.locked_fields()
    return {name for name, section in SECTIONS.items() if locked & set(section.fields)}
