"""Sessions: from the shared cache with Redis, always written through to the database."""

import pytest
from cached_sessions import CACHE_SECONDS, CappedCache, SessionStore
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_engine_follows_the_cache():
    shared = bool(settings.CACHES["default"]["BACKEND"].endswith("ResilientRedisCache"))
    expected = "cached_sessions" if shared else "django.contrib.sessions.backends.db"
    assert expected == settings.SESSION_ENGINE


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "cached_sessions"


def test_an_emptied_cache_signs_nobody_out(client, user, cached_sessions):
    client.force_login(user)
    cache.clear()  # a Redis restart
    page = client.get(reverse("my-registrations"))
    assert page.status_code == 200
    assert Session.objects.count() == 1


def test_logging_out_ends_the_session_in_the_database_and_the_cache(client, user, cached_sessions):
    client.force_login(user)
    client.get(reverse("my-registrations"))
    key = client.session.session_key
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert not SessionStore().exists(key)
    assert client.get(reverse("my-registrations")).status_code == 302


def test_a_session_stays_in_the_cache_a_few_minutes_at_most():
    class Recorder:
        def __init__(self):
            self.timeouts = []

        def set(self, key, value, timeout=None, version=None):
            self.timeouts.append(timeout)

    recorder = Recorder()
    capped = CappedCache(recorder)
    capped.set("k", {}, settings.SESSION_COOKIE_AGE)
    capped.set("k", {}, 60)
    capped.set("k", {})
    assert recorder.timeouts == [CACHE_SECONDS, 60, CACHE_SECONDS]
