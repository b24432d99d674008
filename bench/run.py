"""`make bench`: real HTTP against gunicorn, as ratios to a ceiling measured in the same run.

    python -m bench.run                      # SQLite, plus PostgreSQL + Redis when configured
    python -m bench.run --events 100 --duration 2 --rounds 1 --attempts 50 --capacity 10

Per configuration it seeds a database with seed_demo, starts three gunicorn servers
(EMS, EMS with fragment caching off, and the ceiling app; 2 sync workers each, DEBUG
off, whitenoise), drives every page target with wrk, interleaved, for several rounds,
keeps the median, then runs the registration contention and checks the invariant.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import report
from bench.contention import register_all

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HOST = "127.0.0.1"
WORKERS = 2  # gunicorn workers per server


def say(message: str) -> None:
    """Progress on stderr; stdout carries only the results table."""
    sys.stderr.write(message + "\n")


def viewer_cookie(prep: dict, who: str = "viewer") -> str:
    session, csrf = prep[who]
    return f"sessionid={session}; csrftoken={csrf}"


def page_targets(prep: dict) -> dict:
    """Anonymous pages, then the signed-in journey: a viewer holding a few seats among the
    listed events, and a planner holding 50."""
    viewer = {"Cookie": viewer_cookie(prep)}
    partial = {"HX-Request": "true"}
    return {
        "list": {"path": "/events/"},
        "list_partial": {"path": f"/events/?{prep['filters']}", "headers": partial},
        "list_page50": {"path": "/events/?page=50"},
        "detail": {"path": f"/events/{prep['detail']}/"},
        "list_user": {"path": "/events/", "headers": viewer},
        "list_partial_user": {
            "path": f"/events/?{prep['filters']}",
            "headers": viewer | partial,
        },
        "detail_user": {"path": f"/events/{prep['detail']}/", "headers": viewer},
        "detail_user_registered": {"path": f"/events/{prep['registered']}/", "headers": viewer},
        "my_registrations": {
            "path": "/me/registrations/",
            "headers": {"Cookie": viewer_cookie(prep, "planner")},
        },
    }


def floor_target(prep: dict) -> dict:
    """A signed-in htmx POST, as the register button sends, to bench.floor's empty view."""
    headers = {
        "Cookie": viewer_cookie(prep),
        "X-CSRFToken": prep["viewer"][1],
        "HX-Request": "true",
    }
    return {"path": "/", "method": "POST", "headers": headers}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def django_env(config_env: dict, var: Path, fragment_cache: bool = True) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(config_env)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY="bench-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        EMAIL_URL=f"file://{var / 'mail'}",
        EMS_FRAGMENT_CACHE="1" if fragment_cache else "0",
        # As in production: the request queues the email, db_worker sends it.
        TASKS_BACKEND="database",
    )
    return env


@contextmanager
def gunicorn(app: str, env: dict, pythonpath: str):
    port = free_port()
    command = [GUNICORN, "--pythonpath", pythonpath, app, "--bind", f"{HOST}:{port}"]
    command += ["--workers", str(WORKERS), "--worker-class", "sync", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_for(port, process)
        yield {"port": port, "pid": process.pid}
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port} within {seconds}s")


