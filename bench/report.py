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
    "detail_user": "event detail, logged in",
}
# Median ratios to the ceiling that must hold, per configuration.
BUDGETS = {
    "sqlite": {"list": 0.20, "list_partial": 0.30, "detail": 0.30, "registration": 0.10},
    "postgres": {"list": 0.15, "list_partial": 0.20, "detail": 0.20, "registration": 0.10},
}
MAX_P99_MS = 100
MAX_RSS_MB = 120
START, END = "<!-- results:start -->", "<!-- results:end -->"


def ratio(result: dict, rps: float) -> float:
    return rps / result["targets"]["ceiling"]["rps"]


def failures(name: str, result: dict) -> list[str]:
    """Every budget this configuration misses, in words."""
    missed = []
    for target, floor in BUDGETS.get(name, {}).items():
        rps = (result["registration"] if target == "registration" else result["targets"][target])[
            "rps"
        ]
        if ratio(result, rps) < floor:
            missed.append(f"{target}: ratio {ratio(result, rps):.2f} < {floor}")
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
    for server, mb in result["rss_mb"].items():
        if mb >= MAX_RSS_MB:
            missed.append(f"{server} worker RSS {mb:.0f} MB")
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
            "| target | req/s | p50 ms | p99 ms | ratio | no-cache req/s | no-cache ratio "
            "| queries | bytes |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for target, label in PAGES.items():
            row, cold = result["targets"][target], result["targets"][f"{target}_nocache"]
            probe = result["probes"][target]
            lines.append(
                f"| {label} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
                f"| {ratio(result, row['rps']):.2f} | {cold['rps']:.0f} "
                f"| {ratio(result, cold['rps']):.2f} | {probe['queries']} | {probe['bytes']:,} |"
            )
        floor = result["targets"]["floor"]
        registration = result["registration"]
        invariant = registration["invariant"]
        probe = result["probes"]["registration"]
        lines += [
            f"| signed-in floor: a POST that only loads the session and user "
            f"| {floor['rps']:.0f} | {floor['p50_ms']:.1f} | {floor['p99_ms']:.1f} "
            f"| {ratio(result, floor['rps']):.2f} | | | | |",
            f"| registration POST, {registration['requests']} attempts "
            f"| {registration['rps']:.0f} | {registration['p50_ms']:.1f} "
            f"| {registration['p99_ms']:.1f} | {ratio(result, registration['rps']):.2f} | | "
            f"| {probe['queries']} | {probe['bytes']:,} |",
            "",
            f"Registration: {registration['errors']} errors; afterwards "
            f"{invariant['confirmed']} confirmed, {invariant['waitlisted']} waitlisted, "
            f"seats_taken {invariant['seats_taken']} of {invariant['capacity']}. "
            f"The requests queued their emails; `db_worker` then sent "
            f"{registration['emails'].get('sent', 0)} in "
            f"{registration['emails']['seconds']:.1f} s.",
            "",
        ]
        missed = failures(name, result)
        lines += [
            "Budgets: " + ("**all hold**." if not missed else "**missed**: " + "; ".join(missed)),
            "",
        ]
    return "\n".join(lines)


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
