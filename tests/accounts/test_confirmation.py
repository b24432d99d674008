"""Confirmed email addresses: links that act once and only on POST, a new address that
counts once confirmed, the old address told, and no registering or organizing before."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail, signing
from django.urls import reverse

from accounts import confirmation
from events.models import Event
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
PROFILE = reverse("accounts:profile")


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the request and send its emails, as the queue would."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def text(response) -> str:
    return html.unescape(response.content.decode())


def link_in(message) -> str:
    return re.search(r"http://localhost:8000(/accounts/confirm/\S+/)", message.body).group(1)


@pytest.fixture
def newcomer(client):
    user = UserFactory(email="new@example.com", name="Nia", email_verified_at=None)
    client.force_login(user)
    return user


def test_a_link_works_once(client, newcomer, sent):
    sent(confirmation.send_link, newcomer)
    link = link_in(mail.outbox[0])
    assert client.post(link).status_code == 302
    again = client.post(link)
    assert again.status_code == 400
    assert "used already" in again.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_or_forged_link_explains_itself(client, newcomer, method, monkeypatch):
    link = reverse(
        "accounts:confirm_email", kwargs={"token": confirmation.token(newcomer, newcomer.email)}
    )
    monkeypatch.setattr(confirmation, "MAX_AGE", timedelta(seconds=-1))
    expired = getattr(client, method)(link)
    assert expired.status_code == 400
    assert "expired" in text(expired)
    forged = getattr(client, method)(reverse("accounts:confirm_email", kwargs={"token": "x:y:z"}))
    assert forged.status_code == 400
    assert "isn't valid" in text(forged)
    newcomer.refresh_from_db()
    assert not newcomer.is_verified


def test_a_link_for_someone_else_s_address_is_refused(client, newcomer):
    forged = signing.dumps({"user": newcomer.pk, "email": "evil@example.com"}, salt="other")
    assert (
        client.post(reverse("accounts:confirm_email", kwargs={"token": forged})).status_code == 400
    )


def test_unconfirmed_accounts_see_a_banner_and_can_get_the_link_again(
    client, newcomer, sent, throttle_clock
):
    assert "Confirm your email address" in client.get(reverse("home")).content.decode()
    for _ in range(3):
        response = sent(client.post, reverse("accounts:send_confirmation"), {"next": "/"})
        assert response["Location"] == "/"
    assert len(mail.outbox) == 3
    throttled = sent(client.post, reverse("accounts:send_confirmation"))
    assert throttled.status_code == 429
    assert len(mail.outbox) == 3


def test_registering_and_organizing_wait_for_a_confirmed_address(client, newcomer):
    event = EventFactory()
    page = client.post(reverse("events:register", kwargs={"slug": event.slug}))
    assert page.status_code == 302
    assert not event.registrations.exists()
    htmx = client.post(
        reverse("events:register", kwargs={"slug": event.slug}),
        {"fragment": "panel"},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 403
    assert "Confirm your email address first" in htmx["HX-Trigger"]
    api = client.post(f"/api/events/{event.slug}/registration/")
    assert (api.status_code, api.json()["error"]) == (403, "email_not_confirmed")
    created = client.post(reverse("events:create"), {"title": "Mine"})
    assert created.status_code == 200
    assert not Event.objects.filter(title="Mine").exists()


def test_sign_up_costs_the_same_hash_whether_or_not_the_address_is_taken(client, user, monkeypatch):
    hashed = []
    real = MD5PasswordHasher.encode
    monkeypatch.setattr(
        MD5PasswordHasher, "encode", lambda self, *a: hashed.append(1) or real(self, *a)
    )
    data = {"name": "Sam", "password1": "Xylophone-pasta-42", "password2": "Xylophone-pasta-42"}
    for email in ("fresh@example.com", user.email):
        hashed.clear()
        response = client.post(reverse("accounts:signup"), data | {"email": email})
        assert response["Location"] == reverse("accounts:signup_sent")
        assert len(hashed) == 1, email


# Changing the address


def change_email(client, email, password):
    return client.post(PROFILE, {"name": "Ada", "email": email, "current_password": password})


@pytest.mark.parametrize("typed", ["", "wrong-password"])
def test_a_new_address_needs_the_current_password(client, user, typed):
    client.force_login(user)
    response = change_email(client, "new@example.com", typed)
    assert response.status_code == 200
    assert "That isn't your current password." in text(response)
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("ada@example.com", "")


def test_a_new_address_counts_once_its_link_is_opened_and_the_old_one_is_told(
    client, user, password, sent
):
    client.force_login(user)
    response = sent(change_email, client, "Ada.King@Example.com", password)
    assert response["Location"] == PROFILE
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("ada@example.com", "ada.king@example.com")
    to_new, to_old = sorted(mail.outbox, key=lambda m: m.to[0] != "ada.king@example.com")
    assert to_new.to == ["ada.king@example.com"]
    assert to_old.to == ["ada@example.com"]
    assert "ada.king@example.com" in to_old.body
    assert "reset your password" in to_old.body
    assert "Waiting for you to open the link" in client.get(PROFILE).content.decode()

    client.post(link_in(to_new))
    user.refresh_from_db()
    assert (user.email, user.pending_email, user.is_verified) == ("ada.king@example.com", "", True)


def test_an_email_change_can_be_called_off(client, user, password, sent):
    client.force_login(user)
    sent(change_email, client, "new@example.com", password)
    link = link_in(next(m for m in mail.outbox if m.to == ["new@example.com"]))
    client.post(reverse("accounts:cancel_email_change"))
    assert client.post(link).status_code == 400
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("ada@example.com", "")


def test_guessing_the_password_on_the_profile_counts_like_a_login(
    client, user, password, throttle_clock
):
    client.force_login(user)
    for _ in range(10):
        change_email(client, "new@example.com", "wrong")
    assert change_email(client, "new@example.com", password).status_code == 429
