"""The HTML report's cost: Jinja2 templates (today) against the f-string renderer they replaced,
side by side in one run, on synthetic stories of 6, 24 and 200 outlets (the last past the
side-by-side limit, so claims are listed).

    .venv/bin/python bench/report_render.py [BASELINE_REVISION]   # default 148d3ca, the last f-string report.py

Prints a table and writes bench/report_render.json. The baseline module is read from git and
loaded inside the storydiff package, so both render the same ReportData.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from run import side_by_side  # noqa: E402
from storydiff import report  # noqa: E402

STORIES = {"6 outlets, 60 claims": (6, 60), "24 outlets, 400 claims": (24, 400), "200 outlets, 3000 claims": (200, 3000)}


def baseline_module(revision: str):
    source = subprocess.run(["git", "show", f"{revision}:src/storydiff/report.py"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout
    folder = Path(tempfile.mkdtemp())
    path = folder / "report_fstrings.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("storydiff.report_fstrings", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def story(outlets: int, claims: int) -> report.ReportData:
    """Claims spread over outlets, sentences with characters to escape, contradictions and figures."""
    names = [f"Outlet <{n}> & Co" for n in range(outlets)]
    articles = [{"article_no": n, "outlet": o, "url": f"https://o{n}.example/a?x=1&y=2", "status": "ok",
                 "truncation": None, "language": "en", "source_article_no": n, "published": "2025-10-19"} for n, o in enumerate(names)]
    rows = []
    for c in range(claims):
        members = [(c + k) % outlets for k in range(1 + c % 4)]
        text = f"Claim {c}: the \"minister\" said <b>{c % 50}</b> people & 'others' were there."
        rows.append({"claim_id": c, "status": ("shared", "unique", "contradicted")[c % 3], "n_outlets": len(members),
                     "outlets": [names[m] for m in members], "text": text,
                     "sentences": {m: [text] for m in members}})
    conflicts = [{"claim_id": c, "kind": "number", "score": 0.9, "what": "people", "value_a": "4", "value_b": "2",
                  "confidence": 0.8, "article_a": c % outlets, "sentence_a": f"Four <people> {c}", "span_a_start": 0,
                  "span_a_end": 4, "article_b": (c + 1) % outlets, "sentence_b": f"Two <people> {c}",
                  "span_b_start": 0, "span_b_end": 3} for c in range(0, claims, 3)]
    coverage = [{"outlet": o, "sentences": 10, "shared": 4, "unique": 3, "contradicted": 3, "possibly_shared": 0}
                for o in names]
    figures = [{"slot": s, "what": f"thing {s}", "outlet": names[(s + k) % outlets], "value_text": str(s + k),
                "sentence": f"Sentence with {s + k} <things>", "published": "2025-10-19",
                "status": "conflict" if s % 2 else "agrees"} for s in range(claims // 10) for k in range(3)]
    return report.ReportData("bench", "Bench <story>", datetime.now(timezone.utc), articles, rows, conflicts,
                             coverage, [], figures)


def main() -> None:
    revision = sys.argv[1] if len(sys.argv) > 1 else "148d3ca"
    old = baseline_module(revision)
    results = {"baseline": f"report.py at {revision} (f-strings, html.escape)", "stories": {}}
    print(f"{'story':<26} {'f-strings':>10} {'Jinja2':>10} {'ratio':>7} {'size':>10}")
    for label, (outlets, claims) in STORIES.items():
        data = story(outlets, claims)
        timings = side_by_side({"fstrings": lambda: old.render_html(data), "jinja2": lambda: report.render_html(data)},
                               rounds=7)
        size = len(report.render_html(data).encode())
        ratio = timings["jinja2"] / timings["fstrings"]
        results["stories"][label] = {"fstrings_s": round(timings["fstrings"], 4), "jinja2_s": round(timings["jinja2"], 4),
                                     "ratio": round(ratio, 2), "bytes": size}
        print(f"{label:<26} {timings['fstrings']:>9.3f}s {timings['jinja2']:>9.3f}s {ratio:>6.2f}x {size:>10,}")
    out = REPO / "bench" / "report_render.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
