"""Scores this checkout on the real multi-outlet development stories (../shared/data/stories)
with the editors' own scorer, ../shared/tools/story_eval.py, exactly as acceptance scores the
stories kept apart; writes eval/stories.json and prints one line per story.

    python3 eval/stories.py [--shared ../shared] [--out eval/stories.json] [--english]

Needs .venv (make test or make demo) and ../shared; `make eval` runs it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

LINE = re.compile(r"^story (?P<story>\S+): (?P<fields>.*)$")
FIELD = re.compile(r"(\w+)=(\S+)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="../shared", type=Path)
    parser.add_argument("--out", default="eval/stories.json", type=Path)
    parser.add_argument("--english", action="store_true", help="only the four English stories (no -xl)")
    args = parser.parse_args()
    tool = args.shared / "tools" / "story_eval.py"
    stories_dir = args.shared / "data" / "stories"
    if not tool.exists():
        print(f"error: {tool} not found: the development stories live in ../shared", file=sys.stderr)
        return 2
    stories = sorted(p.parent.name for p in stories_dir.glob("*/gold.json"))
    if args.english:
        stories = [s for s in stories if not s.endswith("-xl")]
    results, worst = {}, 0
    for story in stories:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, str(tool), "--checkout", ".", "--story", story],
                              capture_output=True, text=True)
        worst = max(worst, proc.returncode)
        last = (proc.stdout.strip().splitlines() or [""])[-1]
        match = LINE.match(last)
        fields = dict(FIELD.findall(match.group("fields"))) if match else {"error": last}
        results[story] = {key: _number(value) for key, value in fields.items()} | {
            "seconds": round(time.perf_counter() - started, 1)}
        print(last, flush=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return worst


def _number(value: str):
    try:
        return float(value)
    except ValueError:
        return value


if __name__ == "__main__":
    sys.exit(main())
