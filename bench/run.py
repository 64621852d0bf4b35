"""`make bench`: storydiff's speed and memory, measured side by side in one run.

    .venv/bin/python bench/run.py [--quick] [--out bench/results.json]

Prints a table and writes bench/results.json. Corpora come from bench/corpus.py (seeded).
Sections: embedding backends, candidate generation (numpy, approximate, DuckDB SQL), NLI
backends, end to end for 10/100/1000 outlets (first run and unchanged re-run, peak memory, each
in a process of its own), and `storydiff run` with Prefect embedded vs a running server.
--quick skips the 1000-outlet run and the Prefect server.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from corpus import make_story, write_story  # noqa: E402

from storydiff.align import candidate_pairs  # noqa: E402
from storydiff.embed import load_embedder  # noqa: E402
from storydiff.nli import NliModel  # noqa: E402
from storydiff.settings import Settings  # noqa: E402

BACKENDS = ("torch", "onnx", "onnx-int8")
# int8 in batches, as storydiff does not run it: its results would depend on the batch
INT8_BATCHED = "onnx-int8 batched"
NLI = "storydiff-nli-minilm-l6"


def side_by_side(actions: dict, rounds: int = 5) -> dict[str, float]:
    """Median seconds of each action, run in turns (a, b, c, a, b, c, ...): this machine's speed
    drifts by half for minutes at a time, which one-after-the-other blocks would credit to
    whichever action ran in the fast spell."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(seconds) for name, seconds in times.items()}


def median_time(action, repeats: int = 3) -> float:
    return side_by_side({"only": action}, repeats)["only"]


def busy_core():
    """A process spinning one core: the 'busy 2-core machine' of the thread measurement."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def bench_embedding(texts: list[str], cache: Path) -> dict:
    from storydiff.embed import OnnxEmbedder

    out: dict = {"sentences": len(texts)}
    embedders = {backend: load_embedder("all-MiniLM-L6-v2", 64, backend, cache) for backend in BACKENDS}
    # what running int8 one sentence at a time costs: the same model, in batches of 64
    embedders[INT8_BATCHED] = OnnxEmbedder("all-MiniLM-L6-v2", True, cache, 64, batch_int8=True)
    vectors = {backend: embedder.encode(texts) for backend, embedder in embedders.items()}  # also warms up
    seconds = side_by_side({backend: lambda e=embedder: e.encode(texts) for backend, embedder in embedders.items()})
    for backend in BACKENDS:
        cosine = (vectors[backend] * vectors["torch"]).sum(axis=1)
        out[backend] = {"sentences_per_s": round(len(texts) / seconds[backend]),
                        "mean_cosine_to_torch": round(float(cosine.mean()), 4),
                        "min_cosine_to_torch": round(float(cosine.min()), 4)}
    for backend in BACKENDS[1:]:
        out[backend]["speed_vs_torch"] = round(out[backend]["sentences_per_s"] / out["torch"]["sentences_per_s"], 2)
    to_itself = (vectors[INT8_BATCHED] * vectors["onnx-int8"]).sum(axis=1)
    out[INT8_BATCHED] = {"sentences_per_s": round(len(texts) / seconds[INT8_BATCHED]),
                         "min_cosine_to_one_at_a_time": round(float(to_itself.min()), 4)}

    import torch

    def encode_with_torch_threads(threads: int):
        torch.set_num_threads(threads)
        embedders["torch"].encode(texts)

    by_threads = {f"{threads}_threads": OnnxEmbedder("all-MiniLM-L6-v2", True, cache, 64, threads) for threads in (1, 2)}
    for embedder in by_threads.values():
        embedder.encode(texts[:64])
    onnx_actions = {name: lambda e=embedder: e.encode(texts) for name, embedder in by_threads.items()}
    out["onnx-int8_on_an_idle_machine_sentences_per_s"] = {
        name: round(len(texts) / s) for name, s in side_by_side(onnx_actions, 3).items()}
    hog = busy_core()  # one of the two cores taken by another process
    try:
        busy = side_by_side(onnx_actions | {f"torch_{threads}_threads": lambda n=threads: encode_with_torch_threads(n)
                                            for threads in (1, 2)}, 3)
    finally:
        hog.kill()
        torch.set_num_threads(os.cpu_count() or 1)
    out["onnx-int8_on_a_busy_machine_sentences_per_s"] = {name: round(len(texts) / s) for name, s in busy.items()}
    return out


def sample_story_labels(settings: Settings) -> dict:
    """Each sample-story sentence's label, and the gold scores, for one backend choice."""
    from flows.compare import compare_story
    from storydiff.gold import load_gold, score_story
    from storydiff.store import Store

    story = REPO / "data" / "stories" / "louvre-heist.toml"
    compare_story(str(story), settings)
    with Store.open(settings.db_path, read_only=True) as store:
        labels = {(r["outlet"], r["sentence"]): r["status"] for r in store.frame("sentence_labels", ["louvre-heist"]).to_dicts()}
        scored = score_story(store, "louvre-heist", load_gold(story.with_suffix(".gold.tsv")))
    return {"labels": labels, "gold": {k: [round(v.precision, 2), round(v.recall, 2)] for k, v in scored.scores.items()}}


