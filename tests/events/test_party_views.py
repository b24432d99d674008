"""Register with guests: the short form in the panel (htmx) or as a page (no
JavaScript), changing guests later, and every refusal shown on the form."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from events import services
from tests.factories import EventFactory, UserFactory
from tests.seats import assert_invariant

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def url(name, event):
    return reverse(f"events:{name}", kwargs={"slug": event.slug})


@pytest.fixture
def attendee(client):
    user = UserFactory(name="Ada")
    client.force_login(user)
    return user


@pytest.fixture
def event():
    return EventFactory(capacity=5, guests_allowed=3)


def party(guests, *names, **extra):
    data = {"fragment": "panel", "guests": str(guests), **extra}
    for number, name in enumerate(names, start=1):
        data[f"guest_{number}"] = name
    return data


def test_register_opens_the_guest_form_in_place(client, attendee, event):
    page = client.get(event.get_absolute_url()).content.decode()
    assert f'hx-get="{url("register", event)}"' in page
    assert f'hx-post="{url("register", event)}"' not in page

    response = client.get(url("register", event), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="registration-panel"')
    assert "<html" not in html
    assert "Who's coming?" in html
    assert 'name="guests"' in html and "autofocus" in html
    assert [f'name="guest_{n}"' in html for n in (1, 2, 3, 4)] == [True, True, True, False]


def test_without_javascript_the_guest_form_is_a_page(client, attendee, event):
    response = client.get(url("register", event))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and event.title in html
    assert "Me and 3 guests" in html


def test_registering_a_party_in_place(client, attendee, event):
    response = client.post(url("register", event), party(2, "Ann", "", "  "), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "You're registered." in html.replace("&#x27;", "'")
    assert "With 2 guests: Ann" in html
    assert "Change guests" in html
    assert "2 of 5 left" in html  # the out-of-band seat counter
    registration = event.registrations.get()
    assert (registration.party_size, registration.guest_names) == (3, ["Ann"])
    assert_invariant(event)


def test_registering_a_party_without_javascript(client, attendee, event):
    response = client.post(url("register", event), party(1, "Bo"), follow=True)
    assert response.redirect_chain == [(event.get_absolute_url(), 302)]
    assert "With 1 guest: Bo" in response.content.decode()


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain"])
@pytest.mark.parametrize(
    ("data", "error"),
    [
        (party(7), "Select a valid choice"),
        (party(-1), "Select a valid choice"),
        (party("two"), "Select a valid choice"),
        (party(1, "Ann", "Bob"), "You named more guests than you bring"),
        (party(1, "A" * 101), "at most 100 characters"),
    ],
)
def test_a_bad_party_shows_the_form_again_and_registers_nobody(
    client, attendee, event, headers, data, error
):
    response = client.post(url("register", event), data, headers=headers)
    html = response.content.decode()
    assert response.status_code == 422
    assert error in html
    assert ('<section id="registration-panel"' in html.lstrip()[:40]) == bool(headers)
    assert not event.registrations.exists()


def test_a_party_that_does_not_fit_without_a_waitlist_is_told_on_the_form(client, attendee):
    event = EventFactory(capacity=3, guests_allowed=3, waitlist_enabled=False)
    services.register(user=UserFactory(), event=event)
    response = client.post(url("register", event), party(2), headers=HX)
    assert response.status_code == 409
    assert "Only 2 seats are left, not enough for your party of 3." in response.content.decode()
    assert not event.registrations.filter(user=attendee).exists()


def test_a_party_that_does_not_fit_joins_the_waitlist_and_says_why(client, attendee):
    event = EventFactory(capacity=3, guests_allowed=3)
    services.register(user=UserFactory(), event=event)
    response = client.post(url("register", event), party(2), headers=HX)
    assert response.status_code == 200
    assert "#1 on the waitlist" in response.content.decode()
    assert "Only 2 seats are left, not enough for your party" in response["HX-Trigger"]


def test_change_guests_form_is_filled_in(client, attendee, event):
    services.register(user=attendee, event=event, guests=2, guest_names=["Ann", "Bo"])
    html = client.get(url("edit-registration", event), headers=HX).content.decode()
    assert "Your guests" in html
    assert 'value="Ann"' in html and 'value="Bo"' in html
    assert '<option value="2" selected>' in html


def test_fewer_guests_frees_seats_for_the_next_party(client, attendee, event):
    services.register(user=attendee, event=event, guests=3)
    waiting = UserFactory()
    services.register(user=waiting, event=event, guests=1)
    response = client.post(url("edit-registration", event), party(1, "Ann"), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "With 1 guest: Ann" in html
    assert "Saved: you're bringing 1 guest." in response["HX-Trigger"].replace("\\u2019", "'")
    assert event.registrations.get(user=waiting).is_confirmed
    assert_invariant(event)


def test_more_guests_than_seats_free_is_refused_on_the_form(client, attendee, event):
    services.register(user=attendee, event=event, guests=1)
    services.register(user=UserFactory(), event=event, guests=2)
    response = client.post(url("edit-registration", event), party(3), headers=HX)
    assert response.status_code == 409
    assert "you can bring 1 guest at most now" in response.content.decode()
    assert event.registrations.get(user=attendee).party_size == 2


def test_the_forms_send_visitors_to_log_in_first(client, event):
    response = client.get(url("register", event))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url('register', event), '')}"
    page = client.get(event.get_absolute_url()).content.decode()
    # Logging in from there registers, or opens this form when there are guests to count.
    assert "/accounts/login/?register=" in page


def test_a_form_that_no_longer_applies_shows_the_panel_as_it_is(client, attendee, event):
    html = client.get(url("edit-registration", event), headers=HX).content.decode()
    assert html.lstrip().startswith('<section id="registration-panel"')
    assert "coming?" not in html
    response = client.get(url("edit-registration", event))
    assert (response.status_code, response["Location"]) == (302, event.get_absolute_url())


def test_the_organizer_sees_each_party_in_the_attendee_list(client, event):
    services.register(user=UserFactory(name="Cy"), event=event, guests=2, guest_names=["Ann"])
    client.force_login(event.organizer)
    html = client.get(reverse("organize:attendees", kwargs={"slug": event.slug})).content
    assert "+ 2 guests: Ann" in html.decode()
    assert "<dd>3/5</dd>" in html.decode()


def test_a_one_click_registration_stays_within_12_queries(
    client, attendee, django_assert_max_num_queries
):
    event = EventFactory(capacity=5)
    with django_assert_max_num_queries(12):
        response = client.post(url("register", event), {"fragment": "panel"}, headers=HX)
    assert response.status_code == 200


def test_the_forms_are_private(client, attendee, event):
    response = client.get(url("register", event), headers=HX)
    assert "no-store" in response["Cache-Control"]
