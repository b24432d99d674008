"""A Redis cache that a slow, frozen or dead Redis cannot take down.

The cache only ever holds derived data (rendered pages and fragments), so an outage
must cost cache misses, never errors and never waiting. Two things keep it so:

- Every socket has a short timeout and redis-py makes one attempt per call, so a
  failing call costs at most one timeout (SAFE_OPTIONS).
- A circuit breaker per process and Redis: after a failure the cache is skipped
  (reads miss, writes do nothing) for `breaker_seconds`, then one call tries again
  and its success brings the cache back. A frozen Redis then costs one timeout per
  interval per process instead of one per call.

Django's own RedisCache does everything else. django-redis has socket timeouts and
IGNORE_EXCEPTIONS but no breaker, and the breaker has to wrap the same calls to see
them fail, so it would replace nothing of what is here.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Used unless the cache's OPTIONS say otherwise. Redis answers in about a millisecond,
# so after a quarter of a second it is not answering. A retry inside redis-py, or a
# health-check PING before a command, would each wait a timeout of its own.
SAFE_OPTIONS = {
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.25,
    "retry": Retry(NoBackoff(), 0),
    "health_check_interval": 0,
}
BREAKER_SECONDS = 5.0


class Breaker:
    """Skips a failing cache for `seconds`, then lets one call through to try again.

    The lock is only held to change state, never during a call to Redis, so threads
    never queue behind a slow one.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._skip_until = 0.0  # a time.monotonic(); 0 while the cache is in use

    def allows(self) -> bool:
        if not self._skip_until:  # the common case takes no lock
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._skip_until:
                return False
            if self._skip_until:
                # This caller tries again; the others keep skipping until it succeeds
                # or another interval has passed (so a trial that dies cannot wedge it).
                self._skip_until = now + self.seconds
            return True

    def succeeded(self) -> None:
        if not self._skip_until:
            return
        with self._lock:
            was_skipping, self._skip_until = bool(self._skip_until), 0.0
        if was_skipping:
            logger.info("Cache answers again; using it.")

    def failed(self, error: RedisError) -> None:
        with self._lock:
            opening = not self._skip_until
            self._skip_until = time.monotonic() + self.seconds
        if opening:  # once per outage, not once per call
            logger.warning(
                "Cache unavailable (%s); serving without it, trying again every %s s.",
                error,
                self.seconds,
            )


_breakers: dict[tuple, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(servers: list[str], seconds: float) -> Breaker:
    """The process's breaker for these servers. Django makes a cache object per thread,
    and all of them must agree that Redis is down."""
    with _breakers_lock:
        return _breakers.setdefault((tuple(servers), seconds), Breaker(seconds))


def _guarded(method, fallback):
    """`method` behind the breaker; `fallback` (a miss, or a write that did nothing)
    when the cache is skipped or fails."""

    @functools.wraps(method)
    def wrapper(self, *args):
        if not self._breaker.allows():
            return fallback(*args)
        try:
            result = method(self, *args)
        except RedisError as error:
            self._breaker.failed(error)
            return fallback(*args)
        self._breaker.succeeded()
        return result

    return wrapper


def _false(*args):
    return False


def _none(*args):
    return None


def _not_found(key, delta):
    raise ValueError(f"Key '{key}' not found.")  # what incr() says about a missing key


class ResilientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, breaker_seconds: float = BREAKER_SECONDS, **options):
        super().__init__(servers, **(SAFE_OPTIONS | options))
        self._breaker = breaker_for(servers, breaker_seconds)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django builds a new redis.Redis per call, which costs about as much as a GET.
        # A client is only a handle on its pool and is thread-safe, so keep one per pool.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    get = _guarded(RedisCacheClient.get, lambda key, default: default)
    get_many = _guarded(RedisCacheClient.get_many, lambda keys: {})
    has_key = _guarded(RedisCacheClient.has_key, _false)
    incr = _guarded(RedisCacheClient.incr, _not_found)
    add = _guarded(RedisCacheClient.add, _false)
    set = _guarded(RedisCacheClient.set, _none)
    set_many = _guarded(RedisCacheClient.set_many, _none)
    touch = _guarded(RedisCacheClient.touch, _false)
    delete = _guarded(RedisCacheClient.delete, _false)
    delete_many = _guarded(RedisCacheClient.delete_many, _none)
    clear = _guarded(RedisCacheClient.clear, _false)


class ResilientRedisCache(RedisCache):
    """Django's RedisCache through ResilientRedisCacheClient. OPTIONS take redis-py's
    connection options over SAFE_OPTIONS, and `breaker_seconds`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
