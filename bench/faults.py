"""`make faults`: the site with a frozen Redis, under an upload flood and a login flood.

    python -m bench.faults                  # SQLite, or PostgreSQL when DATABASE_URL is set
    python -m bench.faults --duration 4     # a quick look

The run starts a Redis of its own, so it can freeze it (SIGSTOP, which is what a
black-holed host looks like) without touching anyone's REDIS_URL. Gunicorn is started
as in `make bench` (2 sync workers, DEBUG off), and wrk drives 8 connections.

1. Redis: the anonymous catalogue, the anonymous event page and the signed-in event
   page, with Redis up, with caching off (EMS_FRAGMENT_CACHE=0, the no-cache
   baseline), with Redis frozen for 30 s in all, and after it resumes. Each target
   cycles through VARIANTS different pages (catalogue pages in each ordering, the
   pages of different events): each worker keeps only its 128 most recent pages in
   memory (the recent_pages cache in settings), so they come from Redis, as on a site
   with many pages.
2. Uploads (run first, so a poster posters.py refuses stops the run early): the
   catalogue alone, then while 4 clients POST the largest PNG that events/posters.py
   accepts to the create-event page as a signed-in organizer: first as browsers do,
   each trying again when the answer's Retry-After says (the target), then in a loop
   that ignores every refusal (a request flood, reported without a target: that is
   the load balancer's per-client limit to stop).
3. Login flood: the catalogue alone, then while one client POSTs a wrong password 2.5
   times a second, for two spells: the first, while the throttle still lets guesses
   through to a password hash, and the next.
"""

import argparse
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import redis

from bench import report
from bench.run import (
    HOST,
    PYTHON,
    ROOT,
    UNITS,
    bench_database,
    django_env,
    django_side,
    free_port,
    gunicorn,
    say,
    viewer_cookie,
    worker_peak_rss_mb,
    wrk,
)

# Each worker sees about every other request, so a page comes back to it after about
# VARIANTS / 2 others: more than the 128 it keeps.
VARIANTS = 300
# Past resilient_cache.BREAKER_SECONDS, after which the workers try Redis again.
RESUME_WAIT = 6
PAUSED_TOTAL = 30
UPLOADERS = 4
# Issue 13: wrong passwords from one client at this rate leave the catalogue MIN_LOGIN_RATIO
# of its throughput.
GUESSES_PER_SECOND = 2.5
MIN_LOGIN_RATIO = 0.8
# Targets (issue 12): a frozen Redis keeps half the no-cache throughput, p99 under a
# second and no errors; the catalogue keeps half its throughput while four clients
# upload the largest poster.
MIN_PAUSED_RATIO = 0.5
MAX_PAUSED_P99_MS = 1000
MIN_UPLOAD_RATIO = 0.5
SECTION = "## Faults"
INTRO = "`make faults` (bench/faults.py): the site with a frozen Redis, and under an upload flood."
SPREAD_LUA = """\
-- One path per request, in turn.
local paths, i = {%s}, 0
function request()
  i = i %% #paths + 1
  return wrk.format(nil, paths[i])
end
"""


