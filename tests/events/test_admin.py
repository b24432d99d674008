import re

import pytest
from django.urls import reverse

from events import services
from events.models import Category, Event
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


def change(admin_client, event, **fields):
    data = {
        "title": event.title,
        "description": event.description,
        "category": event.category_id or "",
        "organizer": event.organizer_id,
    }
    return admin_client.post(f"/admin/events/event/{event.pk}/change/", data | fields)


def test_seats_times_places_and_status_are_read_only_with_a_link_to_the_event_page(
    admin_client,
):
    event = EventFactory()
    html = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    for field in ("capacity", "status", "starts_at", "ends_at", "venue", "waitlist_enabled"):
        assert f'name="{field}"' not in html, field
    assert 'name="title"' in html
    assert f'href="{event.get_absolute_url()}"' in html
    assert admin_client.get("/admin/events/event/add/").status_code == 403


def test_a_forged_admin_post_cannot_cancel_or_move_an_event(admin_client):
    event = EventFactory(capacity=5)
    registration = services.register(user=UserFactory(), event=event).registration
    response = change(
        admin_client,
        event,
        status="cancelled",
        starts_at_0="2030-01-01",
        starts_at_1="10:00",
        capacity="0",
        title="Renamed",
    )
    assert response.status_code == 302
    starts_at = event.starts_at
    event.refresh_from_db()
    registration.refresh_from_db()
    assert (event.status, event.starts_at, event.capacity) == ("published", starts_at, 5)
    assert (event.title, event.seats_taken, registration.status) == ("Renamed", 1, "confirmed")


def test_admin_edits_go_through_the_services(admin_client, monkeypatch):
    event = EventFactory()
    calls = []
    real = services.update_event
    monkeypatch.setattr(
        services, "update_event", lambda **kw: calls.append(kw["changes"]) or real(**kw)
    )
    new_owner = UserFactory()
    change(admin_client, event, title="Better title", organizer=new_owner.pk)
    assert calls == [{"title": "Better title", "organizer": new_owner}]
    event.refresh_from_db()
    assert (event.title, event.organizer) == ("Better title", new_owner)


def test_a_cancelled_event_is_read_only_in_the_admin_too(admin_client):
    event = EventFactory()
    services.cancel_event(event=event, reason="Rain.")
    html = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert 'name="title"' not in html


def test_staff_add_and_rename_categories_and_the_catalogue_offers_them(admin_client):
    def category_choices():
        html = admin_client.get(reverse("events:list")).content.decode()
        return re.findall(r'<option value="(\w+)">([^<]+)</option>', html)

    assert ("workshops", "Workshops") not in category_choices()  # the choices are cached now
    added = admin_client.post(
        "/admin/events/category/add/", {"name": "Workshops", "slug": "workshops"}, follow=True
    )
    assert ">Workshops</a></th>" in added.content.decode()  # back on the list, with it
    assert ("workshops", "Workshops") in category_choices()

    category = Category.objects.get(slug="workshops")
    renamed = admin_client.post(
        f"/admin/events/category/{category.pk}/change/",
        {"name": "Hands-on workshops", "slug": "workshops"},
        follow=True,
    )
    assert ">Hands-on workshops</a></th>" in renamed.content.decode()
    choices = category_choices()
    assert ("workshops", "Hands-on workshops") in choices
    assert ("workshops", "Workshops") not in choices


@pytest.mark.parametrize("is_staff", [False, True], ids=["member", "staff without rights"])
def test_only_staff_with_the_right_manage_categories(client, is_staff):
    client.force_login(UserFactory(is_staff=is_staff))
    response = client.post("/admin/events/category/add/", {"name": "Spam", "slug": "spam"})
    if is_staff:
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert not Category.objects.filter(slug="spam").exists()


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


def test_staff_see_what_organizers_wrote_and_cannot_change_it(admin_client):
    from events.message_models import Message

    event = EventFactory(title="Jazz night")
    message = Message.objects.create(
        event=event, author=event.organizer, audience="confirmed", subject="Free beer", body="!"
    )
    page = admin_client.get("/admin/events/message/", {"q": "beer"}).content.decode()
    assert "Free beer" in page and "Jazz night" in page
    detail = admin_client.get(f"/admin/events/message/{message.pk}/change/").content.decode()
    assert 'name="subject"' not in detail
    assert admin_client.get("/admin/events/message/add/").status_code == 403
