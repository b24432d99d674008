"""Throttling for the forms that cost a password hash or an email: log in (the site's and
the admin's), sign up, and password reset.

Each form counts attempts in fixed windows in the cache, per client address and per
account, and refuses once a count reaches its limit, before any password is hashed.
The refusal is a form error with the wait in words, and the response is a 429 with
Retry-After (ThrottleStatusMiddleware).

Someone guessing a person's password must not lock that person out: the per-account
limit is high enough that one attacker hits the per-address limits first, and it never
applies to a browser that has signed in to that account before (a signed cookie).

The counters live in the default cache (local memory, or Redis shared by every worker).
If Redis is down the limits are not enforced for a few seconds; the site stays up.
"""

import contextlib
import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

KNOWN_BROWSER_COOKIE = "ems_known"
KNOWN_BROWSER_SALT = "accounts.throttle.known-browser"
KNOWN_BROWSER_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Limit:
    scope: str  # what is counted: "login:ip", "login:account", ...
    attempts: int
    window: int  # seconds


# A person who mistypes gets 10 tries in a quarter hour. A client gets 5 failures a minute
# and 30 a quarter hour, whatever the accounts: each failure costs a password hash (about
# 0.6 s of CPU), so a client guessing flat out costs the site 5 hashes a minute. An account
# gets 100 failures from everywhere together.
LOGIN = (
    Limit("login:pair", 10, 900),
    Limit("login:ip", 5, 60),
    Limit("login:ip", 30, 900),
    Limit("login:account", 100, 900),
)
SIGNUP = (Limit("signup:ip", 10, 3600),)
PASSWORD_RESET = (Limit("reset:ip", 20, 3600), Limit("reset:account", 5, 3600))
CONFIRMATION = (Limit("confirm:account", 3, 3600),)
# Each poster costs up to a second of a CPU (events.posters).
POSTERS = (Limit("poster:account", 6, 600),)


def client_address(request) -> str:
    """The client's address, as a /64 for IPv6, where one client holds a whole prefix.
    Behind a proxy (DJANGO_BEHIND_PROXY) it is the address the proxy saw, the last one
    in X-Forwarded-For; the rest of that header is whatever the client sent."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = forwarded.rsplit(",", 1)[-1].strip() or address
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _identity(limit: Limit, request, account: str) -> str:
    ip, account = client_address(request), account.strip().lower()
    parts = {"ip": ip, "account": account, "pair": f"{account}|{ip}"}
    value = parts[limit.scope.split(":")[1]]
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _key(limit: Limit, request, account: str, now: float) -> str:
    window = int(now // limit.window)
    identity = _identity(limit, request, account)
    return f"throttle:{limit.scope}:{limit.window}:{identity}:{window}"


def _applies(limit: Limit, request, account: str) -> bool:
    return not (limit.scope.endswith(":account") and is_known_browser(request, account))


def retry_after(limits, request, account: str = "") -> int | None:
    """Seconds until this client may try again, or None when it may now."""
    now = time.time()
    keys = {_key(limit, request, account, now): limit for limit in limits}
    counts = cache.get_many(list(keys))
    waits = [
        math.ceil(limit.window - now % limit.window)
        for key, limit in keys.items()
        if counts.get(key, 0) >= limit.attempts and _applies(limit, request, account)
    ]
    return max(waits) if waits else None


def blocked(limits, request, account: str = "") -> int | None:
    """retry_after(), and a refused request is marked, so it is answered 429 with
    Retry-After (ThrottleStatusMiddleware) whatever page it ends on."""
    seconds = retry_after(limits, request, account)
    if seconds:
        request.throttled_for = seconds
    return seconds


def count(limits, request, account: str = "") -> None:
    """One more attempt (or failure) against each limit."""
    now = time.time()
    for limit in limits:
        key = _key(limit, request, account, now)
        cache.add(key, 0, limit.window)
        # Evicted, or the cache is down: this attempt goes uncounted.
        with contextlib.suppress(ValueError):
            cache.incr(key)


def forget(limits, request, account: str = "") -> None:
    """Clear the counts that a success proves were honest mistakes (this client, this
    account); the per-address count stays."""
    now = time.time()
    cache.delete_many(
        [_key(limit, request, account, now) for limit in limits if limit.scope.endswith(":pair")]
    )


def is_known_browser(request, account: str) -> bool:
    value = request.get_signed_cookie(
        KNOWN_BROWSER_COOKIE, default="", salt=KNOWN_BROWSER_SALT, max_age=KNOWN_BROWSER_AGE
    )
    return bool(account) and value == _account_hash(account)


def remember_browser(response, account: str) -> None:
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        _account_hash(account),
        salt=KNOWN_BROWSER_SALT,
        max_age=KNOWN_BROWSER_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _account_hash(account: str) -> str:
    return hashlib.sha256(account.strip().lower().encode()).hexdigest()[:32]


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many attempts. Please wait %(n)d minute and try again.",
        "Too many attempts. Please wait %(n)d minutes and try again.",
        minutes,
    ) % {"n": minutes}


class ThrottleStatusMiddleware:
    """A request a limit refused is answered 429 with Retry-After, whatever page it was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if seconds := getattr(request, "throttled_for", None):
            response.status_code = 429
            response["Retry-After"] = str(seconds)
        return response
