"""A NUL character anywhere a person can type is never a 500 (PostgreSQL refuses NUL
in text)."""

import pytest
from django.urls import reverse

from events import services
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(client):
    organizer = UserFactory(is_staff=True, is_superuser=True)
    event = EventFactory(organizer=organizer, title="Ada's meetup")
    services.register(user=UserFactory(name="Ada"), event=event)
    client.force_login(organizer)
    return event


@pytest.mark.parametrize("value", ["%00", "a%00b", "Ada%00"])
def test_search_boxes_and_filters_ignore_nul(client, event, value):
    attendees = reverse("organize:attendees", kwargs={"slug": event.slug})
    pages = [
        f"{attendees}?q={value}",
        f"/?q={value}&city={value}",
        f"/api/events/?q={value}",
        f"/admin/events/event/?status__exact={value}",
        f"/admin/events/event/?q={value}",
        f"/admin/accounts/user/?q={value}",
        f"/organize/?show={value}",
    ]
    for page in pages:
        assert client.get(page).status_code in (200, 302), page


def test_the_search_still_finds_what_surrounds_the_nul(client, event):
    attendees = reverse("organize:attendees", kwargs={"slug": event.slug})
    assert 'data-label="Name">Ada<' in client.get(f"{attendees}?q=A%00da").content.decode()


def test_forms_store_text_without_nul(client, event):
    user = event.organizer
    response = client.post(
        reverse("accounts:profile"), {"name": "Ada\x00Byron", "email": user.email}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.name == "Ada Byron"


def test_a_nul_in_the_login_form_is_a_form_error(client):
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "a\x00@b.c", "password": "x"})
    assert response.status_code == 200
