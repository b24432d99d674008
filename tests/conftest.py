from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.utils import timezone

from accounts import throttle
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    """Each test starts with an empty cache and writes uploads to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Real hashing costs ~0.3 s per user; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def throttle_clock(monkeypatch):
    """A still clock for the throttles, which count in fixed windows (a login's minute,
    a quarter hour): a test's attempts all fall in one, however slowly it runs. A test
    moves it by hand (clock[0] += 60)."""
    clock = [1_000_000_800]  # the start of a quarter hour
    # Only the throttles' clock: links, sessions and cache keys keep the real time.
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: clock[0]))
    return clock


@pytest.fixture
def a_whole_minute():
    """Starts the test as a minute starts, so it crosses no minute, hour or midnight.
    Cached pages are keyed on the minute, a visitor's Register link stamps it and a
    calendar feed's version names the day: a tick between two requests (or two links on
    one page) would make them differ. The clock still runs, as cache versions need."""
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture
def a_noon_in_2026():
    """For tests with fixed dates in 2027: those are ahead, and in another year than
    now, whenever the suite runs. The clock still runs."""
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def make_user(db):
    def make(email="ada@example.com", name="Ada Lovelace", password=PASSWORD, **extra):
        extra.setdefault("email_verified_at", timezone.now())
        return get_user_model().objects.create_user(
            email=email, name=name, password=password, **extra
        )

    return make


@pytest.fixture
def user(make_user):
    return make_user()
