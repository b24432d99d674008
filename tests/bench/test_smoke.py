"""`make bench` on tiny numbers, so the harness can't rot. Budgets are not asserted:
two-second runs on 100 events say nothing about speed."""

import json
import os

import pytest

from bench import run


@pytest.mark.slow  # about a minute: starts servers and runs every benchmark once
def test_the_benchmark_harness_runs_end_to_end(tmp_path):
    configs = "sqlite,postgres" if os.environ.get("DATABASE_URL") else "sqlite"
    argv = ["--events=100", "--users=60", "--attempts=40", "--capacity=10", "--duration=1"]
    argv += ["--warmup=1", "--rounds=1", "--connections=4", f"--configs={configs}"]
    run.main([*argv, f"--out={tmp_path}"])

    results = json.loads((tmp_path / "results.json").read_text())["results"]
    assert sorted(results) == sorted(configs.split(","))
    for result in results.values():
        for target in ("ceiling", "floor", "list", "list_partial", "detail", "list_nocache"):
            assert result["targets"][target]["rps"] > 0, target
            assert result["targets"][target]["errors"] == 0, target
        registration = result["registration"]
        assert registration["requests"] == 40 and registration["errors"] == 0
        assert registration["invariant"] == {
            "capacity": 10,
            "seats_taken": 10,
            "confirmed": 10,
            "waitlisted": 30,
        }
        assert registration["emails"]["sent"] == 40
        assert result["probes"]["list"]["queries"] <= 6
        assert 0 < result["rss_mb"]["ems"] < 500
    table = (tmp_path / "RESULTS.md").read_text()
    assert "| event list, full page |" in table
    assert "| signed-in floor: a POST that only loads the session and user |" in table
