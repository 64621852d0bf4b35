"""What the fact layer costs end to end: the 10-outlet bench story compared by this checkout and
by a checkout from before it, in turns, each run in a process of its own (bench/e2e.py).

    .venv/bin/python bench/fact_layer.py BASELINE_CHECKOUT [--rounds 3]

BASELINE_CHECKOUT is a worktree of the commit before the fact layer (git worktree add
/tmp/base d0b8525); it runs with this venv, its own src/ first on the path. Prints the medians
of the first run (fresh database) and their ratio; writes bench/fact_layer.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from corpus import make_story, write_story  # noqa: E402

NLI = "storydiff-nli-minilm-l6"


def run_once(checkout: Path, story: Path, folder: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=f"{checkout / 'src'}{os.pathsep}{checkout}")
    result = subprocess.run([sys.executable, str(checkout / "bench" / "e2e.py"), str(story), str(folder / "db.duckdb"),
                             str(folder / "reports"), NLI], capture_output=True, text=True, env=env, timeout=1800)
    if result.returncode:
        raise SystemExit(f"{checkout}: {result.stderr.strip().splitlines()[-1]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "fact_layer.json")
    args = parser.parse_args()
    checkouts = {"before (baseline)": args.baseline.resolve(), "fact layer (this checkout)": REPO}
    runs: dict[str, list[dict]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory() as scratch:
        story = write_story(make_story(10, 80), Path(scratch) / "story", "bench-10")
        for round_no in range(args.rounds):
            for name, checkout in checkouts.items():
                folder = Path(scratch) / f"{round_no}-{len(runs[name])}-{name[:6]}"
                folder.mkdir()
                runs[name].append(run_once(checkout, story, folder))
                print(f"round {round_no + 1} {name}: {runs[name][-1]['first']['seconds']} s", flush=True)
    medians = {name: statistics.median(r["first"]["seconds"] for r in rs) for name, rs in runs.items()}
    before, after = medians.values()
    result = {"first_run_median_s": medians, "ratio": round(after / before, 3),
              "peak_rss_mb": {name: max(r["peak_rss_mb"] for r in rs) for name, rs in runs.items()},
              "runs": runs}
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"10 outlets, first run, median of {args.rounds}: before {before:.2f} s, fact layer {after:.2f} s, "
          f"ratio {after / before:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
