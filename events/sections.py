"""The event page's inline-edit sections: each edits a few fields of the event."""

from typing import NamedTuple

from django.utils.translation import pgettext_lazy


class Section(NamedTuple):
    """One inline-edit section of the event page: its id, what its Edit button says
    ("Edit {label}"), and the fields it edits."""

    name: str
    label: str  # lazy: translated when shown
    fields: tuple[str, ...]

    @property
    def is_fact(self) -> bool:
        """Shown as a term and its description in the event's facts (a <dl>), where its
        Edit button and its form must sit inside the <dd>."""
        return self.name in FACTS


FACTS = {"when", "where"}


SECTIONS = {
    section.name: section
    for section in (
        Section("title", pgettext_lazy("the part an Edit button edits", "title"), ("title",)),
        Section(
            "category", pgettext_lazy("the part an Edit button edits", "category"), ("category",)
        ),
        Section(
            "description",
            pgettext_lazy("the part an Edit button edits", "description"),
            ("description",),
        ),
        Section(
            "when",
            pgettext_lazy("the part an Edit button edits", "date and time"),
            ("starts_at", "ends_at", "time_zone"),
        ),
        Section(
            "where",
            pgettext_lazy("the part an Edit button edits", "venue"),
            ("is_online", "venue", "city", "online_url"),
        ),
        Section(
            "seats",
            pgettext_lazy("the part an Edit button edits", "seats and registration"),
            ("capacity", "guests_allowed", "waitlist_enabled", "requires_approval"),
        ),
        Section(
            "reminders",
            pgettext_lazy("the part an Edit button edits", "reminders"),
            ("first_reminder_hours", "second_reminder_hours"),
        ),
        Section(
            "visibility",
            pgettext_lazy("the part an Edit button edits", "visibility"),
            ("visibility", "shows_going"),
        ),
        Section("poster", pgettext_lazy("the part an Edit button edits", "poster"), ("poster",)),
    )
}


def locked_sections(event) -> set[str]:
    """The sections of this event's page that can't be edited any more."""
    locked = event.locked_fields()
    return {name for name, section in SECTIONS.items() if locked & set(section.fields)}
