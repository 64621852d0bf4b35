"""Scores this checkout on the real multi-outlet development stories (../shared/data/stories)
with the editors' own scorer, ../shared/tools/story_eval.py, exactly as acceptance scores the
stories kept apart; writes eval/stories.json and prints one line per story. For stories whose
articles are in several languages it also counts, from the scorer's per-pair tables, the gold
pairs with a sentence not in English (issue 17's targets are on those).

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
        cross = cross_language(proc.stdout, json.loads((stories_dir / story / "gold.json").read_text()))
        if cross:
            results[story]["cross_language"] = cross
        print(last + "".join(f" cross_{k}={v['hits']}/{v['pairs']}" for k, v in cross.items()), flush=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return worst


# the scorer's per-pair tables: a heading, a header line, then one "  N  result ..." line per pair
TABLES = {"contradictions": ("Gold contradictions", "found"), "shared": ("Gold shared pairs", "ok"),
          "not_contradictions": ("Traps, not contradictions", "FLAGGED")}
ROW = re.compile(r"^\s+(\d+)\s+(\S+)\s")


def cross_language(output: str, gold: dict) -> dict:
    """Per kind of gold pair with a non-English side: how many the scorer counts as hits (found,
    in one claim; for traps, wrongly flagged)."""
    language = {a["outlet"]: a.get("language", "en") for a in gold["articles"]}
    counts = {}
    for key, (heading, hit) in TABLES.items():
        cross = [i for i, pair in enumerate(gold.get(key, []), start=1)
                 if language[pair["a"]["outlet"]] != "en" or language[pair["b"]["outlet"]] != "en"]
        if not cross or heading not in output:
            continue
        table = output[output.index(heading):].split("\n\n")[0]
        result = {int(m.group(1)): m.group(2) for m in map(ROW.match, table.splitlines()) if m}
        counts[key] = {"pairs": len(cross), "hits": sum(1 for i in cross if result.get(i, "").lower() == hit.lower())}
    return counts


def _number(value: str):
    try:
        return float(value)
    except ValueError:
        return value


if __name__ == "__main__":
    sys.exit(main())