def worker_peak_rss_mb(master_pid: int) -> float:
    """The largest VmHWM (peak resident set) among the master's workers."""
    peaks = []
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        status = Path(f"/proc/{child}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return max(peaks, default=0.0)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(port: int, target: dict, seconds: float, connections: int) -> dict:
    duration = f"-d{max(1, round(seconds))}s"
    command = ["wrk", "-t2", f"-c{connections}", duration, "--latency", "--timeout", "10s"]
    for name, value in target.get("headers", {}).items():
        command += ["-H", f"{name}: {value}"]
    if target.get("method") == "POST":
        command += ["-s", str(ROOT / "bench" / "post.lua")]
    command.append(f"http://{HOST}:{port}{target['path']}")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.MULTILINE))

    def ms(text: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
        return float(number) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": ms(latency["50"]),
        "p99_ms": ms(latency["99"]),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def touch(port: int, target: dict) -> None:
    """--warmup=0: a request to each of the server's workers instead of seconds of load,
    so the first measured second doesn't pay for loading code. Enough for a smoke test."""
    for _ in range(WORKERS):
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            connection.request(
                target.get("method", "GET"), target["path"], headers=target.get("headers", {})
            )
            connection.getresponse().read()
        finally:
            connection.close()


def django_side(env: dict, *args: str) -> dict:
    result = subprocess.run(
        [PYTHON, "-m", "bench.app", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"bench.app {args[0]} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def configurations(requested: list[str]) -> dict:
    configs = {}
    if "sqlite" in requested:
        configs["sqlite"] = {"label": "SQLite + locmem", "env": {}}
    if "postgres" in requested:
        database = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
        redis = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL")
        if database and redis:
            env = {"DATABASE_URL": bench_database(database), "REDIS_URL": redis}
            configs["postgres"] = {"label": "PostgreSQL + Redis", "env": env}
        else:
            say("PostgreSQL + Redis skipped: set DATABASE_URL and REDIS_URL")
    return configs


def bench_database(url: str) -> str:
    """The same server with a database of its own (<name>_bench), created if missing, so
    seeding never touches the data behind DATABASE_URL."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    with psycopg.connect(url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


def bench_config(name: str, config: dict, args, var: Path) -> dict:
    config_env = dict(config["env"])
    if name == "sqlite":
        database = var / "bench.sqlite3"
        for leftover in var.glob("bench.sqlite3*"):
            leftover.unlink()
        config_env["EMS_SQLITE_PATH"] = str(database)
    env = django_env(config_env, var)
    say(f"== {config['label']}: seeding {args.events} events")
    prep = django_side(
        env,
        "prepare",
        f"--events={args.events}",
        f"--users={args.users}",
        f"--attempts={args.attempts}",
        f"--capacity={args.capacity}",
        f"--rush={args.rush}",
        f"--rush-capacity={args.rush_capacity}",
    )
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    targets = page_targets(prep)
    ceiling_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.ceiling"}
    runs: dict[str, list[dict]] = {}
    with ExitStack() as stack:
        ems = stack.enter_context(gunicorn("wsgi:application", env, "site"))
        nocache = stack.enter_context(
            gunicorn("wsgi:application", django_env(config_env, var, False), "site")
        )
        ceiling = stack.enter_context(gunicorn("bench.ceiling:application", ceiling_env, "."))
        floor_env = env | {"DJANGO_SETTINGS_MODULE": "bench.floor"}
        floor = stack.enter_context(gunicorn("wsgi:application", floor_env, "site"))
        plan = [("ceiling", ceiling, {"path": "/"}), ("floor", floor, floor_target(prep))]
        plan += [(target, ems, spec) for target, spec in targets.items()]
        plan += [(f"{target}_nocache", nocache, spec) for target, spec in targets.items()]
        say(f"== warming up {len(plan)} targets")
        for _, server, spec in plan:
            if args.warmup:
                wrk(server["port"], spec, args.warmup, args.connections)
            else:
                touch(server["port"], spec)
        for round_number in range(1, args.rounds + 1):
            say(f"== round {round_number} of {args.rounds}")
            for target, server, spec in plan:
                runs.setdefault(target, []).append(
                    wrk(server["port"], spec, args.duration, args.connections)
                )
        say(f"== registration: {args.attempts} attempts")
        sessions = prep["sessions"]
        registration = register_all(
            HOST, ems["port"], prep["contention"], sessions[: args.attempts], args.connections
        )
        drained = drain_email_queue(env)
        invariant = django_side(env, "verify", prep["contention"])
        emails = invariant.pop("emails") | drained
        say(f"== sale rush: {args.rush} sign-ups at once, concurrency {args.rush_connections}")
        rush = register_all(
            HOST,
            ems["port"],
            prep["rush"],
            sessions[: args.rush],
            args.rush_connections,
            together=True,
        )
        rush_drained = drain_email_queue(env)
        rush_invariant = django_side(env, "verify", prep["rush"])
        rush_emails = rush_invariant.pop("emails") | rush_drained
        rss = {
            "ems": worker_peak_rss_mb(ems["pid"]),
            "nocache": worker_peak_rss_mb(nocache["pid"]),
            "ceiling": worker_peak_rss_mb(ceiling["pid"]),
            "floor": worker_peak_rss_mb(floor["pid"]),
        }
    probes = django_side(
        env,
        "probe",
        json.dumps(
            {
                **{name: spec | {"session": None} for name, spec in targets.items()},
                "registration": {
                    "path": f"/events/{prep['contention']}/register/",
                    "method": "post",
                    "session": prep["viewer"],
                    "headers": {"HX-Request": "true", "X-CSRFToken": prep["viewer"][1]},
                    "data": {"fragment": "panel"},
                },
            }
        ),
    )
    return {
        "label": config["label"],
        "targets": {name: median_of(samples) for name, samples in runs.items()},
        "registration": registration | {"invariant": invariant, "emails": emails},
        "rush": rush | {"invariant": rush_invariant, "emails": rush_emails},
        "rss_mb": rss,
        "probes": probes,
    }


def drain_email_queue(env: dict) -> dict:
    """Send the queued registration emails with db_worker, after the timed run: in
    production the workers run on other machines, here they would take the cores the
    web workers are measured on."""
    started = time.perf_counter()
    command = [PYTHON, "manage.py", "db_worker", "--batch", "--no-startup-delay", "-v0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return {"seconds": time.perf_counter() - started}


def median_of(samples: list[dict]) -> dict:
    keys = ("rps", "p50_ms", "p99_ms")
    result = {key: statistics.median(sample[key] for sample in samples) for key in keys}
    result["errors"] = sum(sample["errors"] for sample in samples)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--attempts", type=int, default=2_000)
    parser.add_argument("--capacity", type=int, default=500)
    parser.add_argument("--rush", type=int, default=10_000)
    parser.add_argument("--rush-capacity", type=int, default=500)
    parser.add_argument("--rush-connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5, help="seconds; 0: one request each")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--configs", default="sqlite,postgres")
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        say("wrk is not installed: apt-get install wrk")
        return 2
    var = ROOT / "var" / "bench"
    (var / "mail").mkdir(parents=True, exist_ok=True)
    results = {
        name: bench_config(name, config, args, var)
        for name, config in configurations(args.configs.split(",")).items()
    }
    run = {"settings": vars(args) | {"out": str(args.out)}, "results": results}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(run, indent=2) + "\n")
    table = report.markdown(run)
    report.update_results_file(args.out / "RESULTS.md", table, argv or sys.argv[1:])
    sys.stdout.write(table + "\n")
    return 0 if report.all_budgets_hold(run) else 1


if __name__ == "__main__":
    sys.exit(main())
