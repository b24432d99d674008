"""Logins, sign-ups and password resets are throttled per client and per account, with
the local-memory cache and with a real Redis, and a throttled attempt costs no hash."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.urls import reverse

from accounts import throttle
from tests.faults.conftest import start_redis

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("throttle_clock")]
LOGIN = reverse("accounts:login")


@pytest.fixture(params=["locmem", "redis"], autouse=True)
def cache_backend(request, settings):
    if request.param == "locmem":
        yield
        return
    server = start_redis()
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "resilient_cache.ResilientRedisCache", "LOCATION": server.url},
    }
    try:
        yield
    finally:
        cache.close()
        server.kill()


@pytest.fixture
def hashes(monkeypatch):
    """How many password hashes the requests cost."""
    counted = {"n": 0}
    for name in ("encode", "verify"):
        real = getattr(MD5PasswordHasher, name)

        def counting(self, *args, real=real):
            counted["n"] += 1
            return real(self, *args)

        monkeypatch.setattr(MD5PasswordHasher, name, counting)
    return counted


def log_in(client, email, password, ip="203.0.113.7"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_ten_wrong_passwords_then_even_the_right_one_waits_and_costs_no_hash(
    client, user, password, hashes, monkeypatch
):
    clock = [1_000_000_020]  # in the first minute of a quarter hour
    monkeypatch.setattr(throttle.time, "time", lambda: clock[0])
    for _ in range(10):  # one guess a minute: slower than the per-client limit
        assert log_in(client, user.email, "wrong").status_code == 200
        clock[0] += 60
    hashes["n"] = 0
    response = log_in(client, user.email, password)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 900
    assert "Too many attempts. Please wait" in response.content.decode()
    assert hashes["n"] == 0
    # Someone else, elsewhere, can still sign in to their own account.
    assert log_in(client, user.email, password, ip="198.51.100.1").status_code == 302


def test_a_success_forgives_earlier_mistakes(client, user, password):
    for n in range(4):
        log_in(client, user.email, "wrong", ip=f"203.0.113.{n}")
    assert log_in(client, user.email, password, ip="203.0.113.9").status_code == 302
    client.logout()
    assert log_in(client, user.email, "wrong", ip="203.0.113.9").status_code == 200


def test_one_client_guessing_many_accounts_gets_five_hashes_a_minute(client, hashes):
    for n in range(5):
        assert log_in(client, f"guess{n}@example.com", "wrong").status_code == 200
    hashes["n"] = 0
    response = log_in(client, "another@example.com", "wrong")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert hashes["n"] == 0


def test_a_client_guessing_slowly_is_stopped_after_thirty(client, monkeypatch):
    clock = [1_000_000_800]  # the start of a quarter hour
    monkeypatch.setattr(throttle.time, "time", lambda: clock[0])
    statuses = []
    for n in range(31):  # three guesses a minute
        statuses.append(log_in(client, f"guess{n}@example.com", "wrong").status_code)
        clock[0] += 20
    assert statuses == [200] * 30 + [429]


def test_ipv6_clients_are_counted_per_64_prefix(client, user):
    for n in range(10):
        log_in(client, user.email, "wrong", ip=f"2001:db8:1:2::{n + 1:x}")
    assert log_in(client, user.email, "wrong", ip="2001:db8:1:2:ffff::1").status_code == 429
    assert log_in(client, user.email, "wrong", ip="2001:db8:1:3::1").status_code == 200


def test_behind_a_proxy_the_address_the_proxy_saw_counts(client, user, settings):
    settings.BEHIND_PROXY = True
    for n in range(10):
        client.post(
            LOGIN,
            {"username": user.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.9",  # the client's own part varies
        )
    blocked = client.post(
        LOGIN,
        {"username": user.email, "password": "wrong"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert blocked.status_code == 429


def test_guesses_from_everywhere_never_lock_out_a_browser_that_signed_in_before(
    client, user, password
):
    assert log_in(client, user.email, password).status_code == 302  # remembers the browser
    client.post(
        reverse("accounts:logout")
    )  # as a person does; the test client's logout() forgets every cookie
    for n in range(100):
        log_in(client, user.email, "wrong", ip=f"192.0.2.{n}")
    stranger = client.__class__()
    assert log_in(stranger, user.email, password, ip="198.51.100.9").status_code == 429
    assert log_in(client, user.email, password, ip="198.51.100.10").status_code == 302


def test_the_admin_login_is_throttled_too(client, user):
    admin_login = reverse("admin:login")
    for _ in range(10):
        client.post(admin_login, {"username": user.email, "password": "wrong"})
    response = client.post(admin_login, {"username": user.email, "password": "wrong"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_sign_ups_are_throttled_per_client(client):
    data = {"name": "Bot", "password1": "Xylophone-pasta-42", "password2": "Xylophone-pasta-42"}
    for n in range(10):
        client.post(reverse("accounts:signup"), data | {"email": f"bot{n}@example.com"})
        client.logout()
    response = client.post(reverse("accounts:signup"), data | {"email": "bot99@example.com"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_password_resets_are_throttled_per_account_whether_or_not_it_exists(client, user):
    for email in (user.email, "nobody@example.com"):
        for _ in range(5):
            response = client.post(reverse("accounts:password_reset"), {"email": email})
            assert response.status_code == 302
        response = client.post(reverse("accounts:password_reset"), {"email": email})
        assert response.status_code == 429


def test_limits_keep_their_promises():
    # One client hits its own limits before it can lock anyone's account for everyone.
    pair, per_minute, per_ip, per_account = throttle.LOGIN
    assert per_minute.attempts < pair.attempts < per_ip.attempts < per_account.attempts
