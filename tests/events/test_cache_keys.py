"""Shared pages are keyed on the parameters they read, so other parameters can't
fill the cache (issue 12, point 11), nor travel in the links of a shared page."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("a_whole_minute")]
LIST = reverse("events:list")
HX = {"HX-Request": "true"}


def pages_kept() -> int:
    """How many pages this process keeps in memory (a LocMemCache holds them in _cache)."""
    return len(caches["recent_pages"]._cache)


def queries_for(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, headers=headers).status_code == 200
    return len(queries)


@pytest.fixture
def events():
    EventFactory.create_batch(13, city="Berlin")
    EventFactory(city="Paris")


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "partial"])
def test_ignored_parameters_share_one_entry(client, events, headers):
    queries_for(client, LIST + "?utm=1", **headers)
    for query in ["?utm=2", "", "?utm=3&utm=4&fbclid=x", "?page=1", "?page=x&city="]:
        # A hit: only the catalogue's version is read, nothing is rendered.
        assert queries_for(client, LIST + query, **headers) == 1, query
    assert pages_kept() == 1


def test_a_filter_in_use_gets_its_own_page_whatever_the_order(client, events):
    berlin = client.get(LIST + "?city=Berlin&utm=1").content.decode()
    paris = client.get(LIST + "?city=Paris").content.decode()
    assert "<strong>13</strong> events" in berlin
    assert "<strong>1</strong> event" in paris
    assert queries_for(client, LIST + "?format=in_person&city=Paris") > 1
    assert queries_for(client, LIST + "?city=Paris&format=in_person&utm=2") == 1
    # The last of repeated values, as the filter form reads them.
    assert queries_for(client, LIST + "?city=Berlin&city=Paris") == 1
    assert pages_kept() == 3


def test_a_shared_page_hands_out_no_ignored_parameter(client, events):
    first = client.get(LIST + "?utm_source=news&city=Berlin").content.decode()
    second = client.get(LIST + "?city=Berlin").content.decode()
    for html in (first, second):
        assert 'href="?city=Berlin&amp;page=2"' in html
        assert "next=/events/%3Fcity%3DBerlin" in html  # "Log in" comes back here
        assert "utm_source" not in html


def test_a_shared_page_of_ignored_parameters_offers_no_clear_filters(client, events):
    assert "Clear filters" not in client.get(LIST + "?utm=1").content.decode()
    assert "Clear filters" in client.get(LIST + "?city=Berlin").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?category=made-up",
        "?city=Atlantis",
        "?date_from=yesterday",
        "?ordering=random",
        "?seats=yes-please",
        "?page=99",
        "?page=0",
    ],
)
def test_refused_input_is_shown_but_not_stored(client, events, query):
    for _ in range(2):
        assert queries_for(client, LIST + query) > 1
    assert not pages_kept()


def test_the_event_page_is_keyed_on_its_path(client):
    event = EventFactory()
    url = event.get_absolute_url()
    queries_for(client, url + "?utm_source=news&ref=x")
    assert queries_for(client, url) == 1
    assert queries_for(client, url + "?utm_source=mail") == 1
    html = client.get(url + "?utm_source=news").content.decode()
    assert re.search(r'href="/accounts/login/\?register=[^"]+"', html)
    assert "utm_source" not in html
    assert pages_kept() == 1
