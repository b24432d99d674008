"""A Redis cache that degrades to cache misses when Redis is unreachable.

The cache only ever holds derived data (rendered fragments), so a Redis outage
must slow pages down, never take them down.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _degrade(method, fallback):
    @functools.wraps(method)
    def wrapper(self, *args):
        try:
            return method(self, *args)
        except RedisError as exc:
            logger.warning("Cache unavailable, serving without it: %s", exc)
            return fallback(*args)

    return wrapper


def _false(*args):
    return False


def _none(*args):
    return None


class ResilientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django builds a new redis.Redis per call, which costs about as much as a GET.
        # A client is only a handle on its pool and is thread-safe, so keep one per pool.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    get = _degrade(RedisCacheClient.get, lambda key, default: default)
    get_many = _degrade(RedisCacheClient.get_many, lambda keys: {})
    has_key = _degrade(RedisCacheClient.has_key, _false)
    add = _degrade(RedisCacheClient.add, _false)
    set = _degrade(RedisCacheClient.set, _none)
    set_many = _degrade(RedisCacheClient.set_many, _none)
    touch = _degrade(RedisCacheClient.touch, _false)
    delete = _degrade(RedisCacheClient.delete, _false)
    delete_many = _degrade(RedisCacheClient.delete_many, _none)
    clear = _degrade(RedisCacheClient.clear, _false)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
