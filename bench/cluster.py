"""`storydiff cluster`: quality on the development sets and cost at 1k and 10k articles.

    .venv/bin/python bench/cluster.py [--shared ../shared] [--sizes 1000,10000]

Quality: runs the editors' scorer (../shared/tools/cluster_eval.py) on each development set, and
on AllSides with half its dates removed at random (seed 1).
Cost: grouping time after the model is loaded (embedding + grouping, timed apart) and peak
memory, in a fresh process per size, on articles made by repeating the development sets'
articles with a number in the title (their similarity structure is not a real feed's: this
measures cost, not quality). Writes bench/cluster.json.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SETS = ("allsides-nodate", "allsides", "ecbplus")


def quality(shared: Path) -> dict:
    folder = shared / "data" / "clusters"
    scores = {name: score(folder / f"{name}.jsonl", folder / f"{name}.gold.jsonl", name) for name in SETS}
    with tempfile.TemporaryDirectory() as scratch:  # AllSides with half its dates removed at random
        rng = random.Random(1)
        partial = Path(scratch) / "allsides-half-dated.jsonl"
        lines = [json.loads(line) for line in (folder / "allsides.jsonl").read_text().splitlines()]
        partial.write_text("".join(json.dumps({**a, "published": None if rng.random() < 0.5 else a["published"]}) + "\n"
                                   for a in lines))
        scores["allsides-half-dated"] = score(partial, folder / "allsides.gold.jsonl", "allsides-half-dated")
    return scores


def score(articles: Path, gold: Path, name: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(gold.parents[2] / "tools" / "cluster_eval.py"), "--run",
         f"{REPO / '.venv' / 'bin' / 'storydiff'} cluster {{input}} --out {{output}}",
         "--input", str(articles), "--gold", str(gold), "--name", name],
        capture_output=True, text=True, check=True)
    line = done.stdout.strip().splitlines()[-1]
    print(line)
    return dict(part.split("=") for part in line.split(": ", 1)[1].split())


def cost(size: int, shared: Path, undated: bool = False) -> dict:
    """In a fresh process: model load, embedding, grouping, peak RSS. `undated`: every date
    removed, so the grouping looks for the input's order in time (grouping.stream_window)."""
    code = f"""
import json, resource, sys, time
sys.path.insert(0, {str(REPO / 'src')!r})
from pathlib import Path
from storydiff.discover.dump import read_articles
from storydiff.discover.grouping import Article, article_vectors, group
from storydiff.discover.token_vectors import load_token_vectors
from storydiff.embed import load_embedder
from storydiff.settings import Settings
base = []
for name in ("allsides", "ecbplus"):
    base += read_articles(Path({str(shared / 'data' / 'clusters')!r}) / f"{{name}}.jsonl")
articles = [Article(f"{{a.id}}-{{n}}", a.outlet, a.url, f"{{a.title}} {{n}}", a.text, None if {undated} else a.published)
            for n in range({size} // len(base) + 1) for a in base][:{size}]
s = Settings()
started = time.perf_counter()
embedder = load_embedder(s.model, s.embed_batch_size, s.embed_backend, s.model_cache, s.threads)
token_vectors = load_token_vectors(s.model, s.model_cache, s.threads)
# every title is read by the multilingual model too, as `storydiff cluster` reads it
multilingual = load_embedder(s.multilingual_model, s.embed_batch_size, threads=s.threads)
loaded = time.perf_counter()
sentence_s = 0.0
def timed(model):
    def encode(texts):
        global sentence_s
        began = time.perf_counter()
        vectors = model.encode(texts)
        sentence_s += time.perf_counter() - began
        return vectors
    return encode
vectors = article_vectors(articles, timed(embedder), token_vectors, s.group, timed(multilingual))
embedded = time.perf_counter()
stories = group(articles, vectors, s.group)
grouped = time.perf_counter()
print(json.dumps({{"articles": len(articles), "undated": {undated}, "stories": len(set(stories)), "load_s": round(loaded - started, 2),
                  "embed_s": round(embedded - loaded, 2), "sentence_model_s": round(sentence_s, 2),
                  "token_vectors_s": round(embedded - loaded - sentence_s, 2), "group_s": round(grouped - embedded, 2),
                  "after_load_s": round(grouped - loaded, 2),
                  "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2)}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--undated-size", type=int, default=10000, help="also this many articles without dates (0: not)")
    args = parser.parse_args()
    shared = Path(args.shared)
    results = {"machine": f"{resource.getpagesize()} B pages; run {time.strftime('%Y-%m-%d')}",
               "quality": quality(shared), "cost": [cost(int(n), shared) for n in args.sizes.split(",")]
               + ([cost(args.undated_size, shared, undated=True)] if args.undated_size else [])}
    (REPO / "bench" / "cluster.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
