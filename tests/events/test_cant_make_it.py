"""The "can't make it" link in every email: signed, one registration, a confirming POST."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from events import services
from events.links import CANT_MAKE_IT, cant_make_it_url
from tests.factories import EventFactory, UserFactory
from tests.seats import assert_invariant

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost:8000")


@pytest.fixture
def full_event():
    """One seat, taken by Ada, with Bob first on the waitlist."""
    event = EventFactory(capacity=1, title="Fjord walk")
    ada, bob = UserFactory(email="ada@example.com"), UserFactory(email="bob@example.com")
    services.register(user=ada, event=event)
    services.register(user=bob, event=event)
    mail.outbox.clear()
    return event


def link_for(event, email="ada@example.com") -> str:
    registration = event.registrations.active().get(user__email=email)
    return path_of(cant_make_it_url(registration))


def test_the_link_opens_a_page_with_the_event_and_one_button_and_changes_nothing(
    client, full_event
):
    response = client.get(link_for(full_event))
    assert response.status_code == 200
    page = response.text
    assert "Can't make it to Fjord walk?" in page
    assert "Cancel my registration" in page
    assert '<meta name="robots" content="noindex">' in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    # A scanner that follows links (GET, HEAD) cancels nobody.
    client.head(link_for(full_event))
    assert full_event.registrations.confirmed().get().user.email == "ada@example.com"
    assert mail.outbox == []


def test_confirming_frees_the_seat_for_the_next_person_without_signing_in(
    client, full_event, django_capture_on_commit_callbacks
):
    link = link_for(full_event)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, follow=True)
    assert response.redirect_chain == [(link, 302)]
    assert "Your registration is cancelled, and your seat is free" in response.text
    assert "You're not registered for Fjord walk" in response.text
    full_event.refresh_from_db()
    assert full_event.registrations.confirmed().get().user.email == "bob@example.com"
    assert sorted(m.subject for m in mail.outbox) == [
        "A seat opened up, you're in: Fjord walk",
        "Registration cancelled: Fjord walk",
    ]
    assert_invariant(full_event)


def test_it_cancels_the_links_registration_whoever_is_signed_in(client, full_event):
    client.force_login(UserFactory())
    client.post(link_for(full_event))
    assert full_event.registrations.confirmed().get().user.email == "bob@example.com"


def test_a_reused_link_says_it_is_done_and_changes_nothing(client, full_event):
    link = link_for(full_event)
    client.post(link)
    mail.outbox.clear()
    again = client.post(link, follow=True)
    assert again.status_code == 200
    assert "This registration is cancelled, so this link has nothing left to do." in again.text
    assert mail.outbox == []
    # Registering again makes a new registration, which the old link can't touch.
    services.register(user=UserFactory(email="ada@example.com"), event=full_event)
    client.post(link)
    assert full_event.registrations.active().filter(user__email="ada@example.com").exists()


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "MQ:1yDez2:forged-signature",
        signing.dumps(1, salt="another.purpose"),
        signing.dumps("1", salt=CANT_MAKE_IT),
        signing.dumps(999_999, salt=CANT_MAKE_IT),
    ],
    # Named, not shown: a signed value carries the second it was made, and every test
    # worker must collect the same tests.
    ids=["nonsense", "forged", "other-purpose", "not-an-id", "no-such-registration"],
)
def test_a_forged_or_mangled_link_gets_a_clear_page(client, full_event, token):
    url = reverse("events:cant-make-it", kwargs={"token": token})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "This link doesn't work" in response.text
    assert full_event.registrations.confirmed().get().user.email == "ada@example.com"


def test_a_tampered_link_for_someone_else_is_refused(client, full_event):
    ada_token = link_for(full_event).split("/")[-2]
    bob = full_event.registrations.get(user__email="bob@example.com")
    bob_payload = signing.dumps(bob.pk, salt=CANT_MAKE_IT).split(":")[0]
    forged = f"{bob_payload}:{ada_token.split(':', 1)[1]}"
    assert client.post(reverse("events:cant-make-it", kwargs={"token": forged})).status_code == 400
    assert full_event.registrations.active().count() == 2


def test_the_link_expires_when_the_event_starts(client, full_event):
    link = link_for(full_event)
    full_event.starts_at = timezone.now() - timedelta(minutes=1)
    full_event.save(update_fields=["starts_at"])
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert "This link has expired" in response.text
        assert "This event has started" in response.text
    assert full_event.registrations.confirmed().count() == 1


def test_the_page_speaks_of_a_waitlist_place(client, full_event):
    link = link_for(full_event, "bob@example.com")
    page = client.get(link).text
    assert "Leave the waitlist for Fjord walk?" in page
    assert "You&#x27;ve left the waitlist." in client.post(link, follow=True).text
    assert not full_event.registrations.waitlist().exists()


def test_a_request_can_be_withdrawn_and_sends_no_email(client):
    event = EventFactory(requires_approval=True, title="Salon")
    services.register(user=UserFactory(), event=event)
    mail.outbox.clear()
    link = path_of(cant_make_it_url(event.registrations.get()))
    assert "Withdraw your request for Salon?" in client.get(link).text
    assert "Your request is withdrawn." in client.post(link, follow=True).text
    assert mail.outbox == []


def test_an_old_link_of_someone_who_registered_again_points_to_the_new_registration(
    client, full_event
):
    link = link_for(full_event)
    client.post(link)
    services.register(user=UserFactory(email="ada@example.com"), event=full_event)
    page = client.get(link).text
    assert "This link is for an earlier registration" in page
    assert "Cancel my registration" not in page
