import pytest
from django.core import mail
from django.urls import reverse

from events import services
from events.models import Event
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name, event):
    return reverse(f"events:{name}", kwargs={"slug": event.slug})


@pytest.fixture
def draft(client):
    event = EventFactory(status=Event.Status.DRAFT, title="Plan B")
    client.force_login(event.organizer)
    return event


def test_publish_then_back_to_draft(client, draft):
    response = client.post(url("publish", draft), follow=True)
    assert "Your event is published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED
    client.post(url("unpublish", draft))
    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT


def test_refusals_come_back_as_messages(client, draft):
    html = client.post(url("unpublish", draft), follow=True).content.decode()
    assert "Only published events can go back to draft." in html


def test_status_changes_are_post_only(client, draft):
    assert client.get(url("publish", draft)).status_code == 405


def test_cancel_asks_for_a_reason_and_says_who_is_told(client):
    event = EventFactory(capacity=1)
    for _ in range(2):
        services.register(user=UserFactory(), event=event)
    client.force_login(event.organizer)
    page = client.get(url("cancel-event", event)).content.decode()
    assert "1 confirmed attendee and 1 person on the waitlist" in page
    html = client.post(url("cancel-event", event), {"reason": "  "}).content.decode()
    assert "Tell attendees why the event is cancelled." in html
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_cancel_with_a_reason_emails_everyone_and_keeps_the_event_listed(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1, title="Picnic")
    for _ in range(2):
        services.register(user=UserFactory(), event=event)
    mail.outbox.clear()
    client.force_login(event.organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("cancel-event", event), {"reason": "Rain all day."}, follow=True)
    html = response.content.decode()
    assert "This event is cancelled." in html and "Rain all day." in html
    assert len(mail.outbox) == 2
    client.logout()
    listing = client.get(reverse("events:list")).content.decode()
    assert "Picnic" in listing and "Cancelled" in listing


def test_cancel_page_for_a_draft_sends_you_back(client, draft):
    response = client.get(url("cancel-event", draft), follow=True)
    assert "Only published events can be cancelled" in response.content.decode()


def test_delete_a_draft(client, draft):
    assert "Delete this draft?" in client.get(url("delete", draft)).content.decode()
    response = client.post(url("delete", draft))
    assert response["Location"] == reverse("organize:dashboard")
    assert not Event.objects.filter(pk=draft.pk).exists()


def test_published_events_cannot_be_deleted(client):
    event = EventFactory()
    client.force_login(event.organizer)
    html = client.post(url("delete", event), follow=True).content.decode()
    assert "Only drafts can be deleted." in html
    assert Event.objects.filter(pk=event.pk).exists()
