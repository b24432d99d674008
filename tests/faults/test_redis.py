"""A frozen or dead Redis costs cache misses, not waiting and not errors.

Each test runs a real redis-server and pauses (SIGSTOP) or kills it. The caches use
the backend's real timeouts; only the breaker's interval is shortened.
"""

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from resilient_cache import SAFE_OPTIONS, ResilientRedisCache
from tests.factories import EventFactory, UserFactory

TIMEOUT = SAFE_OPTIONS["socket_timeout"]
INTERVAL = 0.5
# One failing call: at worst a connect and a read that both time out, plus slack.
ONE_FAILURE = SAFE_OPTIONS["socket_connect_timeout"] + TIMEOUT + 0.25


def cache_at(server) -> ResilientRedisCache:
    """A cache object as Django builds one from CACHES (it makes one per thread)."""
    return ResilientRedisCache(server.url, {"OPTIONS": {"breaker_seconds": INTERVAL}})


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def every_call_degrades(cache) -> None:
    """Reads miss and writes do nothing, without an exception."""
    assert cache.get("greeting", "miss") == "miss"
    assert cache.get_many(["greeting", "other"]) == {}
    assert cache.has_key("greeting") is False
    assert cache.get_or_set("greeting", "computed") == "computed"
    assert cache.add("new", 1) is False
    assert cache.set("greeting", "changed") is None
    assert cache.set_many({"a": 1, "b": 2}) == []
    assert cache.touch("greeting") is False
    assert cache.delete("greeting") is False
    assert cache.delete_many(["a", "b"]) is None
    with pytest.raises(ValueError, match="not found"):  # what incr says about a miss
        cache.incr("counter")


def test_a_frozen_redis_costs_one_timeout_then_nothing(redis_server):
    cache = cache_at(redis_server)
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
    redis_server.pause()

    value, first = timed(lambda: cache.get("greeting", "miss"))
    assert value == "miss"
    assert first < ONE_FAILURE

    _, rest = timed(lambda: [every_call_degrades(cache) for _ in range(5)])
    assert rest < 0.05, f"55 calls took {rest:.2f} s: they waited for the frozen Redis"


def test_a_dead_redis_degrades_at_once(redis_server):
    cache = cache_at(redis_server)
    cache.set("greeting", "hello")
    redis_server.kill()
    _, seconds = timed(lambda: every_call_degrades(cache))
    assert seconds < ONE_FAILURE


def test_caching_resumes_by_itself_once_redis_answers(redis_server):
    cache = cache_at(redis_server)
    cache.set("greeting", "hello")
    redis_server.pause()
    assert cache.get("greeting") is None
    redis_server.resume()
    # Skipped for the rest of the interval, even though Redis answers again...
    assert cache.get("greeting") is None
    time.sleep(INTERVAL)
    # ...then one call tries, succeeds, and the cache is back with what it held.
    assert cache.get("greeting") == "hello"
    cache.set("greeting", "hello again")
    assert cache.get("greeting") == "hello again"
    assert cache_at(redis_server).get("greeting") == "hello again"


def test_one_call_tries_again_while_the_others_skip(redis_server):
    cache_at(redis_server).set("greeting", "hello")
    redis_server.pause()
    cache_at(redis_server).get("greeting")
    time.sleep(INTERVAL)
    callers = 8
    start = threading.Barrier(callers)

    def visit(_):
        cache = cache_at(redis_server)
        start.wait(timeout=5)
        return timed(lambda: cache.get("greeting", "miss"))

    with ThreadPoolExecutor(callers) as pool:
        results = list(pool.map(visit, range(callers)))
    assert [value for value, _ in results] == ["miss"] * callers
    waited = sorted(round(seconds, 2) for _, seconds in results if seconds > TIMEOUT * 0.8)
    assert len(waited) == 1, f"{len(waited)} of {callers} callers waited for Redis: {waited}"


def test_an_outage_is_logged_once(redis_server, caplog):
    cache = cache_at(redis_server)
    cache.set("greeting", "hello")
    redis_server.pause()
    with caplog.at_level(logging.INFO, logger="resilient_cache"):
        for _ in range(10):
            cache.get("greeting")
        time.sleep(INTERVAL)
        cache.get("greeting")  # tries again, and fails again
        for _ in range(10):
            cache.get("greeting")
        redis_server.resume()
        time.sleep(INTERVAL)
        assert cache.get("greeting") == "hello"
    records = [record for record in caplog.records if record.name == "resilient_cache"]
    assert [record.levelname for record in records] == ["WARNING", "INFO"]
    assert "Cache unavailable" in records[0].getMessage()


@pytest.fixture
def redis_cache(redis_server, settings):
    """The site's cache on the test's own Redis, configured as in production."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "resilient_cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "ems",
            "OPTIONS": {"breaker_seconds": INTERVAL},
        },
    }
    return redis_server


@pytest.mark.django_db
def test_pages_render_without_waiting_while_redis_is_frozen(redis_cache):
    event = EventFactory(title="Frozen cache meetup")
    EventFactory.create_batch(2)
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(UserFactory())
    visits = [
        (client, url, marker)
        for client in (anonymous, signed_in)
        for url, marker in (
            (reverse("events:list"), 'class="event-card"'),
            (event.get_absolute_url(), "Frozen cache meetup"),
        )
    ]
    for client, url, _ in visits:  # fills the cache
        assert client.get(url).status_code == 200
    redis_cache.pause()
    caches["recent_pages"].clear()  # as in a worker that has not seen these pages

    timings = []
    for client, url, marker in visits * 3:
        response, seconds = timed(lambda client=client, url=url: client.get(url))
        assert response.status_code == 200
        assert marker in response.content.decode()
        timings.append(seconds)
    assert timings[0] < ONE_FAILURE + 0.5
    # Within the interval nothing waits; after it, one request per interval tries again.
    assert sum(timings[1:]) < 1.0 + TIMEOUT, [round(t, 3) for t in timings]

    redis_cache.resume()
    redis.Redis.from_url(redis_cache.url).flushdb()
    time.sleep(INTERVAL)
    caches["recent_pages"].clear()
    assert anonymous.get(reverse("events:list")).status_code == 200
    keys = redis.Redis.from_url(redis_cache.url).keys("ems:*")
    assert keys, "nothing was cached again after Redis came back"


@pytest.mark.django_db
def test_signed_in_people_stay_signed_in_while_redis_is_frozen(redis_cache, settings):
    # Sessions come from Redis and are written through to the database (cached_sessions).
    settings.SESSION_ENGINE = "cached_sessions"
    client = Client()
    client.force_login(UserFactory())
    page = reverse("my-registrations")
    assert client.get(page).status_code == 200
    redis_cache.pause()
    for _ in range(3):
        response, seconds = timed(lambda: client.get(page))
        assert response.status_code == 200  # read from the database, not a login redirect
        assert seconds < ONE_FAILURE + 0.5
    redis_cache.resume()
