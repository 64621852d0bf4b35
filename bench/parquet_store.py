"""One DuckDB file against Parquet results (STORYDIFF_PARQUET_DIR), side by side in one run, on
synthetic stories of 10 articles x 30 sentences (no models: what is measured is the store).

  write     replace_story of one story, with its 300 embeddings cached (median over the stories)
  4 writers 4 processes writing STORIES/4 stories each at once: wall time, lock errors
  open      open and close the store (Parquet: the views file read-only, which run is each story's)
  lookup    cached_embeddings of one story's 300 hashes, once STORIES stories are stored; again
            after `storydiff compact` merged the caches' files
  claims    the story_claims view of one story; `all claims` of every story

    .venv/bin/python bench/parquet_store.py [STORIES]    # writes bench/parquet_store.json
"""

from __future__ import annotations

import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "src")]

from storydiff.align import Alignment, Match  # noqa: E402
from storydiff.embed import text_hash  # noqa: E402
from storydiff.errors import DatabaseBusyError  # noqa: E402
from storydiff.parquet_store import ParquetStore, compact  # noqa: E402
from storydiff.results import ArticleOutcome, StoryResult  # noqa: E402
from storydiff.segment import Sentence  # noqa: E402
from storydiff.store import Store  # noqa: E402
from storydiff.story import ArticleRef, Story  # noqa: E402

ARTICLES, SENTENCES, DIMENSIONS = 10, 30, 384


def synthetic_story(number: int) -> tuple[StoryResult, dict[str, np.ndarray]]:
    rng = np.random.default_rng(number)
    outcomes, texts = [], []
    for article in range(ARTICLES):
        ref = ArticleRef(f"Outlet {article}", f"https://outlet{article}.example/{number}", "")
        sentences = []
        for position in range(SENTENCES):
            text = f"Story {number}, outlet {article}: claim {rng.integers(0, 40)} was reported at {position}."
            sentences.append(Sentence(position, 0, len(text), text))
            texts.append(text)
        outcomes.append(ArticleOutcome(article, ref, sentences=sentences))
    rows = ARTICLES * SENTENCES
    matches = [Match(i, i + SENTENCES, 0.8) for i in range(0, rows - SENTENCES, 3)]
    alignment = Alignment(matches=matches, conflicts=[], claim_of=[i % 90 for i in range(rows)],
                          source_of=list(range(ARTICLES)))
    vectors = {text_hash(t): rng.random(DIMENSIONS, dtype=np.float32) for t in texts}
    return StoryResult(Story(f"story-{number}", f"Story {number}", (), Path("bench.toml")), outcomes, alignment), vectors


def open_store(mode: str, folder: Path) -> Store:
    if mode == "parquet":
        return ParquetStore.open_folder(folder / "parquet", folder / "views.duckdb", lock_timeout_s=600)
    return Store.open(folder / "single.duckdb", lock_timeout_s=600)


def write_stories(mode: str, folder: str, numbers: list[int]) -> list[float]:
    times = []
    for number in numbers:
        result, vectors = synthetic_story(number)
        started = time.perf_counter()
        with open_store(mode, Path(folder)) as store:
            store.save_embeddings("bench", vectors)
            store.replace_story(result)
        times.append(time.perf_counter() - started)
    return times


def _writer(mode: str, folder: str, numbers: list[int], errors) -> None:
    try:
        write_stories(mode, folder, numbers)
    except DatabaseBusyError:
        errors.put("lock")


def concurrent(mode: str, folder: Path, stories: int) -> tuple[float, int]:
    context = multiprocessing.get_context("spawn")
    errors = context.Queue()
    numbers = [list(range(1000 + w, 1000 + stories, 4)) for w in range(4)]
    workers = [context.Process(target=_writer, args=(mode, str(folder), n, errors)) for n in numbers]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    failed = sum(1 for w in workers if w.exitcode != 0)
    lock_errors = 0
    while not errors.empty():
        lock_errors += errors.get() == "lock"
    return elapsed, lock_errors + failed


def measure(mode: str, folder: Path, stories: int) -> dict:
    writes = write_stories(mode, str(folder), list(range(stories)))
    _, vectors = synthetic_story(stories // 2)
    lookups, claims, everything = [], [], []
    with open_store(mode, folder) as store:
        for _ in range(7):
            started = time.perf_counter()
            found = store.cached_embeddings("bench", vectors)
            lookups.append(time.perf_counter() - started)
            assert len(found) == len(vectors)
            started = time.perf_counter()
            store.view("story_claims", [f"story-{stories // 2}"]).pl()
            claims.append(time.perf_counter() - started)
            started = time.perf_counter()
            store.view("story_claims").pl()
            everything.append(time.perf_counter() - started)
    figures = {"write_ms": round(statistics.median(writes) * 1000, 1),
               "lookup_ms": round(statistics.median(lookups) * 1000, 1),
               "claims_of_one_story_ms": round(statistics.median(claims) * 1000, 1),
               "all_claims_ms": round(statistics.median(everything) * 1000, 1)}
    if mode == "parquet":  # a cache lookup reads one file per run until compacted
        compact(folder / "parquet")
    lookups = []
    with open_store(mode, folder) as store:
        for _ in range(7):
            started = time.perf_counter()
            store.cached_embeddings("bench", vectors)
            lookups.append(time.perf_counter() - started)
    figures["lookup_after_compact_ms"] = round(statistics.median(lookups) * 1000, 1)
    opens = []
    for _ in range(7):
        started = time.perf_counter()
        open_store(mode, folder).close()
        opens.append(time.perf_counter() - started)
    figures["open_and_close_ms"] = round(statistics.median(opens) * 1000, 1)
    wall, errors = concurrent(mode, folder / "concurrent", stories)
    return figures | {"four_writers_s": round(wall, 2), "four_writers_errors": errors}


def main() -> None:
    stories = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for mode in ("duckdb", "parquet"):
            folder = Path(scratch) / mode
            folder.mkdir()
            results[mode] = measure(mode, folder, stories)
    results["stories"] = stories
    print(f"{'':28}{'one DuckDB file':>18}{'Parquet':>12}{'ratio':>8}")
    for key in ("write_ms", "open_and_close_ms", "lookup_ms", "lookup_after_compact_ms", "claims_of_one_story_ms",
                "all_claims_ms", "four_writers_s", "four_writers_errors"):
        one, many = results["duckdb"][key], results["parquet"][key]
        ratio = f"{many / one:.2f}" if one else ""
        print(f"{key:28}{one:>18}{many:>12}{ratio:>8}")
    (REPO / "bench" / "parquet_store.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
