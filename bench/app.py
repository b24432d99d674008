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
RUSH_TITLE = "Benchmark sale rush"


def setup():
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
    django.setup()


def prepare(
    events: int, users: int, attempts: int, capacity: int, rush: int, rush_capacity: int
) -> dict:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.core.management import call_command
    from django.db.models import F
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from django_tasks_db.models import DBTaskResult

    from events import services
    from events.models import EmailDelivery, Event

    call_command("migrate", verbosity=0)
    # An earlier run's contention event holds demo people's registrations, which keep
    # seed_demo --reset from deleting them (a registration protects its person).
    Event.objects.filter(title__in=(CONTENTION_TITLE, RUSH_TITLE)).delete()
    call_command("seed_demo", events=events, users=users, reset=True, force=True, verbosity=0)
    User = get_user_model()
    # Registrants for the contention and the rush (the same people, for two events),
    # and a planner who holds many seats.
    needed = max(attempts, rush) + 2
    people = list(User.objects.filter(is_staff=False).order_by("pk")[:needed])
    missing = needed - len(people)
    if missing > 0:
        User.objects.bulk_create(
            User(
                email=f"bench{n}@bench.ems.test",
                name=f"Bench {n}",
                email_verified_at=timezone.now(),
            )
            for n in range(missing)
        )
        people = list(User.objects.filter(is_staff=False).order_by("pk")[:needed])
    viewer, planner, registrants = people[0], people[-1], people[1:-1]
    listed = Event.objects.listed().upcoming()
    # The viewer holds a few seats among the first page's cards; the planner holds
    # seats at 50 events, as a busy attendee's My events.
    one_click = Event.objects.listed().open_for_registration()
    one_click = one_click.filter(asks_questions=False, requires_approval=False)
    first_page = list(listed.order_by("starts_at", "pk")[:12])
    held = set(viewer.registrations.active().values_list("event_id", flat=True))
    seats = [e for e in first_page if e in one_click][1::4]
    for event in seats:
        if event.pk not in held:
            services.register(user=viewer, event=event)
    open_seats = one_click.filter(seats_taken__lt=F("capacity")).exclude(
        registrations__user=planner
    )
    for event in open_seats.order_by("-starts_at")[:50]:
        services.register(user=planner, event=event)
    # None of the seeding's emails go out, so verify counts the timed runs' only.
    EmailDelivery.objects.all().delete()
    DBTaskResult.objects.all().delete()
    starts = timezone.now() + timedelta(days=30)

    def crowded(title: str, seats: int) -> Event:
        return Event.objects.create(
            organizer=viewer,
            title=title,
            description="Everyone wants a seat.",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            venue="Bench hall",
            city="Berlin",
            capacity=seats,
            waitlist_enabled=True,
            status=Event.Status.PUBLISHED,
        )

    contention = crowded(CONTENTION_TITLE, capacity)
    rushed = crowded(RUSH_TITLE, rush_capacity)

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    def session(user) -> list[str]:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return [store.session_key, get_random_string(32)]

    mine = set(viewer.registrations.active().values_list("event_id", flat=True))
    others = listed.exclude(pk__in=mine).exclude(title__in=(CONTENTION_TITLE, RUSH_TITLE))
    detail = others.exclude(poster="").order_by("-seats_taken", "pk").first() or others.first()
    sample = listed.filter(category__isnull=False).order_by("starts_at").first()
    word = sample.title.split()[-1]
    until = (timezone.now() + timedelta(days=90)).date()
    return {
        "contention": contention.slug,
        "rush": rushed.slug,
        "detail": detail.slug,
        "registered": seats[0].slug,
        "filters": f"q={word}&category={sample.category.slug}&date_to={until}",
        "viewer": session(viewer),
        "planner": session(planner),
        "sessions": [session(user) for user in registrants[: max(attempts, rush)]],
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
    # The queue is in arrival order if its order by (created_at, pk) is the insertion
    # order; every registration has exactly one email.
    queue = list(event.registrations.waitlist().values_list("pk", flat=True))
    per_registration = deliveries.values("registration").annotate(n=Count("id"))
    return {
        "capacity": event.capacity,
        "seats_taken": event.seats_taken,
        "confirmed": event.registrations.confirmed().count(),
        "waitlisted": len(queue),
        "queue_in_arrival_order": queue == sorted(queue),
        "emails_once": not per_registration.exclude(n=1).exists()
        and per_registration.count() == event.registrations.count(),
        "emails": dict(by_status),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare")
    for name, default in (("events", 10_000), ("users", 2_000), ("attempts", 2_000)):
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--capacity", type=int, default=500)
    p.add_argument("--rush", type=int, default=10_000)
    p.add_argument("--rush-capacity", type=int, default=500)
    commands.add_parser("probe").add_argument("targets")
    commands.add_parser("verify").add_argument("slug")
    args = parser.parse_args()
    # Commands' chatter goes to stderr; stdout carries only the JSON.
    with contextlib.redirect_stdout(sys.stderr):
        setup()
        if args.command == "prepare":
            result = prepare(
                args.events,
                args.users,
                args.attempts,
                args.capacity,
                args.rush,
                args.rush_capacity,
            )
        elif args.command == "probe":
            result = probe(json.loads(args.targets))
        else:
            result = verify(args.slug)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
