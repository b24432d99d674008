import re
from urllib.parse import unquote

import pytest
from django.core import mail
from django.urls import reverse

from events import intents, services
from events.models import Event
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
PANEL = {"fragment": "panel"}


def url(name, event):
    return reverse(f"events:{name}", kwargs={"slug": event.slug})


@pytest.fixture
def attendee(client):
    user = UserFactory(name="Ada")
    client.force_login(user)
    return user


def test_panel_offers_registration(client, attendee):
    event = EventFactory(capacity=10)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Free · 10 seats left" in html
    assert f'hx-post="{url("register", event)}"' in html
    assert 'hx-disabled-elt="find button"' in html


def test_htmx_register_swaps_the_panel_and_the_seat_counter(
    client, attendee, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("register", event), PANEL, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="registration-panel"')
    assert "You're registered." in html
    assert f'<span id="seat-count-{event.pk}" class="seat-count" hx-swap-oob="true">' in html
    assert "9 of 10 left" in html
    assert "You're registered. See you there!" in response["HX-Trigger"]
    assert "HX-Request" in response["Vary"]
    assert len(mail.outbox) == 1


def test_without_javascript_register_redirects_back_with_a_message(client, attendee):
    event = EventFactory()
    response = client.post(url("register", event), follow=True)
    assert response.redirect_chain == [(event.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "You&#x27;re registered. See you there!" in html
    assert "Cancel registration" in html


def test_double_click_is_a_quiet_no_op(client, attendee):
    event = EventFactory()
    client.post(url("register", event), PANEL, headers=HX)
    response = client.post(url("register", event), PANEL, headers=HX)
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert "You're registered." in response.content.decode()
    assert event.registrations.count() == 1


def test_cancel_gives_the_seat_back(client, attendee):
    event = EventFactory(capacity=3)
    services.register(user=attendee, event=event)
    response = client.post(url("cancel", event), PANEL, headers=HX)
    html = response.content.decode()
    assert "Free · 3 seats left" in html
    assert "3 of 3 left" in html
    assert "Your registration is cancelled." in response["HX-Trigger"]


def test_cancel_asks_for_confirmation(client, attendee):
    event = EventFactory(title="Jazz")
    services.register(user=attendee, event=event)
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'hx-confirm="Cancel registration for Jazz?"' in html


def test_full_event_offers_the_waitlist_and_shows_the_position(client, attendee):
    event = EventFactory(capacity=1, waitlist_enabled=True)
    services.register(user=UserFactory(), event=event)
    services.register(user=UserFactory(), event=event)
    assert "Join the waitlist" in client.get(event.get_absolute_url()).content.decode()
    html = client.post(url("register", event), PANEL, headers=HX).content.decode()
    assert "You're #2 on the waitlist." in html
    assert "Leave the waitlist" in html


def test_full_event_without_waitlist_is_409_with_the_fresh_panel(client, attendee):
    event = EventFactory(capacity=1, waitlist_enabled=False)
    client.get(event.get_absolute_url())  # the page still offered a seat
    services.register(user=UserFactory(), event=event)
    response = client.post(url("register", event), PANEL, headers=HX)
    assert response.status_code == 409
    assert "Sorry, this event is full." in response.content.decode()
    assert "Sorry, this event is full." in response["HX-Trigger"]


def test_cancelled_events_say_registration_is_closed(client, attendee):
    event = EventFactory(status=Event.Status.CANCELLED)
    response = client.post(url("register", event), PANEL, headers=HX)
    assert response.status_code == 409
    assert "this event is cancelled" in response.content.decode()


def test_anonymous_htmx_click_goes_to_login_and_back(client):
    event = EventFactory()
    response = client.post(url("register", event), PANEL, headers=HX)
    assert response["HX-Redirect"] == f"/accounts/login/?next=%2Fevents%2F{event.slug}%2F"
    plain = client.post(url("register", event))
    assert plain["Location"] == f"/accounts/login/?next=%2Fevents%2F{event.slug}%2F"
    assert not event.registrations.exists()


def test_drafts_and_unknown_events_are_404(client, attendee):
    assert client.post(url("register", EventFactory(status=Event.Status.DRAFT))).status_code == 404
    assert client.post("/events/nope/register/").status_code == 404


def test_get_without_guests_to_ask_about_shows_the_event_and_registers_nobody(client, attendee):
    event = EventFactory()
    response = client.get(url("register", event))
    assert (response.status_code, response["Location"]) == (302, event.get_absolute_url())
    assert not event.registrations.exists()


def test_online_link_only_for_registered_attendees(client, attendee):
    event = EventFactory(is_online=True, online_url="https://meet.example.com/room", venue="")
    assert "meet.example.com/room" not in client.get(event.get_absolute_url()).content.decode()
    services.register(user=attendee, event=event)
    assert "meet.example.com/room" in client.get(event.get_absolute_url()).content.decode()


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_taking_a_seat_runs_6_queries_and_the_transaction(
    client, attendee, headers, django_assert_max_num_queries
):
    # Session, user, event, then one conditional UPDATE, the INSERT and the email's
    # delivery row: no lock wait.
    event = EventFactory()
    with django_assert_max_num_queries(6 + 2):
        client.post(url("register", event), PANEL, headers=headers)
    assert event.registrations.confirmed().count() == 1


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_joining_the_waitlist_runs_7_queries_and_the_transaction(
    client, attendee, headers, django_assert_max_num_queries
):
    # Session, user, event, then the locked read, the INSERT, the position and the
    # email's delivery row.
    event = EventFactory(capacity=1, waitlist_enabled=True)
    services.register(user=UserFactory(), event=event)
    with django_assert_max_num_queries(7 + 2):
        client.post(url("register", event), PANEL, headers=headers)
    assert event.registrations.waitlist().count() == 1


def test_second_click_on_the_last_seat_shows_the_seat_not_full(client, attendee):
    # The first click took the last seat; the second must not say "full".
    event = EventFactory(capacity=1, waitlist_enabled=False)
    client.post(url("register", event), PANEL, headers=HX)
    response = client.post(url("register", event), PANEL, headers=HX)
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert "You're registered." in response.content.decode()


def test_detail_with_panel_runs_at_most_6_queries(client, attendee, django_assert_max_num_queries):
    event = EventFactory(capacity=1)
    services.register(user=UserFactory(), event=event)
    services.register(user=attendee, event=event)
    for _visit in ("rendering the shared copy", "from the shared copy"):
        # session, user, version, event, place, waitlist position
        with django_assert_max_num_queries(6):
            assert "#1 on the waitlist" in client.get(event.get_absolute_url()).content.decode()


def test_list_cards_offer_one_click_registration(client, attendee):
    event = EventFactory(title="Jazz", capacity=4)
    html = client.get("/events/").content.decode()
    assert f'hx-target="#card-action-{event.pk}"' in html
    assert '<input type="hidden" name="fragment" value="card">' in html
    assert 'aria-label="Register: Jazz"' in html


def test_registering_from_a_card_returns_the_card_fragment(client, attendee):
    event = EventFactory(capacity=4)
    response = client.post(url("register", event), {"fragment": "card"}, headers=HX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div id="card-action-{event.pk}"')
    assert "✓ You're registered" in html
    assert f'<span id="seat-count-{event.pk}" class="seat-count" hx-swap-oob="true">' in html
    assert "3 of 4 left" in html
    assert 'id="registration-panel"' not in html


def test_cards_show_my_registrations_in_one_query_and_places_in_one_more(
    client, attendee, django_assert_max_num_queries, a_whole_minute
):
    events = [EventFactory(capacity=1) for _ in range(3)]
    services.register(user=attendee, event=events[0])
    # The first visit renders the copy every signed-in visitor shares (see standins).
    with django_assert_max_num_queries(8):  # session, user, version, count, page, filters, mine
        html = client.get("/events/").content.decode()
    assert "✓ You're registered" in html
    with django_assert_max_num_queries(4):  # session, user, version, mine
        html = client.get("/events/").content.decode()
    assert "✓ You're registered" in html
    services.register(user=UserFactory(), event=events[1])
    services.register(user=attendee, event=events[1])
    client.get("/events/")
    with django_assert_max_num_queries(5):  # and the waitlist positions
        html = client.get("/events/").content.decode()
    assert "✓ You're registered" in html
    assert "On the waitlist (#1)" in html


def test_anonymous_cards_link_to_log_in_and_register(client):
    event = EventFactory(title="Jazz")
    html = client.get("/events/").content.decode()
    token = re.search(r'href="/accounts/login/\?register=([^"]+)"', html).group(1)
    assert intents.event_for(unquote(token)) == event


@pytest.mark.parametrize("fragment", ["", "../../settings.py", "event_list.html#card"])
def test_an_unknown_fragment_is_refused_before_anything_is_done(client, attendee, fragment):
    event = EventFactory(capacity=4)
    response = client.post(url("register", event), {"fragment": fragment}, headers=HX)
    assert response.status_code == 400
    event.refresh_from_db()
    assert event.seats_taken == 0 and not event.registrations.exists()