def bench_gold(scratch: Path, cache: Path) -> dict:
    base = replace(Settings(), model_cache=cache, report_dir=scratch / "reports")
    runs = {}
    for embed_backend, nli_backend in [("torch", "torch"), ("onnx", "onnx"), ("onnx-int8", "onnx"), ("onnx-int8", "onnx-int8")]:
        key = f"embed {embed_backend}, nli {nli_backend}"
        settings = replace(base, db_path=scratch / f"gold-{embed_backend}-{nli_backend}.duckdb",
                           embed_backend=embed_backend, nli_backend=nli_backend)
        runs[key] = sample_story_labels(settings)
    reference = runs["embed torch, nli torch"]["labels"]
    return {key: {"labels_changed_vs_torch": sum(1 for k, v in run["labels"].items() if reference.get(k) != v),
                  "gold_precision_recall": run["gold"]} for key, run in runs.items()}


def story_vectors(outlets: int, cache: Path, wire_share: float = 0.4) -> tuple[np.ndarray, np.ndarray, list[str]]:
    articles = make_story(outlets, 80, wire_share=wire_share)
    texts = [s for a in articles for s in a.sentences]
    article_of = np.repeat(np.arange(len(articles)), [len(a.sentences) for a in articles])
    distinct = list(dict.fromkeys(texts))
    encoded = load_embedder("all-MiniLM-L6-v2", 64, "onnx-int8", cache).encode(distinct)
    index = {t: i for i, t in enumerate(distinct)}
    return encoded[[index[t] for t in texts]], article_of, texts


def sql_candidates(vectors: np.ndarray, article_of: np.ndarray, threshold: float) -> int:
    """The all-pairs baseline: each sentence's best match per other article, in DuckDB SQL."""
    import duckdb
    import polars as pl

    con = duckdb.connect()
    frame = pl.DataFrame({"row": np.arange(len(vectors)), "article": article_of,
                          "v": [v.tolist() for v in vectors]})
    con.register("incoming", frame)
    con.execute(f"CREATE TABLE s AS SELECT row, article, v::FLOAT[{vectors.shape[1]}] AS v FROM incoming")
    return con.execute("""
        SELECT count(*) FROM (
            SELECT a.row, b.article, max(array_cosine_similarity(a.v, b.v)) AS best
            FROM s a JOIN s b ON a.article <> b.article
            GROUP BY a.row, b.article HAVING best >= ?)""", [threshold]).fetchone()[0]


def bench_candidates(cache: Path, quick: bool, scratch: Path) -> dict:
    """Timed in a fresh process: after torch has run (the embedding section), its idle OpenMP
    threads slow numpy's matrix products in the same process (0.47 s -> 0.82 s at 100 outlets),
    and storydiff's pipeline never imports torch."""
    stories = {}
    for name, outlets, wire_share in [("10_outlets", 10, 0.4), ("100_outlets", 100, 0.4),
                                      ("1000_outlets", 1000, 0.4), ("100_no_copies", 100, 0.0)]:
        if quick and outlets == 1000:
            continue
        vectors, article_of, texts = story_vectors(outlets, cache, wire_share)
        np.save(scratch / f"{name}-vectors.npy", vectors)
        np.save(scratch / f"{name}-articles.npy", article_of)
        stories[name] = (str(scratch / f"{name}-vectors.npy"), str(scratch / f"{name}-articles.npy"), len(set(texts)))
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh_process:
        return fresh_process.submit(time_candidates, stories).result()