@contextmanager
def redis_server(var: Path):
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", HOST, "--save", ""]
    command += ["--appendonly", "no", "--dir", str(var)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    url = f"redis://{HOST}:{port}/0"
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except (redis.ConnectionError, redis.TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on {port}") from None
                time.sleep(0.05)
        yield process, url, client
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)


def wrk_spread(port: int, target: dict, seconds: float, connections: int) -> dict:
    """run.wrk's measurement, cycling through the target's paths."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    command += ["--timeout", "10s", "-s", str(target["script"])]
    for name, value in target.get("headers", {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}/")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = {}
    for pct, number, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(\w+)", out, re.MULTILINE):
        latency[pct] = float(number) * UNITS[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return counting_timeouts(
        {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": latency.get("50", 0.0),
            "p99_ms": latency.get("99", 0.0),
            "errors": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else "",
        }
    )


def http_get(port: int, path: str, headers: dict | None = None) -> str:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read().decode()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    return body


def warm_up(port: int, target: dict, connections: int) -> None:
    """Every page of the target once, so that the cache holds them all."""
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(lambda path: http_get(port, path, target.get("headers")), target["paths"]))


def seconds_left_in_minute() -> float:
    now = datetime.now(UTC)
    return 60 - now.second - now.microsecond / 1e6


def page_targets(port: int, prep: dict, var: Path) -> dict:
    """The three pages, each with VARIANTS paths to cycle through (fewer if the seeded
    catalogue has fewer pages or events) and its wrk script."""
    slugs = []
    while len(slugs) < VARIANTS:
        number = len(slugs) // 100 + 1
        page = json.loads(http_get(port, f"/api/events/?page_size=100&page={number}"))
        slugs += [event["slug"] for event in page["results"]]
        if not page["next"]:
            break
    html = http_get(port, "/events/")
    per_page = html.count('<article class="event-card')
    select = re.search(r'<select name="ordering".*?</select>', html, re.DOTALL).group()
    orderings = re.findall(r'<option value="([^"]+)"', select)
    count = json.loads(http_get(port, "/api/events/?page_size=1"))["count"]
    pages = [
        f"/events/?ordering={ordering}&page={number}"
        for number in range(1, count // per_page + 1)
        for ordering in orderings
    ]
    events = [f"/events/{slug}/" for slug in slugs[:VARIANTS]]
    targets = {
        "catalogue": {"label": "catalogue, anonymous", "paths": pages[:VARIANTS]},
        "detail": {"label": "event page, anonymous", "paths": events},
        "detail_user": {
            "label": "event page, signed in",
            "paths": events,
            "headers": {"Cookie": viewer_cookie(prep)},
        },
    }
    for name, target in targets.items():
        target["script"] = var / f"spread-{name}.lua"
        target["script"].write_text(SPREAD_LUA % ", ".join(map(json.dumps, target["paths"])))
    return targets


def redis_phases(ems, nocache, frozen, prep: dict, args, var: Path) -> dict:
    """Normal, no-cache, frozen and resumed runs of each page target."""
    process, _, client = frozen
    targets = page_targets(ems["port"], prep, var)

    def measure(server, seconds):
        return {
            name: wrk_spread(server["port"], spec, seconds, args.connections)
            for name, spec in targets.items()
        }

    took = 0.0  # the last warm-up's duration, to plan the next

    def warm():
        """Every page once; the timed runs then end before the minute turns, since shared
        pages' keys carry the minute (page_cache) and are all rendered afresh when it does."""
        nonlocal took
        needed = len(targets) * (args.duration + 1)
        while True:
            if seconds_left_in_minute() < took + needed < 60:
                say(f"== waiting {seconds_left_in_minute():.0f} s for the next minute")
                time.sleep(seconds_left_in_minute())
            say("== warming up: every page of each target once")
            started = time.monotonic()
            for spec in targets.values():
                warm_up(ems["port"], spec, args.connections)
            took = time.monotonic() - started
            if seconds_left_in_minute() >= needed or took + needed >= 60:
                return

    warm()
    say("== Redis up")
    normal = measure(ems, args.duration)
    say("== caching off")
    nocache_runs = measure(nocache, args.duration)
    say(f"== Redis frozen (SIGSTOP) for {PAUSED_TOTAL} s")
    process.send_signal(signal.SIGSTOP)
    try:
        paused = measure(ems, PAUSED_TOTAL / len(targets))
    finally:
        process.send_signal(signal.SIGCONT)
    say(f"== Redis resumed; waiting out the breaker ({RESUME_WAIT} s)")
    time.sleep(RESUME_WAIT)
    # Warmed as before: pages come from Redis again only if the workers use it again.
    warm()
    hits_before = client.info("stats")["keyspace_hits"]
    resumed = measure(ems, args.duration)
    hits = client.info("stats")["keyspace_hits"] - hits_before
    return {
        "targets": {name: spec["label"] for name, spec in targets.items()},
        "variants": {name: len(spec["paths"]) for name, spec in targets.items()},
        "normal": normal,
        "nocache": nocache_runs,
        "paused": paused,
        "resumed": resumed,
        "resumed_hits": hits,
    }


def png_header(side: int) -> bytes:
    """A PNG that declares side x side RGBA pixels and holds none: all posters.py reads
    before it decides whether the size is allowed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def largest_png_side() -> int:
    """Django side: the side of the largest square RGBA PNG (4 bytes a pixel decoded, the
    most of any PNG) that posters.py lets through to decoding, found by its own check
    rather than from its constants, which are still moving."""
    from bench.app import setup

    setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from events import posters

    def too_big(side: int) -> bool:
        try:
            posters.process(SimpleUploadedFile("poster.png", png_header(side), "image/png"))
        except ValidationError as error:
            return error.code == "too_many_pixels"
        return False

    fits, refused = 1, 1 << 15
    while refused - fits > 1:
        middle = (fits + refused) // 2
        fits, refused = (fits, middle) if too_big(middle) else (middle, refused)
    return fits


def worst_poster(env: dict, var: Path) -> dict:
    """The largest PNG posters.py accepts, smooth enough to stay far under MAX_BYTES."""
    from PIL import Image

    from events import posters

    command = [PYTHON, "-m", "bench.faults", "--largest-png"]
    found = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if found.returncode:
        raise RuntimeError(f"finding the largest PNG failed:\n{found.stderr[-3000:]}")
    side = int(found.stdout)
    path = var / f"poster-{side}.png"
    say(f"== drawing a {side}×{side} RGBA PNG poster")
    ramp = Image.linear_gradient("L").resize((side, side))
    flat = Image.new("L", (side, side), 128)
    opaque = Image.new("L", (side, side), 255)
    image = Image.merge("RGBA", (ramp, ramp.transpose(Image.Transpose.ROTATE_90), flat, opaque))
    image.save(path, "PNG")
    size = path.stat().st_size
    if size > posters.MAX_BYTES:
        raise RuntimeError(f"{path} is {size} bytes, over posters.MAX_BYTES")
    return {"path": path, "side": side, "bytes": size}


class FormDefaults(HTMLParser):
    """The values a browser would submit for a form as served, without its buttons."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"file", "submit", "checkbox"}:
            self.values[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.values[name] = attrs.get("value") or "on"
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            if "selected" in attrs or self._select not in self.values:
                self.values[self._select] = attrs["value"]
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def create_form(port: int, headers: dict) -> dict:
    """What a valid create-event POST sends: the form's own defaults (so fields added
    to it later keep working) with a draft's details filled in."""
    html = http_get(port, "/events/new/", headers)
    form = FormDefaults()
    form.feed(html.split('id="event-form"', 1)[1].split("</form>", 1)[0])
    starts = (datetime.now(UTC) + timedelta(days=60)).replace(second=0, microsecond=0)
    return form.values | {
        "title": "Upload flood",
        "description": "A poster as large as posters.py accepts.",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue": "Bench hall",
        "city": "Berlin",
        "capacity": "100",
        "draft": "1",
    }


def multipart(fields: dict, file_field: str, path: Path) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f"--{boundary}\r\nContent-Disposition: form-data; ".encode())
        body.write(f'name="{name}"\r\n\r\n{value}\r\n'.encode())
    body.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{path.name}"\r\nContent-Type: image/png\r\n\r\n'.encode()
    )
    body.write(path.read_bytes())
    body.write(f"\r\n--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def upload_once(port: int, body: bytes, headers: dict) -> tuple[int, str, int]:
    """The status, the page, and the seconds Retry-After asks for (0 without one)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request("POST", "/events/new/", body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        return response.status, text, int(response.getheader("Retry-After") or 0)
    finally:
        connection.close()


BUSY = "Many posters are being processed right now"


def flood(port, body, headers, stop: threading.Event, log: list, polite: bool) -> None:
    """POST the poster again and again until stopped: a redirect means it was accepted; 503
    or the form with BUSY that every poster slot was taken (events.posters), 429 that the
    account has uploaded its share lately (accounts.throttle.POSTERS). A polite client
    waits as long as Retry-After says before the next."""
    while not stop.is_set():
        started = time.perf_counter()
        wait = 0
        try:
            status, text, wait = upload_once(port, body, headers)
            status = "busy" if status in (200, 503, 429) and BUSY in text else status
            status = "throttled" if status == 429 else status
        except (OSError, http.client.HTTPException) as exc:
            status = repr(exc)
        log.append((status, time.perf_counter() - started))
        if polite and wait:
            stop.wait(wait)


def counting_timeouts(result: dict) -> dict:
    """run.wrk's result with its socket errors (timeouts above all) counted as errors."""
    failed = sum(int(n) for n in re.findall(r"\d+", result.pop("socket_errors")))
    return result | {"errors": result["errors"] + failed}


def upload_phase(ems, prep: dict, args, poster: dict) -> dict:
    session, csrf = prep["viewer"]
    cookie = f"sessionid={session}; csrftoken={csrf}"
    fields = create_form(ems["port"], {"Cookie": cookie})
    body, content_type = multipart(fields, "poster", poster["path"])
    headers = {"Cookie": cookie, "X-CSRFToken": csrf, "Content-Type": content_type}
    catalogue = {"path": "/events/"}
    say("== catalogue alone")
    alone = counting_timeouts(wrk(ems["port"], catalogue, args.duration, args.connections))
    rss_alone = worker_peak_rss_mb(ems["pid"])
    status, text, _ = upload_once(ems["port"], body, headers)
    if status != 302:
        errors = re.findall(r'<ul class="errorlist[^>]*>\s*<li>(.*?)</li>', text, re.DOTALL)
        raise RuntimeError(f"the create form refused the poster ({status}): {errors[:3]}")
    result = {"alone": alone, "rss_alone_mb": rss_alone}
    for mode, polite in (("polite", True), ("flood", False)):
        say(f"== catalogue while {UPLOADERS} clients POST the poster ({mode})")
        result[mode] = flooded_catalogue(ems, args, body, headers, polite)
    return result | {"poster": {key: value for key, value in poster.items() if key != "path"}}


def flooded_catalogue(ems, args, body: bytes, headers: dict, polite: bool) -> dict:
    stop, log = threading.Event(), []
    threads = [
        threading.Thread(target=flood, args=(ems["port"], body, headers, stop, log, polite))
        for _ in range(UPLOADERS)
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)  # every uploader busy before measuring
        catalogue = counting_timeouts(
            wrk(ems["port"], {"path": "/events/"}, args.duration, args.connections)
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    seconds = sorted(duration for _, duration in log)
    return {
        "catalogue": catalogue,
        "rss_mb": worker_peak_rss_mb(ems["pid"]),
        "uploads": len(log),
        "accepted": sum(status == 302 for status, _ in log),
        "busy": sum(status == "busy" for status, _ in log),
        "throttled": sum(status == "throttled" for status, _ in log),
        "upload_p50_s": seconds[len(seconds) // 2] if seconds else 0.0,
    }


def guess_passwords(port: int, stop: threading.Event, log: list) -> None:
    """One client trying a wrong password at GUESSES_PER_SECOND, a new address each time,
    which the throttle lets through longest (accounts.throttle.LOGIN)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    connection.close()
    n = 0
    while not stop.wait(1 / GUESSES_PER_SECOND):
        n += 1
        body = f"csrfmiddlewaretoken={token}&username=guess{n}%40example.com&password=wrong{n}"
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
            connection.request("POST", "/accounts/login/", body=body, headers=headers)
            log.append(connection.getresponse().status)
        except (OSError, http.client.HTTPException) as exc:
            log.append(repr(exc))
        finally:
            connection.close()


def login_flood_phase(ems, args) -> dict:
    catalogue = {"path": "/events/"}
    say("== catalogue alone")
    alone = counting_timeouts(wrk(ems["port"], catalogue, args.duration, args.connections))
    say(f"== catalogue while one client guesses {GUESSES_PER_SECOND} passwords a second")
    stop, log = threading.Event(), []
    thread = threading.Thread(target=guess_passwords, args=(ems["port"], stop, log))
    thread.start()
    try:
        first = counting_timeouts(wrk(ems["port"], catalogue, args.duration, args.connections))
        guessed_first = len(log)
        later = counting_timeouts(wrk(ems["port"], catalogue, args.duration, args.connections))
    finally:
        stop.set()
        thread.join()
    return {
        "alone": alone,
        "first": first,
        "later": later,
        "guesses": len(log),
        "guesses_first": guessed_first,
        "throttled": sum(status == 429 for status in log),
        "answered": sum(status in (200, 429) for status in log),
    }


def prepare(env: dict, args) -> dict:
    say(f"== seeding {args.events} events")
    prep = django_side(
        env, "prepare", f"--events={args.events}", "--users=50", "--attempts=1", "--capacity=50"
    )
    command = [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return prep


def missed(result: dict) -> list[str]:
    found = []
    redis_run = result["redis"]
    for name in redis_run["targets"]:
        paused = redis_run["paused"][name]
        ratio = paused["rps"] / redis_run["nocache"][name]["rps"]
        if ratio < MIN_PAUSED_RATIO:
            found.append(f"{name} with Redis frozen: {ratio:.2f} of no-cache")
        if paused["p99_ms"] >= MAX_PAUSED_P99_MS:
            found.append(f"{name} with Redis frozen: p99 {paused['p99_ms']:.0f} ms")
        for phase in ("normal", "nocache", "paused", "resumed"):
            if redis_run[phase][name]["errors"]:
                found.append(f"{name} {phase}: {redis_run[phase][name]['errors']} errors")
    if not redis_run["resumed_hits"]:
        found.append("no cache hits after Redis resumed")
    logins = result["logins"]
    for phase in ("first", "later"):
        ratio = logins[phase]["rps"] / logins["alone"]["rps"]
        if ratio < MIN_LOGIN_RATIO:
            found.append(f"catalogue under the login flood ({phase}): {ratio:.2f} of alone")
    if logins["answered"] != logins["guesses"]:
        found.append(f"login flood: {logins['guesses'] - logins['answered']} guesses failed")
    uploads = result["uploads"]
    polite = uploads["polite"]
    ratio = polite["catalogue"]["rps"] / uploads["alone"]["rps"]
    if ratio < MIN_UPLOAD_RATIO:
        found.append(f"catalogue while 4 clients upload posters: {ratio:.2f} of alone")
    if not polite["accepted"]:
        found.append("uploads: none accepted")
    for mode in ("polite", "flood"):
        run = uploads[mode]
        if run["catalogue"]["errors"]:
            found.append(f"catalogue ({mode} uploads): {run['catalogue']['errors']} errors")
        failed = run["uploads"] - run["accepted"] - run["busy"] - run["throttled"]
        if failed:
            found.append(f"{mode} uploads: {failed} failed")
    return found


def markdown(result: dict) -> str:
    redis_run, uploads = result["redis"], result["uploads"]
    lines = [
        f"### {result['label']}",
        "",
        f"Redis frozen with SIGSTOP for {PAUSED_TOTAL} s under load, {result['connections']} "
        "connections; each target cycles through as many different pages. Ratios: frozen "
        "to no-cache, resumed to Redis up.",
        "",
        "| page | pages | Redis up req/s | no-cache req/s | frozen req/s | frozen ratio "
        "| frozen p99 ms | frozen errors | resumed req/s | resumed ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, label in redis_run["targets"].items():
        normal, cold = redis_run["normal"][name], redis_run["nocache"][name]
        paused, resumed = redis_run["paused"][name], redis_run["resumed"][name]
        lines.append(
            f"| {label} | {redis_run['variants'][name]} | {normal['rps']:.0f} "
            f"| {cold['rps']:.0f} | {paused['rps']:.0f} "
            f"| {paused['rps'] / cold['rps']:.2f} | {paused['p99_ms']:.0f} | {paused['errors']} "
            f"| {resumed['rps']:.0f} | {resumed['rps'] / normal['rps']:.2f} |"
        )
    poster, alone = uploads["poster"], uploads["alone"]
    lines += [
        "",
        f"After Redis resumed, it served {redis_run['resumed_hits']:,} cache hits.",
        "",
        f"Uploads: {UPLOADERS} clients POST a {poster['side']}×{poster['side']} RGBA PNG "
        f"({poster['side'] ** 2 / 1e6:.1f} megapixels, {poster['bytes']:,} bytes: the largest "
        "events/posters.py accepts) to the create-event page as a signed-in organizer, first "
        "trying again when Retry-After says, as a browser's user would (the target), then "
        "in a loop that ignores every refusal. One poster is decoded at a time per machine "
        "(the others are asked to try again) and an account may upload 6 in 10 minutes.",
        "",
        "| catalogue, anonymous | req/s | p50 ms | p99 ms | errors | ratio | uploads: "
        "accepted / try again / throttled | median upload | peak worker RSS |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
        f"| alone | {alone['rps']:.0f} | {alone['p50_ms']:.1f} | {alone['p99_ms']:.1f} "
        f"| {alone['errors']} | 1.00 | | | {uploads['rss_alone_mb']:.0f} MB |",
    ]
    for mode, label in (("polite", "4 clients uploading"), ("flood", "4 clients in a loop")):
        run = uploads[mode]
        catalogue = run["catalogue"]
        lines.append(
            f"| {label} | {catalogue['rps']:.0f} | {catalogue['p50_ms']:.1f} "
            f"| {catalogue['p99_ms']:.1f} | {catalogue['errors']} "
            f"| {catalogue['rps'] / alone['rps']:.2f} "
            f"| {run['accepted']} / {run['busy']} / {run['throttled']} "
            f"| {run['upload_p50_s'] * 1000:.0f} ms | {run['rss_mb']:.0f} MB |"
        )
    lines.append("")
    logins = result["logins"]
    lines += [
        f"Login flood: one client POSTs a wrong password {GUESSES_PER_SECOND} times a second, "
        f"a different address each time; {logins['throttled']} of {logins['guesses']} "
        "were refused with 429 before any hash.",
        "",
        "| catalogue, anonymous | req/s | p99 ms | errors | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for phase, label in (
        ("alone", "alone"),
        ("first", f"the flood's first {result['duration']} s ({logins['guesses_first']} guesses)"),
        ("later", "the next as many seconds"),
    ):
        run = logins[phase]
        lines.append(
            f"| {label} | {run['rps']:.0f} | {run['p99_ms']:.1f} | {run['errors']} "
            f"| {run['rps'] / logins['alone']['rps']:.2f} |"
        )
    lines.append("")
    found = missed(result)
    lines.append("Targets: " + ("**missed**: " + "; ".join(found) if found else "**all hold**."))
    return "\n".join(lines) + "\n"


def update_results_file(path: Path, key: str, table: str, argv: list[str]) -> None:
    """Replace this configuration's block in the Faults section of RESULTS.md, adding the
    section (at the end) or the block (after the section's others) when missing."""
    start, end = f"<!-- faults:{key}:start -->", f"<!-- faults:{key}:end -->"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = " ".join(["python -m bench.faults", *argv]).strip()
    block = f"{start}\n_Measured {stamp} on {report.machine()}, with `{command}`._\n\n"
    block += f"{table}{end}"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if start in text:
        before, _, rest = text.partition(start)
        text = before + block + rest.partition(end)[2]
    else:
        if SECTION not in text:
            text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{INTRO}\n"
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--largest-png", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.largest_png:
        sys.stdout.write(f"{largest_png_side()}\n")
        return 0
    for tool in ("wrk", "redis-server"):
        if not shutil.which(tool):
            say(f"{tool} is not installed: apt-get install {tool}")
            return 2
    var = ROOT / "var" / "bench-faults"
    shutil.rmtree(var, ignore_errors=True)
    (var / "mail").mkdir(parents=True)
    database = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    with redis_server(var) as frozen:
        config_env = {"REDIS_URL": frozen[1], "DJANGO_MEDIA_ROOT": str(var / "media")}
        if database:
            config_env["DATABASE_URL"] = bench_database(database)
            key, label = "postgres", "PostgreSQL + Redis"
        else:
            config_env["EMS_SQLITE_PATH"] = str(var / "faults.sqlite3")
            key, label = "sqlite", "SQLite + Redis"
        env = django_env(config_env, var)
        prep = prepare(env, args)
        result = {"label": label, "connections": args.connections, "duration": args.duration}
        # Uploads first: a poster posters.py refuses stops the run before the long part.
        with gunicorn("wsgi:application", env, "site") as ems:
            result["uploads"] = upload_phase(ems, prep, args, worst_poster(env, var))
        with gunicorn("wsgi:application", env, "site") as ems:
            result["logins"] = login_flood_phase(ems, args)
        with (
            gunicorn("wsgi:application", env, "site") as ems,
            gunicorn("wsgi:application", django_env(config_env, var, False), "site") as nocache,
        ):
            result["redis"] = redis_phases(ems, nocache, frozen, prep, args, var)
    (var / "faults.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    table = markdown(result)
    sys.stdout.write(table)
    update_results_file(args.out, key, table, argv or sys.argv[1:])
    return 1 if missed(result) else 0


if __name__ == "__main__":
    sys.exit(main())
