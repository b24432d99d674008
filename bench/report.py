"""The benchmark's Markdown table, its budgets, and bench/RESULTS.md."""

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

PAGES = {
    "list": "event list, full page",
    "list_partial": "event list, htmx partial with filters",
    "list_page50": "event list, page 50",
    "detail": "event detail",
    "list_user": "signed in: event list, full page",
    "list_partial_user": "signed in: event list, htmx partial with filters",
    "detail_user": "signed in: event detail, not registered",
    "detail_user_registered": "signed in: event detail, registered",
    "my_registrations": "signed in: My events, 50 registrations",
}
# The signed-in pages, also shown as ratios to the signed-in floor.
SIGNED_IN = ("list_user", "list_partial_user", "detail_user", "detail_user_registered")
# Median ratios to the ceiling that must hold, per configuration.
BUDGETS = {
    "sqlite": {
        "list": 0.20,
        "list_partial": 0.30,
        "detail": 0.30,
        "list_user": 0.15,
        "list_partial_user": 0.20,
        "detail_user": 0.20,
        "detail_user_registered": 0.20,
        "registration": 0.10,
    },
    "postgres": {
        "list": 0.15,
        "list_partial": 0.20,
        "detail": 0.20,
        "list_user": 0.10,
        "list_partial_user": 0.12,
        "detail_user": 0.12,
        "detail_user_registered": 0.12,
        "registration": 0.08,
    },
}
# Median ratios to the signed-in floor that must hold in either configuration.
FLOOR_BUDGETS = {
    "list_user": 0.5,
    "list_partial_user": 0.6,
    "detail_user": 0.6,
    "detail_user_registered": 0.6,
    "registration": 0.35,
}
MAX_P99_MS = 100
MAX_RUSH_P99_MS = 1000
MAX_RSS_MB = 120
START, END = "<!-- results:start -->", "<!-- results:end -->"


def ratio(result: dict, rps: float, to: str = "ceiling") -> float:
    return rps / result["targets"][to]["rps"]


def rps_of(result: dict, target: str) -> float:
    return (result["registration"] if target == "registration" else result["targets"][target])[
        "rps"
    ]


def failures(name: str, result: dict) -> list[str]:
    """Every budget this configuration misses, in words."""
    missed = []
    for target, least in BUDGETS.get(name, {}).items():
        if (got := ratio(result, rps_of(result, target))) < least:
            missed.append(f"{target}: ratio {got:.2f} < {least}")
    for target, least in FLOOR_BUDGETS.items():
        if (got := ratio(result, rps_of(result, target), "floor")) < least:
            missed.append(f"{target}: floor ratio {got:.2f} < {least}")
    if result["targets"]["floor"]["errors"]:
        missed.append(f"floor: {result['targets']['floor']['errors']} errors")
    for target in PAGES:
        # The no-cache rows show what caching buys; the latency budget is for the app
        # as configured. Errors count everywhere.
        if result["targets"][target]["p99_ms"] >= MAX_P99_MS:
            missed.append(f"{target}: p99 {result['targets'][target]['p99_ms']:.0f} ms")
        for variant in (target, f"{target}_nocache"):
            if result["targets"][variant]["errors"]:
                missed.append(f"{variant}: {result['targets'][variant]['errors']} errors")
    registration = result["registration"]
    invariant = registration["invariant"]
    if registration["errors"]:
        missed.append(f"registration: {registration['errors']} errors")
    if not invariant["seats_taken"] == invariant["confirmed"] <= invariant["capacity"]:
        missed.append(f"registration invariant broken: {invariant}")
    sent = registration["emails"].get("sent", 0)
    if sent != invariant["confirmed"] + invariant["waitlisted"]:
        missed.append(f"registration emails: {sent} sent")
    missed += rush_failures(result["rush"])
    for server, mb in result["rss_mb"].items():
        if mb >= MAX_RSS_MB:
            missed.append(f"{server} worker RSS {mb:.0f} MB")
    return missed


def rush_failures(rush: dict) -> list[str]:
    invariant, missed = rush["invariant"], []
    if rush["errors"]:
        missed.append(f"rush: {rush['errors']} errors")
    if rush["p99_ms"] >= MAX_RUSH_P99_MS:
        missed.append(f"rush: p99 {rush['p99_ms']:.0f} ms")
    if not invariant["seats_taken"] == invariant["confirmed"] == invariant["capacity"]:
        missed.append(f"rush: {invariant['confirmed']} confirmed of {invariant['capacity']}")
    if not invariant["queue_in_arrival_order"]:
        missed.append("rush: waitlist not in arrival order")
    if not invariant["emails_once"]:
        missed.append("rush: an email queued twice, or not at all")
    return missed


