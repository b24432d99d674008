"""Loaded by pytest (-p tests.parallel in pyproject.toml) for runs split over workers
by pytest-xdist, as `make test` does.

pytest-django gives each worker its own test database; this gives each its own Redis
database too, so one worker's cache.clear() (a FLUSHDB) can't empty the cache under
another worker's test, and its own folder under var/ for what the app keeps there (the
poster slots' lock files), so a worker's poster never finds the slots taken by another's.
The tests marked slow are handed out first, so none of them is left to finish alone.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16  # redis-server's default


def worker_database(url: str, worker: str) -> str:
    """redis://host:6379/0 as worker gw2 uses it: redis://host:6379/2."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    number = (base + int(worker.removeprefix("gw"))) % REDIS_DATABASES
    return urlunsplit(parts._replace(path=f"/{number}"))


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    from django.conf import settings

    settings.VAR_DIR = Path(settings.VAR_DIR) / worker
    for cache in settings.CACHES.values():
        if str(cache.get("LOCATION", "")).startswith(("redis://", "rediss://")):
            # In place: the cache handler reads this same dict when first used.
            cache["LOCATION"] = worker_database(cache["LOCATION"], worker)


def pytest_collection_modifyitems(config, items):
    if config.getoption("numprocesses", None):
        # sorted() is stable: the rest keep their order.
        items[:] = sorted(items, key=lambda item: item.get_closest_marker("slow") is None)
