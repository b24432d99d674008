"""Registration under contention: every user POSTs the htmx register action once.

Why Python here and wrk for the pages: each attempt needs its own session and CSRF
token, the run must stop after exactly N attempts, and every status must be checked.
A threaded http.client loop does all three in a few lines; its overhead per request is
small next to a registration's transaction.
"""

import http.client
import queue
import threading
import time


def register_all(
    host: str, port: int, slug: str, sessions, concurrency: int, together: bool = False
) -> dict:
    """Each session registers once. `together`: every client connects first and they
    all send at one instant, as when sales open."""
    path = f"/events/{slug}/register/"
    start = threading.Barrier(concurrency) if together else None
    todo: queue.Queue = queue.Queue()
    for session in sessions:
        todo.put(session)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=60)
        if start:
            connection.connect()
            start.wait()
        while True:
            try:
                session_id, csrf = todo.get_nowait()
            except queue.Empty:
                break
            headers = {
                "Cookie": f"sessionid={session_id}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            }
            started = time.perf_counter()
            try:
                # As the event page's Register button posts: its panel is what comes back.
                connection.request("POST", path, body="fragment=panel", headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
                status = repr(exc)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(str(status))
        connection.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "max_ms": (latencies[-1] if latencies else 0.0) * 1000,
        # Until the last person had an answer.
        "wall_s": wall,
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
    }


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, round(pct / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]
