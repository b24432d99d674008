"""A visitor's Register click survives logging in or signing up: finishing either one
registers them, with its toast, and nothing registers on a GET or with a bad link."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from events import intents
from events.models import Registration
from tests.factories import PASSWORD, EventFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("a_whole_minute")]
LOGIN = reverse("accounts:login")


@pytest.fixture
def event():
    return EventFactory(title="Rust & <Friends>", capacity=5)


@pytest.fixture
def ada():
    return UserFactory(email="ada@example.com", name="Ada")


def register_link(client, event) -> str:
    page = client.get(event.get_absolute_url()).content.decode()
    links = re.findall(r'href="(/accounts/login/\?register=[^"]+)"', page)
    assert len(set(links)) == 1, links
    return html.unescape(links[0])


def log_in(client, user, token, **extra):
    data = {"username": user.email, "password": PASSWORD, intents.PARAM: token} | extra
    return client.post(LOGIN, data)


def toasts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_visitors_register_link_names_the_event(client, event):
    query = parse_qs(urlsplit(register_link(client, event)).query)
    assert list(query) == [intents.PARAM]  # the event is the way back
    assert intents.event_for(query[intents.PARAM][0]) == event


def test_the_login_page_names_the_event_and_a_get_registers_nothing(client, event):
    link = register_link(client, event)
    page = client.get(link).content.decode()
    assert "<h1>Log in to register for Rust &amp; &lt;Friends&gt;</h1>" in page
    token = parse_qs(urlsplit(link).query)[intents.PARAM][0]
    assert f'<input type="hidden" name="register" value="{token}">' in page
    signup = re.search(r'href="(/accounts/signup/\?[^"]+)"', page).group(1)
    assert intents.PARAM in signup
    assert not Registration.objects.exists()


def test_logging_in_finishes_the_registration_with_its_toast(
    client, event, ada, django_capture_on_commit_callbacks
):
    token = intents.token(event)
    with django_capture_on_commit_callbacks(execute=True):
        response = log_in(client, ada, token, next=event.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert Registration.objects.get(user=ada, event=event).is_confirmed
    assert toasts(response) == ["Welcome back, Ada.", "You're registered. See you there!"]
    assert event.get_absolute_url() in mail.outbox[-1].body


def test_a_full_event_puts_them_on_the_waitlist_and_says_so(client, ada):
    event = EventFactory(capacity=1, waitlist_enabled=True)
    from events import services

    services.register(user=UserFactory(), event=event)
    response = log_in(client, ada, intents.token(event))
    assert Registration.objects.get(user=ada).is_waitlisted
    assert "you're on the waitlist" in toasts(response)[1]


def test_an_event_with_questions_or_guests_opens_its_short_form(client, ada):
    event = EventFactory(guests_allowed=2)
    response = log_in(client, ada, intents.token(event))
    assert response["Location"] == reverse("events:register", kwargs={"slug": event.slug})
    assert not Registration.objects.exists()


def test_someone_registered_already_just_goes_back_to_the_event(client, event, ada):
    from events import services

    services.register(user=ada, event=event)
    response = log_in(client, ada, intents.token(event))
    assert response["Location"] == event.get_absolute_url()
    assert Registration.objects.count() == 1
    assert toasts(response) == ["Welcome back, Ada."]


def test_a_refusal_is_a_toast_and_the_login_still_works(client, ada):
    event = EventFactory(capacity=1, waitlist_enabled=False)
    from events import services

    services.register(user=UserFactory(), event=event)
    response = log_in(client, ada, intents.token(event))
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert not Registration.objects.filter(user=ada).exists()
    assert len(toasts(response)) == 2


def test_an_unconfirmed_account_is_told_to_confirm_first(client, event):
    newcomer = UserFactory(email_verified_at=None)
    response = log_in(client, newcomer, intents.token(event))
    assert not Registration.objects.exists()
    assert "Confirm your email address" in toasts(response)[1]


@pytest.mark.parametrize(
    "token",
    ["", "nonsense", "1:forged:signature", signing.dumps(1, salt="another purpose")],
    ids=["none", "mangled", "forged", "wrong salt"],
)
def test_bad_intents_register_nothing_and_name_nothing(client, event, ada, token):
    page = client.get(f"{LOGIN}?{intents.PARAM}={token}").content.decode()
    assert "<h1>Log in</h1>" in page
    response = log_in(client, ada, token, next=event.get_absolute_url())
    assert response["Location"] == event.get_absolute_url()
    assert not Registration.objects.exists()


def test_a_valid_signature_on_another_id_registers_for_that_id_only(client, ada):
    first, second = EventFactory(), EventFactory()
    log_in(client, ada, intents.token(second), next=first.get_absolute_url())
    assert list(Registration.objects.values_list("event", flat=True)) == [second.pk]


def test_the_link_is_one_link_for_the_whole_minute(event):
    """A page that links twice, rendered across a second's tick, still agrees with itself."""
    start = timezone.now().replace(second=0, microsecond=0)
    tokens = set()
    for offset in (0.2, 1.9, 59.8):
        with time_machine.travel(start + timedelta(seconds=offset), tick=False):
            tokens.add(intents.token(event))
    assert len(tokens) == 1
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        assert intents.token(event) not in tokens


