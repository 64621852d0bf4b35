"""One end-to-end measurement in a process of its own (bench/run.py starts it), so that its peak
memory is its own. Prints one JSON line.

    python bench/e2e.py STORY_FILE DB_PATH REPORT_DIR NLI_MODEL|-

Default settings (the default backends). Times compare_story on a fresh database, then again on the unchanged story. Prefect's start-up
is paid by a trivial flow before either, so neither includes it.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prefect import flow  # noqa: E402

from flows.compare import compare_story  # noqa: E402
from storydiff.settings import Settings  # noqa: E402
from storydiff.store import Store  # noqa: E402


@flow
def warm_up() -> None:
    pass


def peak_rss_mb() -> float:
    """VmHWM: this process's own peak. (getrusage's ru_maxrss carries over the parent's peak
    across fork and exec on Linux, which made every run report the benchmark's own 3.3 GB.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    story, db, reports, nli = sys.argv[1:5]
    settings = replace(Settings(), db_path=Path(db), report_dir=Path(reports), nli_model="" if nli == "-" else nli)
    started = time.perf_counter()
    warm_up()
    prefect_start = time.perf_counter() - started
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        summary = compare_story(story, settings)
        runs.append({"seconds": round(time.perf_counter() - started, 2), "work": summary.work,
                     "claims": summary.claims})
    peak_mb = peak_rss_mb()
    with Store.open(settings.db_path, read_only=True) as store:
        pairs, unjudged = store.con.execute("SELECT sentence_pairs, unjudged_pairs FROM stories").fetchone()
    print(json.dumps({"prefect_start_s": round(prefect_start, 2), "first": runs[0], "unchanged_rerun": runs[1],
                      "peak_rss_mb": round(peak_mb), "sentence_pairs": pairs, "left_to_rules_by_nli_budget": unjudged}))


if __name__ == "__main__":
    main()
