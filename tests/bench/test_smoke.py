"""`make bench` on tiny numbers, so the harness can't rot. Budgets are not asserted:
two-second runs on 100 events say nothing about speed."""

import json
import os

import pytest

from bench import run
from tests.faults.conftest import start_redis

# The configuration this run tests: the embedded run covers SQLite.
CONFIGS = "postgres" if os.environ.get("DATABASE_URL") else "sqlite"


@pytest.fixture
def own_redis(monkeypatch):
    """A Redis of the bench's own, so its servers can't empty a test worker's cache."""
    if CONFIGS != "postgres":
        yield
        return
    server = start_redis()
    monkeypatch.setenv("BENCH_REDIS_URL", server.url)
    yield
    server.kill()


@pytest.mark.slow  # about a minute: starts servers and runs every benchmark once
def test_the_benchmark_harness_runs_end_to_end(tmp_path, own_redis):
    configs = CONFIGS
    argv = ["--events=40", "--users=40", "--attempts=30", "--capacity=10", "--duration=1"]
    argv += ["--warmup=0", "--rounds=1", "--connections=4", f"--configs={configs}"]
    argv += ["--rush=40", "--rush-capacity=10", "--rush-connections=8"]
    run.main([*argv, f"--out={tmp_path}"])

    results = json.loads((tmp_path / "results.json").read_text())["results"]
    assert sorted(results) == sorted(configs.split(","))
    for result in results.values():
        signed_in = ("list_user", "list_partial_user", "detail_user", "detail_user_registered")
        pages = ("ceiling", "floor", "list", "list_partial", "detail", "list_nocache")
        for target in (*pages, *signed_in, "my_registrations"):
            assert result["targets"][target]["rps"] > 0, target
            assert result["targets"][target]["errors"] == 0, target
        registration = result["registration"]
        assert registration["requests"] == 30 and registration["errors"] == 0
        assert registration["invariant"] == {
            "capacity": 10,
            "seats_taken": 10,
            "confirmed": 10,
            "waitlisted": 20,
            "queue_in_arrival_order": True,
            "emails_once": True,
        }
        assert registration["emails"]["sent"] == 30
        rush = result["rush"]
        assert rush["requests"] == 40 and rush["errors"] == 0
        assert rush["invariant"] | {"emails": None} == {
            "capacity": 10,
            "seats_taken": 10,
            "confirmed": 10,
            "waitlisted": 30,
            "queue_in_arrival_order": True,
            "emails_once": True,
            "emails": None,
        }
        assert rush["emails"]["sent"] == 40
        # The signed-in pages are signed in: they show the person's own places.
        assert result["probes"]["my_registrations"]["status"] == 200
        assert result["probes"]["my_registrations"]["bytes"] > result["probes"]["list"]["bytes"] / 2
        assert result["probes"]["list"]["queries"] <= 6
        assert 0 < result["rss_mb"]["ems"] < 500
    table = (tmp_path / "RESULTS.md").read_text()
    assert "| event list, full page |" in table
    assert "| signed-in floor: a POST that only loads the session and user |" in table
    assert "| signed in: event detail, registered |" in table
    assert "Sale rush: 40 sign-ups released at one instant for 10 seats" in table
