"""A database that can't answer right now is "busy, try again" (503 with Retry-After),
never a 500, and leaves nothing half-done (issue 12: point 7 and the PostgreSQL restart).

The waits are real: another connection holds the event's lock (on SQLite, the write
lock) while the request tries to register.
"""

import json
import threading
import time
from contextlib import contextmanager

import pytest
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.db import OperationalError, connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

import unavailable
from events.models import Event, Registration
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"
)
KINDS = ["page", "htmx", "api"]


@pytest.fixture
def attendee_client():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    return client


@pytest.fixture
def event():
    return EventFactory(capacity=5)


def register(client, event, kind):
    if kind == "api":
        return client.post(reverse("api:registration", args=[event.slug]))
    headers = {"HX-Request": "true"} if kind == "htmx" else {}
    return client.post(
        reverse("events:register", args=[event.slug]), {"fragment": "panel"}, headers=headers
    )


@contextmanager
def locked(event):
    """Hold the event's row lock (on SQLite, the write lock) from another connection."""
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event.pk)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(timeout=10)
    try:
        yield
    finally:
        release.set()
        thread.join()


@pytest.fixture
def short_lock_wait():
    """This connection gives up a lock wait after 0.2 s instead of the configured
    seconds; closing it afterwards brings back the configured wait."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET lock_timeout = '200ms'")
        else:
            cursor.execute("PRAGMA busy_timeout = 200")
    yield
    connection.close()


def assert_busy(response, kind):
    assert response.status_code == 503
    assert response["Retry-After"] == str(unavailable.RETRY_AFTER)
    if kind == "api":
        assert response.json()["error"] == "busy"
        return
    assert "very busy right now" in response.content.decode()
    if kind == "htmx":
        toast = json.loads(response["HX-Trigger"])["messages"]["items"][0]
        assert toast["level"] == "error"
        assert "try again" in toast["text"]


def assert_nothing_changed(event):
    event.refresh_from_db()
    assert event.seats_taken == 0
    assert not Registration.objects.exists()


def test_lock_waits_and_connecting_are_short():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone() == ("5s",)
            assert connection.get_connection_params()["connect_timeout"] == 3
        else:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone() == (10_000,)


@pytest.mark.parametrize("kind", KINDS)
def test_a_lock_wait_that_runs_out_is_busy_not_an_error(
    attendee_client, event, kind, short_lock_wait
):
    started = time.monotonic()
    with locked(event):
        response = register(attendee_client, event, kind)
    assert time.monotonic() - started < 5
    assert_busy(response, kind)
    assert_nothing_changed(event)
    assert register(attendee_client, event, kind).status_code in (200, 201, 302)
    event.refresh_from_db()
    assert event.seats_taken == 1


@postgres_only
@pytest.mark.parametrize("kind", KINDS)
def test_a_connection_lost_mid_request_is_busy_and_leaves_nothing_half_done(
    attendee_client, event, kind
):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()

    def terminate_once_it_waits():
        # The request's backend goes away while it waits on the lock, as in a restart.
        try:
            with connection.cursor() as cursor:
                for _ in range(250):
                    cursor.execute(
                        "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s",
                        [pid],
                    )
                    if cursor.fetchone()[0]:
                        break
                    time.sleep(0.02)
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            connection.close()

    terminator = threading.Thread(target=terminate_once_it_waits)
    with locked(event):
        terminator.start()
        # In this thread, so on the connection whose backend is terminated.
        response = register(attendee_client, event, kind)
        terminator.join()
    assert_busy(response, kind)
    assert_nothing_changed(event)
    # The next request opens a new connection and succeeds.
    assert register(attendee_client, event, kind).status_code in (200, 201, 302)


def test_a_database_error_in_a_middleware_is_busy_too(monkeypatch, event):
    # Django turns it into a response at that layer, where no process_exception sees it.
    def fail(self, request):
        raise OperationalError("the connection to the server was lost")

    monkeypatch.setattr(AuthenticationMiddleware, "process_request", fail)
    response = Client(raise_request_exception=False).get(event.get_absolute_url())
    assert_busy(response, "page")
    assert f'href="{event.get_absolute_url()}" class="button"' in response.content.decode()


@pytest.mark.parametrize(
    ("error", "status"), [(OperationalError("database is locked"), 503), (ValueError(), 500)]
)
def test_only_database_errors_are_busy(error, status):
    request = RequestFactory().get("/")
    try:
        raise error
    except Exception:
        response = unavailable.server_error(request)
    assert response.status_code == status
    assert ("Retry-After" in response) == (status == 503)
