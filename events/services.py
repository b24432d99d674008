"""The only code that writes events, registrations and seat counts.

Every function is keyword-only, runs in one transaction, and raises a domain
error that views turn into a message and a status code.
"""

from django.db import IntegrityError, transaction

from .models import Event
from .posters import Poster


def create_event(*, organizer, event: Event, poster: Poster | None, publish: bool) -> Event:
    """Save a new event for `organizer`, with its poster, as a draft or published."""
    event.organizer = organizer
    event.status = Event.Status.PUBLISHED if publish else Event.Status.DRAFT
    stored = []
    try:
        with transaction.atomic():
            if poster:
                for field, content in (("poster", poster.full), ("poster_card", poster.card)):
                    getattr(event, field).save(content.name, content, save=False)
                    stored.append(getattr(event, field).name)
            _save_with_unique_slug(event)
    except BaseException:
        # The row is rolled back; remove the files so no orphan is left behind.
        for name in stored:
            Event._meta.get_field("poster").storage.delete(name)
        raise
    return event


def _save_with_unique_slug(event: Event, attempts: int = 3) -> None:
    # Two events with the same title can race for one slug: the loser picks the next.
    for attempt in range(attempts):
        event.slug = event.unique_slug()
        try:
            with transaction.atomic():
                event.save()
            return
        except IntegrityError:
            if attempt == attempts - 1 or not Event.objects.filter(slug=event.slug).exists():
                raise