def all_budgets_hold(run: dict) -> bool:
    return not any(failures(name, result) for name, result in run["results"].items())


def markdown(run: dict) -> str:
    lines = []
    for name, result in run["results"].items():
        ceiling = result["targets"]["ceiling"]
        lines += [
            f"### {result['label']}",
            "",
            f"Ceiling: **{ceiling['rps']:.0f} req/s**, p50 {ceiling['p50_ms']:.1f} ms, "
            f"p99 {ceiling['p99_ms']:.1f} ms. Peak RSS per worker: "
            + ", ".join(f"{server} {mb:.0f} MB" for server, mb in result["rss_mb"].items())
            + ".",
            "",
            "| target | req/s | p50 ms | p99 ms | ratio | floor ratio | no-cache req/s "
            "| no-cache ratio | queries | bytes |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for target, label in PAGES.items():
            row, cold = result["targets"][target], result["targets"][f"{target}_nocache"]
            probe = result["probes"][target]
            to_floor = f"{ratio(result, row['rps'], 'floor'):.2f}" if target in SIGNED_IN else ""
            lines.append(
                f"| {label} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
                f"| {ratio(result, row['rps']):.2f} | {to_floor} | {cold['rps']:.0f} "
                f"| {ratio(result, cold['rps']):.2f} | {probe['queries']} | {probe['bytes']:,} |"
            )
        floor = result["targets"]["floor"]
        registration = result["registration"]
        invariant = registration["invariant"]
        probe = result["probes"]["registration"]
        lines += [
            f"| signed-in floor: a POST that only loads the session and user "
            f"| {floor['rps']:.0f} | {floor['p50_ms']:.1f} | {floor['p99_ms']:.1f} "
            f"| {ratio(result, floor['rps']):.2f} | 1.00 | | | | |",
            f"| registration POST, {registration['requests']} attempts "
            f"| {registration['rps']:.0f} | {registration['p50_ms']:.1f} "
            f"| {registration['p99_ms']:.1f} | {ratio(result, registration['rps']):.2f} "
            f"| {ratio(result, registration['rps'], 'floor'):.2f} | | "
            f"| {probe['queries']} | {probe['bytes']:,} |",
            "",
            f"Registration: {registration['errors']} errors; afterwards "
            f"{invariant['confirmed']} confirmed, {invariant['waitlisted']} waitlisted, "
            f"seats_taken {invariant['seats_taken']} of {invariant['capacity']}. "
            f"The requests queued their emails; `db_worker` then sent "
            f"{registration['emails'].get('sent', 0)} in "
            f"{registration['emails']['seconds']:.1f} s.",
            "",
            *rush_lines(result["rush"]),
        ]
        missed = failures(name, result)
        lines += [
            "Budgets: " + ("**all hold**." if not missed else "**missed**: " + "; ".join(missed)),
            "",
        ]
    return "\n".join(lines)


def rush_lines(rush: dict) -> list[str]:
    invariant = rush["invariant"]
    order = "in arrival order" if invariant["queue_in_arrival_order"] else "**out of order**"
    once = "each queued once" if invariant["emails_once"] else "**not each queued once**"
    return [
        f"Sale rush: {rush['requests']} sign-ups released at one instant for "
        f"{invariant['capacity']} seats: **{rush['rps']:.0f} registrations/s**, "
        f"p50 {rush['p50_ms']:.0f} ms, p99 {rush['p99_ms']:.0f} ms, max {rush['max_ms']:.0f} ms, "
        f"{rush['errors']} errors; the last person had an answer after {rush['wall_s']:.1f} s. "
        f"Afterwards {invariant['confirmed']} confirmed, {invariant['waitlisted']} on the "
        f"waitlist {order}; emails {once}, {rush['emails'].get('sent', 0)} sent by "
        f"`db_worker` in {rush['emails']['seconds']:.1f} s.",
        "",
    ]


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({model}), {platform.system()} {platform.release()}"


def update_results_file(path: Path, table: str, argv: list[str]) -> None:
    """Replace the generated part of RESULTS.md, keeping the hand-written notes around it."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = " ".join(["python -m bench.run", *argv]).strip()
    generated = f"{START}\n_Measured {stamp} on {machine()}, with `{command}`._\n\n{table}\n{END}"
    text = path.read_text() if path.exists() else f"# Benchmark results\n\n{START}\n{END}\n"
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    path.write_text(before + generated + after)