def test_an_expired_intent_registers_nothing(client, event, ada):
    with time_machine.travel(timezone.now() - timedelta(seconds=intents.MAX_AGE + 60)):
        token = intents.token(event)
    log_in(client, ada, token)
    assert not Registration.objects.exists()


def test_a_draft_or_cancelled_event_is_no_intent(client, ada):
    draft = EventFactory(status="draft")
    cancelled = EventFactory(status="cancelled")
    for event in (draft, cancelled):
        log_in(client, ada, intents.token(event))
    assert not Registration.objects.exists()


def test_signing_up_finishes_the_registration_once_the_address_is_confirmed(
    client, event, django_capture_on_commit_callbacks
):
    login_page = client.get(register_link(client, event)).content.decode()
    signup = html.unescape(re.search(r'href="(/accounts/signup/\?[^"]+)"', login_page).group(1))
    page = client.get(signup).content.decode()
    assert "Create your account to register for Rust &amp; &lt;Friends&gt;" in page
    token = parse_qs(urlsplit(signup).query)[intents.PARAM][0]
    data = {"email": "nia@example.com", "name": "Nia", "password1": "a long enough pass 42"}
    data |= {"password2": data["password1"], intents.PARAM: token, "next": event.get_absolute_url()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(signup, data)
    assert not Registration.objects.exists()  # not before the address is confirmed

    confirm = re.search(r"http://localhost:8000(/accounts/confirm/\S+/)", mail.outbox[-1].body)
    response = client.post(confirm.group(1))
    assert response["Location"] == event.get_absolute_url()
    registration = Registration.objects.get()
    assert registration.user.email == "nia@example.com" and registration.is_confirmed
    assert toasts(response)[1] == "You're registered. See you there!"


def test_another_account_confirming_in_the_same_browser_is_not_registered(
    client, event, django_capture_on_commit_callbacks
):
    login_page = client.get(register_link(client, event)).content.decode()
    signup = html.unescape(re.search(r'href="(/accounts/signup/\?[^"]+)"', login_page).group(1))
    data = {"email": "nia@example.com", "name": "Nia", "password1": "a long enough pass 42"}
    data |= {"password2": data["password1"]}
    client.post(signup, data)
    from accounts import confirmation

    other = UserFactory(email="sam@example.com", email_verified_at=None)
    link = reverse(
        "accounts:confirm_email", kwargs={"token": confirmation.token(other, other.email)}
    )
    response = client.post(link)
    assert response.status_code == 302
    assert not Registration.objects.exists()
