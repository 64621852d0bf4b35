"""How well an NLI model separates the editors' gold pairs of the real-news development stories.

    .venv/bin/python training/story_pairs.py --stories ../shared/data/stories \
        --model src/storydiff/models/nli-minilm-l6 [--model OTHER ...]

For every gold pair (contradictions, shared pairs, traps and judged non-contradictions) it finds
the two sentences that hold the editor's quotes, asks the model both ways round and prints, per
threshold, the share of each kind whose smaller contradiction probability reaches it. This is
the model alone, before storydiff's gates: an upper bound on what model rows can add to recall,
and the false alarms it would raise where the gates let a pair through. Development data only
(it reads ../shared; tests never run it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
from storydiff.nli import LABELS, NliModel  # noqa: E402
from storydiff.segment import split_sentences  # noqa: E402

KINDS = {"contradictions": "contradiction", "shared": "shared", "not_contradictions": "trap",
         "judged_not_contradictions": "judged-not"}
THRESHOLDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8)


def sentence_with(sentences: list[str], quote: str) -> str | None:
    quote = " ".join(quote.split()).lower()
    return next((s for s in sentences if quote in " ".join(s.split()).lower()), None)


def gold_pairs(story_dir: Path) -> list[tuple[str, str, str, str]]:
    gold = json.loads((story_dir / "gold.json").read_text())
    sentences = {}
    for article in gold["articles"]:
        text = (story_dir / "articles" / article["file"]).read_text()
        sentences[article["outlet"]] = [s.text for s in split_sentences(text)]
    pairs = []
    for key, kind in KINDS.items():
        for pair in gold.get(key, []):
            a = sentence_with(sentences.get(pair["a"]["outlet"], []), pair["a"]["contains"])
            b = sentence_with(sentences.get(pair["b"]["outlet"], []), pair["b"]["contains"])
            if a and b and a != b:
                pairs.append((story_dir.name, kind, a, b))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=Path, required=True)
    parser.add_argument("--model", action="append", required=True)
    parser.add_argument("--json", type=Path, help="also write the per-pair scores here")
    args = parser.parse_args()
    pairs = [p for story in sorted(args.stories.iterdir()) if (story / "gold.json").exists()
             for p in gold_pairs(story)]
    contradiction = LABELS.index("contradiction")
    report = {}
    for name in args.model:
        model = NliModel(name)
        forward = model.predict([(a, b) for _, _, a, b in pairs])[:, contradiction]
        backward = model.predict([(b, a) for _, _, a, b in pairs])[:, contradiction]
        both = np.minimum(forward, backward)
        print(f"\n{name}: share of gold pairs with min(P(contradiction) both ways) >= t")
        print("kind            pairs  " + "  ".join(f"{t:>5}" for t in THRESHOLDS))
        kinds = sorted({kind for _, kind, _, _ in pairs})
        report[name] = {}
        for kind in kinds:
            scores = both[[i for i, p in enumerate(pairs) if p[1] == kind]]
            shares = [float((scores >= t).mean()) for t in THRESHOLDS]
            report[name][kind] = dict(zip(map(str, THRESHOLDS), shares), pairs=len(scores))
            print(f"{kind:<15} {len(scores):>5}  " + "  ".join(f"{s:5.2f}" for s in shares))
        if args.json:
            report[name]["pairs"] = [dict(story=s, kind=k, a=a, b=b, score=round(float(x), 3))
                                     for (s, k, a, b), x in zip(pairs, both)]
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
