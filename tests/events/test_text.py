"""Single-line fields stay on one line and long texts keep their size, whichever way
they are written: forms, the admin, services, QuerySet.update() and the database."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from events import services
from events.forms import CancelEventForm
from events.models import Category, Event
from events.text import multi_line, one_line
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

BREAKS = ["\r", "\n", "\r\n", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x00", "\t"]


@pytest.mark.parametrize("brk", BREAKS, ids=[repr(b) for b in BREAKS])
def test_one_line_turns_every_break_and_control_character_into_a_space(brk):
    assert one_line(f"  Team meetup{brk}{brk}Berlin ") == "Team meetup Berlin"


def test_one_line_keeps_emoji_sequences_and_accents():
    family = "Family picnic 👨\u200d👩\u200d👧 in Malmö"
    assert one_line(family) == family


def test_multi_line_keeps_paragraphs_as_plain_newlines():
    assert multi_line("One\r\nTwo\u2028Three\u2029Four\x00!") == "One\nTwo\nThree\n\nFour !"


def test_services_and_queryset_updates_store_one_line():
    event = EventFactory()
    changes = {"title": "New\u2028title", "city": "A\nB"}
    event = services.update_event(event=event, changes=changes).event
    assert (event.title, event.city) == ("New title", "A B")
    Event.objects.filter(pk=event.pk).update(venue="Hall\r\n7")
    event.refresh_from_db()
    assert event.venue == "Hall 7"


def test_the_admin_stores_one_line(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:events_category_add"), {"name": "Music\u2028& art", "slug": "music"}
    )
    assert response.status_code == 302
    assert Category.objects.get().name == "Music & art"


def test_a_person_s_name_is_one_line(client, user):
    client.force_login(user)
    client.post(reverse("accounts:profile"), {"name": "Ada\nLovelace", "email": user.email})
    user.refresh_from_db()
    assert user.name == "Ada Lovelace"


def test_the_database_refuses_an_oversized_description():
    event = EventFactory()
    with pytest.raises(IntegrityError):
        Event.objects.filter(pk=event.pk).update(description="x" * 20_001)


def test_a_cancellation_reason_is_capped_with_a_clear_message():
    form = CancelEventForm({"reason": "x" * 2001})
    assert "at most 2000 characters" in form.errors["reason"][0]
