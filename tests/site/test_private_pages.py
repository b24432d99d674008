"""Pages with personal data tell browsers and proxies to keep no copy."""

import pytest
from django.urls import reverse

from events import services
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(client):
    organizer = UserFactory()
    event = EventFactory(organizer=organizer)
    services.register(user=UserFactory(), event=event)
    client.force_login(organizer)
    return event


@pytest.mark.parametrize(
    "name, needs_slug",
    [
        ("my-registrations", False),
        ("organize:dashboard", False),
        ("organize:attendees", True),
        ("organize:export", True),
        ("accounts:profile", False),
        ("accounts:password_change", False),
    ],
)
@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["plain", "htmx"])
def test_personal_pages_are_private_and_never_stored(client, event, name, needs_slug, headers):
    url = reverse(name, kwargs={"slug": event.slug}) if needs_slug else reverse(name)
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control


def test_the_public_catalogue_stays_cacheable(client):
    assert "no-store" not in client.get(reverse("home")).get("Cache-Control", "")
