"""The organizer sees the emails that didn't go out, and sends them again."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import EmailDelivery
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true", "HX-Target": "undelivered-emails"}


@pytest.fixture
def organizer(client):
    user = UserFactory(name="Olga Organizer")
    client.force_login(user)
    return user


@pytest.fixture
def event(organizer):
    event = EventFactory(organizer=organizer, title="Meetup", capacity=10)
    for name in ("Ann", "Bob"):
        services.register(
            user=UserFactory(name=name, email=f"{name.lower()}@example.com"), event=event
        )
    return event


def attendees(client, event) -> str:
    return client.get(reverse("organize:attendees", kwargs={"slug": event.slug})).content.decode()


def send_again_url(event) -> str:
    return reverse("organize:send-again", kwargs={"slug": event.slug})


def fail(email: str, status="failed", error="SMTPRecipientsRefused: 550 unknown user"):
    EmailDelivery.objects.filter(user__email=email).update(
        status=status, attempts=6 if status == "failed" else 2, last_error=error
    )


def test_no_section_while_every_email_went_out_or_is_on_its_way(client, event):
    assert "not delivered" not in attendees(client, event)


def test_failed_and_retrying_emails_are_listed_with_a_send_again_button(client, event):
    fail("ann@example.com")
    fail("bob@example.com", status="pending", error="ConnectionRefusedError: refused")
    html = attendees(client, event)
    assert "2 emails not delivered" in html
    assert "550 unknown user" in html
    assert "retrying at" in html
    assert html.count(">Send again</button>") == 2
    assert "Send all again" in html


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_send_again_queues_the_email_now(
    client, event, headers, django_capture_on_commit_callbacks
):
    fail("ann@example.com")
    ann = EmailDelivery.objects.get(user__email="ann@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            send_again_url(event), {"delivery": ann.pk, "next": "/organize/"}, headers=headers
        )
    ann.refresh_from_db()
    assert ann.status == "sent"
    if headers:
        assert response.status_code == 200
        assert "<html" not in response.content.decode()
        assert 'id="undelivered-emails"' in response.content.decode()
        assert "1 email queued to be sent again." in response["HX-Trigger"]
    else:
        assert response["Location"] == "/organize/"


def test_send_all_again_covers_every_undelivered_email_of_this_event_only(client, event):
    other = EventFactory(title="Elsewhere")
    services.register(user=UserFactory(email="zed@example.com"), event=other)
    fail("ann@example.com")
    fail("bob@example.com")
    fail("zed@example.com")
    client.post(send_again_url(event))
    statuses = dict(EmailDelivery.objects.values_list("user__email", "status"))
    assert statuses == {
        "ann@example.com": "pending",
        "bob@example.com": "pending",
        "zed@example.com": "failed",
    }
    assert (
        EmailDelivery.objects.get(user__email="ann@example.com").next_attempt_at <= timezone.now()
    )


@pytest.mark.parametrize("delivery", ["abc", "-1", "999999", ""])
def test_send_again_with_a_bad_or_foreign_id_is_never_an_error(client, event, delivery):
    response = client.post(send_again_url(event), {"delivery": delivery}, headers=HX)
    assert response.status_code == 200


def test_only_the_organizer_can_send_again(client, event):
    fail("ann@example.com")
    client.force_login(UserFactory())
    assert client.post(send_again_url(event)).status_code == 403
    assert client.get(send_again_url(event)).status_code in (403, 405)
    assert EmailDelivery.objects.get(user__email="ann@example.com").status == "failed"