def time_candidates(stories: dict) -> dict:
    threshold = Settings().align.candidate_threshold
    out = {}
    for name, (vectors_file, articles_file, distinct) in stories.items():
        vectors, article_of = np.load(vectors_file), np.load(articles_file)
        entry = {"sentences": len(vectors), "distinct_texts": distinct}
        repeats = 1 if len(vectors) > 20_000 else 3
        entry["numpy_s"] = round(median_time(lambda: candidate_pairs(vectors, article_of, threshold), repeats), 3)
        tracemalloc.start()
        exact = candidate_pairs(vectors, article_of, threshold)
        entry["numpy_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
        entry["pairs"] = len(exact)
        if name == "100_outlets":
            approx = candidate_pairs(vectors, article_of, threshold, exact_limit=0)
            entry["approximate_s"] = round(median_time(lambda: candidate_pairs(vectors, article_of, threshold, exact_limit=0)), 3)
            found = {(m.a, m.b) for m in approx}
            entry["approximate_recall"] = round(sum(1 for m in exact if (m.a, m.b) in found) / len(exact), 4)
        if name in ("10_outlets", "100_outlets"):
            entry["duckdb_sql_s"] = round(median_time(lambda: sql_candidates(vectors, article_of, threshold), 1), 2)
            entry["speed_vs_sql"] = round(entry["duckdb_sql_s"] / entry["numpy_s"], 1)
        out[name] = entry
    return out


def bench_nli(cache: Path) -> dict:
    vectors, article_of, texts = story_vectors(10, cache)
    pairs = [(texts[m.a], texts[m.b]) for m in candidate_pairs(vectors, article_of, 0.45)][:512]
    models = {backend: NliModel(NLI, backend=backend, cache_dir=cache) for backend in BACKENDS}
    models[INT8_BATCHED] = NliModel(NLI, 32, backend="onnx-int8", cache_dir=cache, batch_int8=True)
    scores = {backend: model.predict(pairs) for backend, model in models.items()}  # also warms up
    seconds = side_by_side({backend: lambda m=model: m.predict(pairs) for backend, model in models.items()})
    reference = scores["torch"]
    out: dict = {"pairs": len(pairs)}
    for backend in BACKENDS:
        out[backend] = {"pairs_per_s": round(len(pairs) / seconds[backend]),
                        "label_agreement_with_torch": round(float((scores[backend].argmax(1) == reference.argmax(1)).mean()), 4),
                        "max_probability_difference": round(float(np.abs(scores[backend] - reference).max()), 4)}
    out[INT8_BATCHED] = {"pairs_per_s": round(len(pairs) / seconds[INT8_BATCHED]),
                         "max_probability_difference_to_one_at_a_time":
                             round(float(np.abs(scores[INT8_BATCHED] - scores["onnx-int8"]).max()), 4)}
    return out


def bench_end_to_end(scratch: Path, quick: bool, env: dict) -> dict:
    out = {}
    for outlets, nli in [(10, NLI), (100, NLI)] + ([] if quick else [(1000, NLI)]):
        folder = scratch / f"story-{outlets}"
        story = write_story(make_story(outlets, 80), folder, f"bench-{outlets}")
        result = subprocess.run(
            [sys.executable, str(REPO / "bench" / "e2e.py"), str(story), str(folder / "db.duckdb"), str(folder / "reports"),
             nli], capture_output=True, text=True, env=env, timeout=3600)
        if result.returncode:
            out[f"{outlets}_outlets"] = {"error": result.stderr.strip().splitlines()[-1]}
            continue
        entry = json.loads(result.stdout.strip().splitlines()[-1])
        entry["nli"] = "off (rules only)" if nli == "-" else nli
        entry["rerun_share_of_first"] = round(entry["unchanged_rerun"]["seconds"] / entry["first"]["seconds"], 3)
        out[f"{outlets}_outlets"] = entry
    return out


def bench_prefect(scratch: Path, env: dict) -> dict:
    """`storydiff run` on the 10-outlet story, a fresh database each time: embedded vs a server."""
    story = scratch / "story-10" / "bench-10.toml"
    if not story.exists():
        write_story(make_story(10, 80), story.parent, "bench-10")

    def timed_run(run_env: dict, db_name: str) -> float:
        started = time.perf_counter()
        subprocess.run([str(REPO / ".venv" / "bin" / "storydiff"), "run", str(story), "--db",
                        str(scratch / f"prefect-{db_name}.duckdb"), "--report-dir", str(scratch / "reports")],
                       env=run_env, check=True, capture_output=True, timeout=600)
        return time.perf_counter() - started

    port = 4297
    server_env = env | {"PREFECT_HOME": str(scratch / "prefect-server-home")}
    server = subprocess.Popen([str(REPO / ".venv" / "bin" / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import httpx

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        client_env = server_env | {"PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
        envs = {"embedded_s": env, "server_s": client_env,
                "server_nli_onnx_fp32_s": client_env | {"STORYDIFF_NLI_BACKEND": "onnx"}}
        out: dict = {name: [] for name in envs}
        for round_number in range(3):  # in turns, as side_by_side does
            for name, run_env in envs.items():
                out[name].append(round(timed_run(run_env, f"{name}-{round_number}"), 2))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return out


def table(results: dict) -> str:
    e, c, n = results["embedding"], results["candidates"], results["nli"]
    lines = [f"machine: {results['machine']}", "", "embedding (sentences/s, distinct news-like sentences)"]
    for b in BACKENDS:
        lines.append(f"  {b:<10} {e[b]['sentences_per_s']:>6}  x{e[b].get('speed_vs_torch', 1.0):<5} "
                     f"mean cosine to torch {e[b]['mean_cosine_to_torch']}")
    lines.append(f"  {INT8_BATCHED}: {e[INT8_BATCHED]['sentences_per_s']} (lowest cosine to one at a time "
                 f"{e[INT8_BATCHED]['min_cosine_to_one_at_a_time']})")
    lines.append(f"  onnx-int8 threads, idle machine: {e['onnx-int8_on_an_idle_machine_sentences_per_s']}")
    lines.append(f"  one core busy with another process: {e['onnx-int8_on_a_busy_machine_sentences_per_s']}")
    lines.append("sample story labels by backend (changed vs torch; gold precision/recall)")
    for key, value in results["sample_story_gold"].items():
        lines.append(f"  {key:<28} changed {value['labels_changed_vs_torch']:>2}  {value['gold_precision_recall']}")
    lines.append("candidate generation")
    for key, value in c.items():
        lines.append(f"  {key:<13} {json.dumps(value)}")
    lines.append("NLI (pairs/s)")
    for b in BACKENDS:
        lines.append(f"  {b:<10} {n[b]['pairs_per_s']:>6}  agreement with torch {n[b]['label_agreement_with_torch']}")
    lines.append(f"  {INT8_BATCHED}: {n[INT8_BATCHED]['pairs_per_s']} (probabilities up to "
                 f"{n[INT8_BATCHED]['max_probability_difference_to_one_at_a_time']} from one at a time)")
    lines.append("end to end (first run / unchanged re-run, seconds; peak RSS)")
    for key, value in results["end_to_end"].items():
        if "error" in value:
            lines.append(f"  {key:<13} error: {value['error']}")
            continue
        lines.append(f"  {key:<13} {value['first']['seconds']:>7} / {value['unchanged_rerun']['seconds']:<6} "
                     f"({value['rerun_share_of_first']:.0%})  peak {value['peak_rss_mb']} MB  nli {value['nli']}  "
                     f"work {value['first']['work']} then {value['unchanged_rerun']['work']}  "
                     f"left to rules by the NLI budget {value.get('left_to_rules_by_nli_budget')} "
                     f"of {value.get('sentence_pairs')} pairs")
    if "prefect" in results:
        lines.append(f"storydiff run, 10 outlets: Prefect embedded {results['prefect']['embedded_s']} s, "
                     f"against a running server {results['prefect'].get('server_s')} s, "
                     f"same with NLI on onnx fp32 {results['prefect'].get('server_nli_onnx_fp32_s')} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(REPO / "bench" / "results.json"))
    args = parser.parse_args()
    env = os.environ | {"HF_HUB_OFFLINE": "1", "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                        "PREFECT_LOGGING_LEVEL": "CRITICAL"}
    os.environ.update(env)
    with tempfile.TemporaryDirectory(prefix="storydiff-bench-") as scratch_name:
        scratch = Path(scratch_name)
        env["PREFECT_HOME"] = os.environ["PREFECT_HOME"] = str(scratch / "prefect-home")
        cache = Settings().model_cache
        results: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                         "date": time.strftime("%Y-%m-%d"), "defaults": {"embed_backend": Settings().embed_backend,
                                                                        "nli_backend": Settings().nli_backend}}
        texts = list(dict.fromkeys(s for a in make_story(100, 80) for s in a.sentences))[:2000]
        steps = [("embedding", lambda: bench_embedding(texts, cache)),
                 ("sample_story_gold", lambda: bench_gold(scratch, cache)),
                 ("candidates", lambda: bench_candidates(cache, args.quick, scratch)),
                 ("nli", lambda: bench_nli(cache)),
                 ("end_to_end", lambda: bench_end_to_end(scratch, args.quick, env))]
        if not args.quick:
            steps.append(("prefect", lambda: bench_prefect(scratch, env)))
        for name, step in steps:
            started = time.perf_counter()
            results[name] = step()
            print(f"[{name}: {time.perf_counter() - started:.0f} s]", file=sys.stderr, flush=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
