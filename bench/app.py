"""The Django side of the benchmark, run in the configuration under test:

    python -m bench.app prepare --events 10000 --users 2000 --attempts 2000 --capacity 500
    python -m bench.app probe TARGETS_JSON
    python -m bench.app verify SLUG

Each prints one JSON document on stdout for bench/run.py.
"""

import argparse
import contextlib
import json
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]


CONTENTION_TITLE = "Benchmark contention"


def setup():
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
    django.setup()


def prepare(events: int, users: int, attempts: int, capacity: int) -> dict:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.core.management import call_command
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from django_tasks_db.models import DBTaskResult

    from events.models import Event

    call_command("migrate", verbosity=0)
    # An earlier run's contention event holds demo people's registrations, which keep
    # seed_demo --reset from deleting them (a registration protects its person).
    Event.objects.filter(title=CONTENTION_TITLE).delete()
    call_command("seed_demo", events=events, users=users, reset=True, force=True, verbosity=0)
    DBTaskResult.objects.all().delete()  # so verify counts this run's emails only
    User = get_user_model()
    people = list(User.objects.filter(is_staff=False).order_by("pk")[: attempts + 1])
    missing = attempts + 1 - len(people)
    if missing > 0:
        User.objects.bulk_create(
            User(
                email=f"bench{n}@bench.ems.test",
                name=f"Bench {n}",
                email_verified_at=timezone.now(),
            )
            for n in range(missing)
        )
        people = list(User.objects.filter(is_staff=False).order_by("pk")[: attempts + 1])
    starts = timezone.now() + timedelta(days=30)
    contention = Event.objects.create(
        organizer=people[0],
        title=CONTENTION_TITLE,
        description="Everyone wants a seat.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue="Bench hall",
        city="Berlin",
        capacity=capacity,
        waitlist_enabled=True,
        status=Event.Status.PUBLISHED,
    )

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    def session(user) -> list[str]:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return [store.session_key, get_random_string(32)]

    listed = Event.objects.published().upcoming()
    detail = listed.exclude(poster="").order_by("-seats_taken", "pk").first() or listed.first()
    sample = listed.filter(category__isnull=False).order_by("starts_at").first()
    word = sample.title.split()[-1]
    until = (timezone.now() + timedelta(days=90)).date()
    return {
        "contention": contention.slug,
        "detail": detail.slug,
        "filters": f"q={word}&category={sample.category.slug}&date_to={until}",
        "viewer": session(people[0]),
        "sessions": [session(user) for user in people[1 : attempts + 1]],
    }


def probe(targets: dict) -> dict:
    """SQL queries and response bytes per target, measured in-process on a warm cache."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = {}
    for name, target in targets.items():
        client = Client(raise_request_exception=False)
        if target.get("session"):
            client.cookies["sessionid"] = target["session"][0]
            client.cookies["csrftoken"] = target["session"][1]
        headers = target.get("headers", {})
        method = getattr(client, target.get("method", "get").lower())
        for _ in range(2):  # the second request sees warm caches, as under load
            with CaptureQueriesContext(connection) as queries:
                response = method(
                    target["path"], target.get("data"), headers=headers, HTTP_HOST="127.0.0.1"
                )
        results[name] = {
            "status": response.status_code,
            "queries": len(queries),
            "bytes": len(response.content),
        }
    return results


def verify(slug: str) -> dict:
    from django.db.models import Count

    from events.models import EmailDelivery, Event

    event = Event.objects.get(slug=slug)
    deliveries = EmailDelivery.objects.filter(registration__event=event)
    by_status = deliveries.values_list("status").annotate(n=Count("id")).order_by()
    return {
        "capacity": event.capacity,
        "seats_taken": event.seats_taken,
        "confirmed": event.registrations.confirmed().count(),
        "waitlisted": event.registrations.waitlist().count(),
        "emails": dict(by_status),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare")
    for name, default in (("events", 10_000), ("users", 2_000), ("attempts", 2_000)):
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--capacity", type=int, default=500)
    commands.add_parser("probe").add_argument("targets")
    commands.add_parser("verify").add_argument("slug")
    args = parser.parse_args()
    # Commands' chatter goes to stderr; stdout carries only the JSON.
    with contextlib.redirect_stdout(sys.stderr):
        setup()
        if args.command == "prepare":
            result = prepare(args.events, args.users, args.attempts, args.capacity)
        elif args.command == "probe":
            result = probe(json.loads(args.targets))
        else:
            result = verify(args.slug)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
