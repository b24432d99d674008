import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from events import services
from events.models import Event, Registration
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
MINE = "/me/registrations/"
HX = {"HX-Request": "true"}


@pytest.fixture
def attendee(client):
    user = UserFactory()
    client.force_login(user)
    return user


def past_event(**fields):
    start = timezone.now() - timedelta(days=3)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=2), **fields)


def test_needs_login(client):
    assert client.get(MINE)["Location"] == f"/accounts/login/?next={MINE}"


def test_lists_upcoming_waitlist_and_past(client, attendee, django_assert_max_num_queries):
    services.register(user=attendee, event=EventFactory(title="Soon"))
    full = EventFactory(title="Packed", capacity=1)
    services.register(user=UserFactory(), event=full)
    services.register(user=attendee, event=full)
    gone = past_event(title="Last week")
    Registration.objects.create(event=gone, user=attendee, status="confirmed")
    Event.objects.filter(pk=gone.pk).update(seats_taken=1)
    services.register(user=UserFactory(), event=EventFactory(title="Not mine"))
    with django_assert_max_num_queries(4):
        html = client.get(MINE).content.decode()
    assert "Soon" in html and "Not mine" not in html
    assert "#1 on the waitlist" in html
    assert html.index("Upcoming") < html.index("Soon") < html.index("On the waitlist")
    assert html.index("On the waitlist") < html.index("Packed") < html.index("Past")
    assert html.index("Past") < html.index("Last week")
    assert 'aria-label="Leave the waitlist: Packed"' in html


def test_empty_state(client, attendee):
    assert "No upcoming seats." in client.get(MINE).content.decode()


def test_cancel_in_page_replaces_the_row(client, attendee):
    event = EventFactory(title="Jazz")
    services.register(user=attendee, event=event)
    response = client.post(
        f"/events/{event.slug}/cancel/",
        {"next": MINE, "fragment": "row"},
        headers=HX,
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="my-registration-{event.pk}"')
    assert "no longer registered for" in html
    assert "Your registration is cancelled." in response["HX-Trigger"]
    assert not event.registrations.active().exists()


def test_cancel_without_javascript_comes_back_here(client, attendee):
    event = EventFactory()
    services.register(user=attendee, event=event)
    response = client.post(f"/events/{event.slug}/cancel/", {"next": MINE})
    assert response["Location"] == MINE


def test_unsafe_next_is_ignored(client, attendee):
    event = EventFactory()
    services.register(user=attendee, event=event)
    response = client.post(f"/events/{event.slug}/cancel/", {"next": "https://evil.example/"})
    assert response["Location"] == event.get_absolute_url()


@pytest.mark.parametrize(
    "next_url, secure, allowed",
    [
        ("http://testserver/me/registrations/", True, False),
        ("https://testserver/me/registrations/", True, True),
        ("http://testserver/me/registrations/", False, True),
        ("/me/registrations/", True, True),
    ],
)
def test_next_keeps_https_when_the_request_is_secure(client, attendee, next_url, secure, allowed):
    event = EventFactory()
    services.register(user=attendee, event=event)
    response = client.post(f"/events/{event.slug}/cancel/", {"next": next_url}, secure=secure)
    assert response["Location"] == (next_url if allowed else event.get_absolute_url())


def test_a_repeat_visit_reads_no_registrations_yet_every_change_shows(
    client, attendee, django_assert_max_num_queries
):
    full = EventFactory(title="Packed", capacity=1)
    ahead = [UserFactory(), UserFactory()]
    for user in [*ahead, attendee]:
        services.register(user=user, event=full)
    soon = EventFactory(title="Soon")
    services.register(user=attendee, event=soon)
    assert "#2 on the waitlist" in client.get(MINE).content.decode()
    with django_assert_max_num_queries(3):  # session, user, version
        assert "#2 on the waitlist" in client.get(MINE).content.decode()
    # Someone ahead leaves: nothing of the visitor's own changed, yet they moved up.
    services.cancel_registration(user=ahead[1], event=full)
    assert "#1 on the waitlist" in client.get(MINE).content.decode()
    services.update_event(event=soon, changes={"title": "Sooner"})
    assert "Cancel for Sooner?" in client.get(MINE).content.decode()
    with time_machine.travel(soon.starts_at + timedelta(minutes=1), tick=False):
        html = client.get(MINE).content.decode()
    assert "Cancel for Sooner?" not in html  # started: no way out any more
    with time_machine.travel(soon.ends_at + timedelta(minutes=1), tick=False):
        html = client.get(MINE).content.decode()
    assert html.index("Past") < html.index("Sooner")


def test_kept_rows_carry_each_visit_s_own_token(attendee):
    # Rows are kept with a mark for the token: a new session's token must still work.
    event = EventFactory(title="Jazz")
    services.register(user=attendee, event=event)
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(attendee)
        html = client.get(MINE).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    assert "@@" not in html
    response = client.post(
        f"/events/{event.slug}/cancel/",
        {"fragment": "row", "csrfmiddlewaretoken": token},
        headers=HX,
    )
    assert response.status_code == 200
    assert not Registration.objects.active().filter(user=attendee).exists()


def test_kept_rows_follow_a_new_secret_key(client, attendee, settings):
    services.register(user=attendee, event=EventFactory(title="Jazz"))
    client.get(MINE)
    settings.SECRET_KEY = "another-secret-key-" * 3
    client.force_login(attendee)  # the new key signs sessions anew
    html = client.get(MINE).content.decode()
    assert "Jazz" in html and "@@" not in html
