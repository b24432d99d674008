"""Signed-in visitors share a cached copy of the catalogue and event pages, and each
still sees only their own name, token, banner and places (events/standins.py)."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import page_cache, selectors, services, standins
from events.models import Category, Registration
from tests.factories import EventFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("a_whole_minute")]
HX = {"HX-Request": "true"}


def visit(user, url, **headers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client, client.get(url, headers=headers)


def token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx partial"])
def test_each_visitor_of_the_shared_list_sees_only_their_own(headers):
    mine, other = EventFactory(title="Mine"), EventFactory(title="Other", capacity=4)
    ada, bob = UserFactory(name="Ada Lovelace"), UserFactory(name="Bob Stone")
    services.register(user=ada, event=mine)
    _, for_ada = visit(ada, reverse("events:list"), **headers)
    bob_client, for_bob = visit(bob, reverse("events:list"), **headers)
    ada_html, bob_html = for_ada.content.decode(), for_bob.content.decode()
    assert ada_html.count("✓ You're registered") == 1
    assert "You're registered" not in bob_html
    assert "Ada Lovelace" not in bob_html and "@@" not in bob_html + ada_html
    if not headers:
        assert "Ada Lovelace" in ada_html and "Bob Stone" in bob_html
        nonce = for_bob.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        assert bob_html.count(f'nonce="{nonce}"') == 2
    # Bob's token from the shared copy is his: his one click registers him.
    register = reverse("events:register", args=[other.slug])
    response = bob_client.post(
        register, {"fragment": "card", "csrfmiddlewaretoken": token(bob_html)}, headers=HX
    )
    assert response.status_code == 200 and "✓ You're registered" in response.content.decode()


def test_the_list_from_the_shared_copy_costs_four_queries(client, django_assert_max_num_queries):
    EventFactory.create_batch(3)
    client.force_login(UserFactory())
    client.get(reverse("events:list"), headers=HX)
    for headers in ({}, HX):
        client.get(reverse("events:list"), headers=headers)
        with django_assert_max_num_queries(4):  # session, user, version, places
            html = client.get(reverse("events:list"), headers=headers).content.decode()
        assert html.count("Register: ") == 3


def test_an_unconfirmed_visitor_is_asked_to_confirm_their_address():
    confirmed = UserFactory()
    unconfirmed = UserFactory(email="new@example.com", email_verified_at=None)
    visit(confirmed, reverse("events:list"))
    html = visit(unconfirmed, reverse("events:list"))[1].content.decode()
    assert "We sent a link to new@example.com." in html
    assert "Confirm your email address" not in visit(confirmed, "/")[1].content.decode()


def test_text_that_looks_like_a_mark_shows_as_typed():
    title = "@@0123456789abcdef:card:1@@ @@0123456789abcdef=csrf@@ @@0123456789abcdef:end:@@"
    event = EventFactory(title=title)
    user = UserFactory()
    for url in (reverse("events:list"), event.get_absolute_url()):
        for _ in range(2):
            assert title in visit(user, url)[1].content.decode()


def test_each_visitor_of_a_shared_event_page_gets_their_own_panel(django_assert_max_num_queries):
    event = EventFactory(capacity=2)
    ada, bob = UserFactory(), UserFactory()
    services.register(user=ada, event=event)
    url = event.get_absolute_url()
    visit(bob, url)
    client, response = visit(ada, url)
    assert "You're registered." in response.content.decode()
    with django_assert_max_num_queries(5):  # session, user, version, place, event
        assert "Cancel registration" in client.get(url).content.decode()
    client, response = visit(bob, url)
    with django_assert_max_num_queries(4):  # session, user, version, place
        html = client.get(url).content.decode()
    assert "1 seat left" in html and "You're registered" not in html
    response = client.post(
        reverse("events:register", args=[event.slug]),
        {"fragment": "panel", "csrfmiddlewaretoken": token(html)},
        headers=HX,
    )
    assert "You're registered." in response.content.decode()
    assert "Event full." in visit(UserFactory(), url)[1].content.decode()


@pytest.mark.parametrize("who", ["organizer", "staff"])
def test_the_people_who_run_an_event_get_its_page_with_their_controls(who):
    event = EventFactory()
    visit(UserFactory(), event.get_absolute_url())
    user = event.organizer if who == "organizer" else UserFactory(is_staff=True)
    html = visit(user, event.get_absolute_url())[1].content.decode()
    assert "Manage this event" in html
    assert "@@" not in html


def test_a_new_category_shows_in_the_filters_at_once(client):
    client.force_login(UserFactory())
    before = page_cache.catalogue_version()
    client.get(reverse("events:list"))
    Category.objects.create(name="Workshops", slug="workshops")
    assert page_cache.catalogue_version() != before
    assert '<option value="workshops">Workshops</option>' in client.get("/").content.decode()


def test_the_places_query_finds_what_the_queryset_does():
    # selectors.active_registrations is written in SQL: it must match the ORM's answer.
    user = UserFactory()
    full, approval, left, other = (
        EventFactory(capacity=1),
        EventFactory(requires_approval=True),
        EventFactory(),
        EventFactory(),
    )
    mine = EventFactory(capacity=3)
    services.register(user=user, event=mine)
    for _ in range(3):
        services.register(user=UserFactory(), event=full)
    services.register(user=user, event=full)
    Registration.objects.filter(event=full).update(created_at=timezone.now())  # ties: by id
    services.register(user=user, event=approval)
    services.register(user=user, event=left)
    services.cancel_registration(user=user, event=left)
    services.register(user=UserFactory(), event=other)
    ids = [event.pk for event in (mine, full, approval, left, other)]
    expected = (
        Registration.objects.active()
        .filter(user=user, event__in=ids)
        .with_waitlist_position()
        .values_list("pk", "position")
    )
    found = selectors.active_registrations(user, ids)
    assert sorted((r.pk, r.position) for r in found) == sorted(expected)
    held = selectors.held(user, ids)
    assert sorted((h.registration_id, h.position) for h in held.values()) == sorted(expected)
    assert {event: h.status for event, h in held.items()} == {r.event_id: r.status for r in found}
    assert sorted(r.position or 0 for r in found) == [0, 0, 3]


def test_a_region_serving_could_not_find_is_refused_when_rendered():
    page = Template("{% load standins %}{% standin name arg %}mine{% endstandin %}")
    marks = standins.Marks()
    assert page.render(Context({"name": "card", "arg": 7})) == "mine"
    for name, arg in (("card", "a@b"), ("Card!", 1)):
        with pytest.raises(TemplateSyntaxError):
            page.render(Context({"standins": marks, "name": name, "arg": arg}))
    html = page.render(Context({"standins": marks, "name": "card", "arg": 7}))
    assert standins.regions(marks.stored(html), "card") == ["7"]
