"""Anonymous catalogue pages are cached whole, yet every change shows at once."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.test import Client, RequestFactory
from django.urls import reverse

from events import page_cache, services
from events.models import Category, Event
from tests.factories import EventFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("a_whole_minute")]
HX = {"HX-Request": "true"}


def listing(client, query="", **headers):
    return client.get(reverse("events:list") + query, headers=headers).content.decode()


def test_a_repeat_visit_costs_one_query(client, django_assert_max_num_queries):
    EventFactory.create_batch(3)
    first = listing(client)
    with django_assert_max_num_queries(1):
        again = listing(client)
    assert again.count('class="event-card"') == first.count('class="event-card"') == 3
    listing(client, "?city=Berlin", **HX)
    with django_assert_max_num_queries(1):
        partial = listing(client, "?city=Berlin", **HX)
    assert partial.lstrip().startswith('<section id="results"')


@pytest.mark.parametrize("page", ["list", "detail"])
def test_shared_pages_carry_nothing_per_visitor(page):
    # An event titled like the old stand-in shows as typed, to everyone alike.
    event = EventFactory(title="ems-shared-page-csp-nonce ems-shared-page-csrf-token")
    url = event.get_absolute_url() if page == "detail" else reverse("events:list")
    first, second = Client(), Client()
    responses = [first.get(url), second.get(url)]
    assert responses[0].content == responses[1].content
    html = responses[0].content.decode()
    assert "ems-shared-page-csp-nonce ems-shared-page-csrf-token" in html
    assert "nonce=" not in html and "X-CSRFToken" not in html
    assert "csrftoken" not in responses[0].cookies


def test_pages_for_a_signed_in_visitor_carry_their_nonce_and_token(client):
    client.force_login(UserFactory())
    response = client.get(reverse("events:list"))
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html
    assert '"X-CSRFToken": "' in html


def test_a_visitor_with_a_message_waiting_sees_it(client):
    event = EventFactory()
    client.get(event.get_absolute_url())
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode(
        [messages.storage.base.Message(messages.INFO, "You have been logged out.")]
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert "You have been logged out." in html
    assert "You have been logged out." not in client.get(event.get_absolute_url()).content.decode()


def test_registrations_edits_and_category_renames_show_at_once(client):
    event = EventFactory(title="Seat race", capacity=5)
    assert "5 of 5 left" in listing(client)
    services.register(user=UserFactory(), event=event)
    assert "4 of 5 left" in listing(client)
    services.update_event(event=event, changes={"title": "Renamed race"})
    assert "Renamed race" in listing(client)
    category = Category.objects.get()
    category.name = "Tech talks"
    category.save()
    assert "Tech talks" in listing(client)


def test_logged_in_visitors_get_their_own_cards(client):
    event = EventFactory()
    EventFactory()  # a card that stays the same for everyone
    registered = (
        f'<div id="card-action-{event.pk}" class="card-action">'
        """<span class="card-state is-confirmed" tabindex="-1">✓ You're registered</span></div>"""
    )
    user = UserFactory()
    services.register(user=user, event=event)
    assert "You're registered" not in listing(client)  # the shared page, now cached
    client.force_login(user)
    html = listing(client)
    assert html.count(registered) == 1
    assert html.count("You're registered") == 1  # not on the other event's card
    client.force_login(UserFactory())
    assert "You're registered" not in listing(client)


def test_published_events_cannot_be_deleted_in_the_admin(client):
    event = EventFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:events_event_delete", args=[event.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()
    draft = EventFactory(status=Event.Status.DRAFT)
    client.post(reverse("admin:events_event_delete", args=[draft.pk]), {"post": "yes"})
    assert not Event.objects.filter(pk=draft.pk).exists()


def test_an_anonymous_event_page_costs_one_query_and_follows_changes(
    client, django_assert_max_num_queries
):
    event = EventFactory(capacity=3)
    client.get(event.get_absolute_url())
    with django_assert_max_num_queries(1):
        html = client.get(event.get_absolute_url()).content.decode()
    assert "3 of 3 left" in html
    assert re.search(r'href="/accounts/login/\?register=[^"]+"', html)  # no per-visitor form
    services.register(user=UserFactory(), event=event)
    assert "2 of 3 left" in client.get(event.get_absolute_url()).content.decode()


def test_a_popular_page_is_served_from_memory_while_it_is_current(client, monkeypatch):
    # Each worker keeps recent versions itself, so a hit needs no round trip to Redis.
    event = EventFactory(capacity=3)
    first = client.get(event.get_absolute_url()).content.decode()
    page_cache.page_cache().clear()
    monkeypatch.setattr(page_cache, "page_cache", lambda: pytest.fail("asked the cache"))
    again = client.get(event.get_absolute_url()).content.decode()
    assert again.count("3 of 3 left") == first.count("3 of 3 left") > 0
    monkeypatch.undo()
    services.register(user=UserFactory(), event=event)
    assert "2 of 3 left" in client.get(event.get_absolute_url()).content.decode()


def test_memory_keeps_a_bounded_number_of_pages(client, settings, monkeypatch):
    recent = settings.CACHES["recent_pages"]
    options = {"MAX_ENTRIES": 2, "CULL_FREQUENCY": 2}
    settings.CACHES = {**settings.CACHES, "recent_pages": recent | {"OPTIONS": options}}
    events = EventFactory.create_batch(3)
    for event in events:
        client.get(event.get_absolute_url())
    shared = page_cache.page_cache
    asked = []
    monkeypatch.setattr(page_cache, "page_cache", lambda: asked.append(True) or shared())
    client.get(events[2].get_absolute_url())
    assert not asked  # the latest page came from memory
    client.get(events[0].get_absolute_url())
    assert asked  # the oldest was dropped, so the shared cache served it


def test_no_page_cache_when_fragment_caching_is_off(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    EventFactory(title="Uncached")
    listing(client)
    assert "Uncached" in listing(client)
    assert not caches["recent_pages"]._cache  # a LocMemCache keeps its entries there


def test_an_event_has_a_version_exactly_where_its_link_opens_it(client):
    events = {status: EventFactory(status=status) for status in Event.Status}
    events["unlisted"] = EventFactory(visibility=Event.Visibility.UNLISTED)
    reachable = set(Event.objects.reachable().values_list("slug", flat=True))
    versioned = {e.slug for e in events.values() if page_cache.event_version(e.slug)}
    assert versioned == reachable == {e.slug for s, e in events.items() if s != Event.Status.DRAFT}
    draft = events[Event.Status.DRAFT].get_absolute_url()
    assert client.get(draft).status_code == 404


def test_any_change_to_an_event_gives_the_catalogue_a_new_version():
    event = EventFactory(capacity=3)
    before, seen = page_cache.catalogue_version(), page_cache.event_version(event.slug)
    services.register(user=UserFactory(), event=event)
    assert page_cache.catalogue_version() != before
    assert page_cache.event_version(event.slug) != seen
