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


def test_email_deliveries_are_listed_and_failed_ones_can_be_sent_again(admin_client):
    from events import services
    from events.models import EmailDelivery

    services.register(user=UserFactory(email="ann@example.com"), event=EventFactory())
    EmailDelivery.objects.update(status="failed", last_error="SMTPDataError: 554")
    page = admin_client.get("/admin/events/emaildelivery/", {"status__exact": "failed"})
    assert "ann@example.com" in page.content.decode()
    delivery = EmailDelivery.objects.get()
    response = admin_client.post(
        "/admin/events/emaildelivery/",
        {"action": "send_again", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "1 queued to be sent again." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    detail = admin_client.get(f"/admin/events/emaildelivery/{delivery.pk}/change/")
    assert detail.status_code == 200
    assert 'name="status"' not in detail.content.decode()  # history is read-only
