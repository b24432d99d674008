"""EMS speaks English and German: the browser's choice, the switcher's, the profile's."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from events import services
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
HX = {"HX-Request": "true"}


def test_a_browser_asking_for_german_gets_german(client):
    html = client.get("/events/", headers=GERMAN).content.decode()
    assert '<html lang="de"' in html
    assert "Kommende Veranstaltungen" in html
    english = client.get("/events/").content.decode()
    assert '<html lang="en"' in english and "Upcoming events" in english


def test_the_switcher_sets_the_language_and_comes_back(client):
    response = client.get(reverse("language", args=["de"]) + "?next=/events/?page=2")
    assert response.status_code == 302 and response["Location"] == "/events/?page=2"
    assert "Kommende Veranstaltungen" in client.get("/events/").content.decode()
    # The switcher wins over what the browser asks for.
    client.get(reverse("language", args=["en"]))
    assert "Upcoming events" in client.get("/events/", headers=GERMAN).content.decode()


def test_the_switcher_sends_nobody_off_the_site_and_knows_its_languages(client):
    response = client.get(reverse("language", args=["de"]) + "?next=https://evil.example/")
    assert response["Location"] == "/"
    assert client.get(reverse("language", args=["xx"])).status_code == 404


def test_the_footer_offers_the_other_language(client):
    html = client.get("/events/").content.decode()
    assert 'href="/language/de/?next=/events/"' in html
    assert '<span aria-current="true" lang="en">English</span>' in html


@pytest.mark.usefixtures("a_noon_in_2026")  # its event, in 2027, is still ahead
def test_a_signed_in_persons_choice_is_kept_and_their_emails_follow_it(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    # A link can't change an account (any site could embed it); the footer's form can.
    client.get(reverse("language", args=["de"]))
    user.refresh_from_db()
    assert user.language == ""
    # The footer, in German now, offers English as a form.
    assert 'action="/language/en/"' in client.get("/events/").content.decode()
    client.post(reverse("language", args=["de"]), {"next": "/events/"})
    user.refresh_from_db()
    assert user.language == "de"
    # Another device, whose browser asks for English, still gets German.
    other = type(client)()
    other.force_login(user)
    assert "Kommende Veranstaltungen" in other.get("/events/").content.decode()
    event = EventFactory(title="Jazz", starts_at=datetime(2027, 3, 6, 18, tzinfo=UTC))
    event.ends_at = datetime(2027, 3, 6, 20, tzinfo=UTC)
    event.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.register(user=user, event=event)
    (email,) = mail.outbox
    assert email.subject == "Sie sind angemeldet: Jazz"
    assert "Sa, 6. März" in email.body or "Sa, 6. Mär" in email.body


def test_a_cached_page_never_crosses_languages(client):
    EventFactory(title="Jazz")
    for _ in range(2):  # the second round comes from the cache
        german = client.get("/events/", headers=GERMAN).content.decode()
        english = client.get("/events/").content.decode()
        assert "Kommende Veranstaltungen" in german and "Upcoming events" not in german
        assert "Upcoming events" in english and "Kommende Veranstaltungen" not in english
        partial = client.get("/events/?city=Berlin", headers=HX | GERMAN).content.decode()
        assert "Jazz" in partial and "50 von 50 frei" in partial


def test_form_errors_come_in_german(client):
    client.force_login(UserFactory())
    client.get(reverse("language", args=["de"]))
    html = client.post(reverse("events:create"), {"publish": "1"}).content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in html


def test_the_api_explains_errors_in_the_requested_language(client):
    response = client.get("/api/events/?page_size=0", headers=GERMAN)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_page_size"
    assert "page_size" in response.json()["detail"]
    assert response.json()["detail"] != "page_size must be from 1 to 100."


def test_an_account_speaks_the_language_it_signed_up_in(client, django_capture_on_commit_callbacks):
    password = "x7!long-pass"
    data = {"name": "Jo", "email": "jo@example.com", "password1": password, "password2": password}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), data, headers=GERMAN)
    assert User.objects.get(email="jo@example.com").language == "de"
    assert "Bestätigen Sie Ihre E-Mail-Adresse" in mail.outbox[-1].subject


def test_the_profile_sets_the_language_of_emails(client):
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("accounts:profile"), headers=GERMAN).content.decode()
    assert '<option value="de" selected>' in html
    data = {"name": user.name, "email": user.email, "language": "de", "time_zone": ""}
    client.post(reverse("accounts:profile"), data)
    user.refresh_from_db()
    assert user.language == "de"


def test_pages_say_their_language_and_that_it_follows_the_browser(client):
    response = client.get("/events/", headers=GERMAN)
    assert response["Content-Language"] == "de"
    assert "Accept-Language" in response["Vary"]
