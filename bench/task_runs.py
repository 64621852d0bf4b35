"""What a story's Prefect task runs cost the server all workers share, by the flow's shape: a
task per page for fetching and for extracting (6 + 6 + embed + align = 14 task runs, as
compare-story ran them until 2026-11-28) against a task per stage (fetch-pages,
extract-and-segment, embed, align-and-classify = 4). The tasks do nothing, so what is measured is
orchestration alone: the CPU of the flow's own process, and that of the Prefect server and
PostgreSQL processes on this machine, read from /proc. The shapes by turns, medians of ROUNDS.
Writes bench/task_runs.json.

    scripts/prefect-server-postgres.sh      # as root; then, with the PREFECT_API_URL it prints:
    PREFECT_API_URL=http://127.0.0.1:4200/api .venv/bin/python bench/task_runs.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

REPO = Path(__file__).resolve().parents[1]
PAGES = 6
STORIES = 12
ROUNDS = 5
SETTLE_S = 2.0  # the server records task runs' states from events after the flow returns


@task(name="stage", cache_policy=NO_CACHE)
def stage(item: int) -> int:
    return item


@flow(name="story-shape", task_runner=ThreadPoolTaskRunner(max_workers=16))
def story_shape(per_page: bool) -> None:
    if per_page:
        for future in [stage.submit(page) for page in range(PAGES)]:  # fetch
            future.result()
        for page in range(PAGES):  # extract
            stage(page)
    else:
        stage(0)
        stage(1)
    stage(2)  # embed
    stage(3)  # align and classify


def server_cpu_s() -> float:
    """CPU seconds so far of the Prefect server and the PostgreSQL processes."""
    found = subprocess.run(["pgrep", "-f", "prefect server start|postgres"], capture_output=True, text=True)
    ticks = 0
    for pid in found.stdout.split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a PostgreSQL backend that ended meanwhile
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def measured(per_page: bool) -> tuple[float, float]:
    """Client and server CPU seconds for STORIES flow runs of one shape."""
    time.sleep(SETTLE_S)
    server, client = server_cpu_s(), time.process_time()
    for _ in range(STORIES):
        story_shape(per_page)
    client = time.process_time() - client
    time.sleep(SETTLE_S)
    return client, server_cpu_s() - server


def main() -> int:
    if not os.environ.get("PREFECT_API_URL"):
        print("bench/task_runs.py: set PREFECT_API_URL to a server on this machine "
              "(scripts/prefect-server-postgres.sh)", file=sys.stderr)
        return 2
    story_shape(False)  # the first run creates the flow and task records
    runs: dict[str, list[tuple[float, float]]] = {"task per page": [], "task per stage": []}
    for round_no in range(ROUNDS):
        for per_page in ((True, False) if round_no % 2 == 0 else (False, True)):
            runs["task per page" if per_page else "task per stage"].append(measured(per_page))
    figures: dict = {"stories": STORIES, "pages_per_story": PAGES, "rounds": ROUNDS, "cores": os.cpu_count()}
    for name, rows in runs.items():
        figures[name] = {"task_runs_per_story": 14 if name == "task per page" else 4,
                         "client_cpu_per_story_s": round(statistics.median(c for c, _ in rows) / STORIES, 4),
                         "server_cpu_per_story_s": round(statistics.median(s for _, s in rows) / STORIES, 4),
                         "server_rounds_s": [round(s, 2) for _, s in rows]}
    per_page, per_stage = figures["task per page"], figures["task per stage"]
    figures["server_cpu_saved_per_story_s"] = round(per_page["server_cpu_per_story_s"]
                                                    - per_stage["server_cpu_per_story_s"], 4)
    figures["server_cpu_per_task_run_s"] = round(figures["server_cpu_saved_per_story_s"] / 10, 4)
    print(json.dumps(figures, indent=2))
    (REPO / "bench" / "task_runs.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
