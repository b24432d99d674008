"""Configuration behaviour. A case that needs different environment variables runs
Django in a subprocess, the way a server would start it."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.factories import CategoryFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-for-tests-only-0123456789",
    "DJANGO_ALLOWED_HOSTS": "events.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://events.example.com",
    "EMAIL_URL": "smtp://mailer:s%40cret@smtp.example.com:587",
    "EMS_SITE_URL": "https://events.example.com",
    "EMS_CONTACT_EMAIL": "help@events.example.com",
}


def run(args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMS_"))}
    base = {"DJANGO_SETTINGS_MODULE": "settings", "PYTHONPATH": "site"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean | base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_site_is_not_a_package():
    result = run(["-c", "import site.settings"])
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        EMS_VAR_DIR=str(tmp_path),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("site_url", [None, "http://localhost:8000", "http://127.0.0.1"])
def test_check_deploy_fails_while_links_would_point_to_localhost(tmp_path, site_url):
    production = {**PRODUCTION, "EMS_SITE_URL": site_url}
    env = {name: value for name, value in production.items() if value is not None}
    result = run(["manage.py", "check", "--deploy"], EMS_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert "events.E001" in result.stderr
    assert "links in emails and calendar files" in result.stderr


def test_missing_secret_key_stops_startup_with_a_clear_message():
    result = run(["manage.py", "check"])
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_toolbar_loads_in_development_only():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print('debug_toolbar' in settings.INSTALLED_APPS)"
    )
    dev = run(["-c", code], DJANGO_DEBUG="1")
    prod = run(["-c", code], **PRODUCTION)
    assert dev.stdout.strip() == "True", dev.stderr
    assert prod.stdout.strip() == "False", prod.stderr
    assert "debug_toolbar" not in settings.INSTALLED_APPS  # and never under tests


@pytest.mark.slow  # collectstatic compresses every file
def test_whitenoise_serves_hashed_compressed_static_files_with_debug_off(tmp_path):
    script = """
import django; django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
call_command("collectstatic", "--no-input", verbosity=0)
url = static("css/app.css")
response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_HOST="events.example.com",
                        secure=True)
print(url, response.status_code, response.headers.get("Content-Encoding"),
      response.headers.get("Cache-Control"))
"""
    result = run(
        ["-c", script],
        EMS_VAR_DIR=str(tmp_path),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    url, status, encoding, cache_control = result.stdout.split(maxsplit=3)
    assert url.startswith("/static/css/app.") and url != "/static/css/app.css"
    assert (status, encoding) == ("200", "gzip")
    assert "immutable" in cache_control


def test_the_redis_cache_never_waits_long(tmp_path):
    # tests/faults/ shows what these buy against a real Redis; this keeps settings from
    # overriding them with a long wait.
    code = (
        "import django; django.setup(); from django.core.cache import cache; "
        "client = cache._cache; options = client._get_connection_pool(False).connection_kwargs; "
        "print(options['socket_connect_timeout'], options['socket_timeout'], "
        "options['retry'].get_retries(), options['health_check_interval'], "
        "client._breaker.seconds)"
    )
    result = run(
        ["-c", code], REDIS_URL="redis://127.0.0.1:1/0", EMS_VAR_DIR=str(tmp_path), **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    connect, read, retries, health_check, breaker = map(float, result.stdout.split())
    assert 0 < connect <= 0.5 and 0 < read <= 0.5
    assert retries == 0  # a retry would wait a whole timeout again
    assert health_check == 0  # a PING before a command would, too
    assert 0 < breaker <= 10


@pytest.mark.django_db
def test_a_time_entered_is_kept_and_shown_as_the_same_utc_instant(client, user):
    # An event in UTC: every page says UTC after a time. Midsummer, so a server in any
    # zone with daylight saving would shift it.
    starts = datetime(timezone.now().year + 1, 6, 21, 18, 30, tzinfo=UTC)
    client.force_login(user)
    response = client.post(
        reverse("events:create"),
        {
            "title": "Solstice talk",
            "category": CategoryFactory().pk,
            "description": "Longest day.",
            "starts_at": f"{starts:%Y-%m-%d}T18:30",
            "ends_at": f"{starts:%Y-%m-%d}T21:30",
            "time_zone": "UTC",
            "venue": "Pier",
            "city": "Lisbon",
            "capacity": "10",
            "publish": "1",
        },
    )
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    assert (event.starts_at, event.ends_at) == (starts, starts + timedelta(hours=3))
    page = client.get(event.get_absolute_url()).content.decode()
    day = f"{starts:%a} {starts.day} {starts:%b} {starts.year}"
    assert (
        f'<time datetime="{starts:%Y-%m-%d}T18:30:00+00:00">{day}, 18:30 – 21:30 UTC</time>' in page
    )
    edit = client.get(reverse("events:edit", kwargs={"slug": event.slug})).content.decode()
    assert f'name="starts_at" value="{starts:%Y-%m-%d}T18:30"' in edit


def serve(path: str) -> str:
    """The status a server answers for `path`: through Django's own WSGI handler, with the
    signals around each request that the test client leaves out (closing or checking
    the database connection among them)."""
    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    status = []
    response = WSGIHandler()(environ, lambda line, headers: status.append(line))
    response.close()
    return status[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite connections are files: nothing drops them"
)
def test_a_database_restart_costs_no_error_page():
    # Workers keep their PostgreSQL connection between requests. After the server drops
    # it (a restart, a failover), the next request must reconnect, not fail.
    page = reverse("events:list")
    assert serve(page) == "200 OK"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    admin = connection.get_new_connection(connection.get_connection_params())
    try:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                break
            time.sleep(0.05)
    finally:
        admin.close()
    assert serve(page) == "200 OK"
