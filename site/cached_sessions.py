"""Sessions read from the shared cache and written through to the database: Django's
cached_db, with each session kept in the cache for a few minutes at most.

The database stays the truth, so a Redis restart signs nobody out. The cap bounds the
one thing a cache outage can do to sessions: a logout (or password change) while Redis
is unreachable can't delete the cached copy, which would otherwise stay usable for as
long as the session's own age once Redis is back.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

CACHE_SECONDS = 300


class CappedCache:
    """The session cache, with every timeout cut to CACHE_SECONDS."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def __contains__(self, key):
        return key in self._cache

    def set(self, key, value, timeout=None, version=None):
        capped = CACHE_SECONDS if timeout is None else min(timeout, CACHE_SECONDS)
        return self._cache.set(key, value, capped, version)


class SessionStore(CachedDBStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = CappedCache(self._cache)
