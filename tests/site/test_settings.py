"""Configuration behaviour. Each case needs different environment variables, so it
runs Django in a subprocess the way a server would start it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-for-tests-only-0123456789",
    "DJANGO_ALLOWED_HOSTS": "events.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://events.example.com",
    "EMAIL_URL": "smtp://mailer:s%40cret@smtp.example.com:587",
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


def test_time_zone_is_utc_and_aware():
    assert settings.TIME_ZONE == "UTC"
    assert settings.USE_TZ is True


@pytest.mark.django_db
def test_database_is_tuned_for_concurrent_writes():
    if connection.vendor == "sqlite":
        options = settings.DATABASES["default"]["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE"
        assert options["timeout"] >= 5
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
        # A file, so that threads in concurrency tests share the database.
        assert Path(connection.settings_dict["NAME"]).suffix == ".sqlite3"
    else:
        assert connection.vendor == "postgresql"
        assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
        assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
