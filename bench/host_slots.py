"""Taking hosts' turns through the Prefect server (STORYDIFF_SHARED_HOST_LIMITS=1): the cost to
the fetching process of one slot, with a Prefect client opened for each request (as the gate
did before 2026-11-28) and with the one client the gate now keeps for its life. Six hosts, as
many slots as a run of the scale demo's twelve stories takes; the versions by turns, three
rounds, medians. Runs against a throwaway local server (prefect_test_harness). Writes
bench/host_slots.json.

    .venv/bin/python bench/host_slots.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
# the throwaway server on SQLite: its telemetry job, competing with the requests measured for
# the database, would print "database is locked" tracebacks
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("DO_NOT_TRACK", "1")  # nor the telemetry they would send
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from storydiff.politeness import ensure_host_limit, take_host_slot  # noqa: E402

HOSTS = [f"outlet-{n}.example" for n in range(6)]
STORIES = 12
DELAY_S = 0.01  # the slots free at once: the cost of asking, not of waiting, is measured
ROUNDS = 3


def client_per_request() -> None:
    from prefect.client.orchestration import get_client

    for _ in range(STORIES):
        for host in HOSTS:
            with get_client(sync_client=True) as client:
                ensure_host_limit(client, host, DELAY_S)
            with get_client(sync_client=True) as client:
                take_host_slot(client, host, DELAY_S)


def one_client() -> None:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        for _ in range(STORIES):
            for host in HOSTS:
                ensure_host_limit(client, host, DELAY_S)
                take_host_slot(client, host, DELAY_S)


def timed(version) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    version()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    from prefect.testing.utilities import prefect_test_harness

    versions = {"client per request": client_per_request, "one client per fetcher": one_client}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
    with prefect_test_harness(server_startup_timeout=120):
        one_client()  # the limits created, the server warm
        for _ in range(ROUNDS):
            for name, version in versions.items():
                times[name].append(timed(version))
    requests = 2 * STORIES * len(HOSTS)
    results = {}
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        results[name] = {"wall_s": round(wall, 3), "client_cpu_s": round(cpu, 3),
                         "client_cpu_ms_per_request": round(1000 * cpu / requests, 2),
                         "client_cpu_s_per_story": round(cpu / STORIES, 3)}
        print(f"{name:24s} wall {wall:6.2f} s  client CPU {cpu:6.2f} s "
              f"({1000 * cpu / requests:5.1f} ms a request, {cpu / STORIES:.3f} s a story)")
    base, new = results["client per request"], results["one client per fetcher"]
    ratio = new["client_cpu_s"] / base["client_cpu_s"]
    print(f"client CPU ratio {ratio:.2f}")
    out = {"date": time.strftime("%Y-%m-%d"), "hosts": len(HOSTS), "stories": STORIES,
           "requests_per_version": requests, "rounds": ROUNDS, "results": results,
           "client_cpu_ratio": round(ratio, 3)}
    (REPO / "bench" / "host_slots.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
