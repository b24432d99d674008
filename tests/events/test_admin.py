import pytest

from events.models import Event
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_event_changelist_filters_and_searches(admin_client):
    EventFactory(title="Jazz night", status=Event.Status.CANCELLED)
    EventFactory(title="Django sprint")
    response = admin_client.get("/admin/events/event/", {"q": "jazz", "status__exact": "cancelled"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jazz night" in html and "Django sprint" not in html


def test_capacity_is_read_only_once_the_event_exists(admin_client):
    event = EventFactory()
    html = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert 'name="capacity"' not in html
    assert 'name="capacity"' in admin_client.get("/admin/events/event/add/").content.decode()


def test_category_admin(admin_client):
    assert admin_client.get("/admin/events/category/add/").status_code == 200
