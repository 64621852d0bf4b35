"""Does Dask help one big story? Embedding a story's sentences three ways, side by side, medians
of three: in this process (onnxruntime, every core); through storydiff's Dask path
(flows/dask_embed.py: prefect-dask's DaskTaskRunner, chunks as Prefect tasks) on a running
LocalCluster of one single-threaded worker per core (`STORYDIFF_DASK_ADDRESS=tcp://...`, workers
warm after the first call); and with `local`, which starts a cluster, and loads the models,
for every call. Writes bench/dask_embed.json.

    .venv/bin/python bench/dask_embed.py [SENTENCES]     # needs pip install 'storydiff[dask]'
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "bench"), str(REPO / "src"), str(REPO)]

from corpus import make_story  # noqa: E402
from storydiff.settings import DaskSettings, Settings  # noqa: E402

SETTINGS = Settings()


def texts_of_story(sentences: int) -> list[str]:
    articles = make_story(outlets=max(2, sentences // 100), sentences=100)
    return [s for article in articles for s in article.sentences][:sentences]


def timed(function, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    from dask.distributed import LocalCluster
    from prefect.testing.utilities import prefect_test_harness

    from flows.dask_embed import DaskEmbedder
    from storydiff.embed import load_embedder

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    texts = texts_of_story(count)
    cores = os.cpu_count() or 1

    def load_here():
        return load_embedder(SETTINGS.model, SETTINGS.embed_batch_size, SETTINGS.embed_backend, SETTINGS.model_cache,
                             threads=0)

    load_here().encode(texts[:64])
    reference = load_here().encode(texts)
    single = timed(lambda: load_here().encode(texts))
    figures = {"sentences": len(texts), "cores": cores, "single_process_s": round(single, 2)}
    with prefect_test_harness(server_startup_timeout=120), \
            LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        for name, address in (("running_cluster", cluster.scheduler_address), ("local", "local")):
            settings = replace(SETTINGS, dask=DaskSettings(address=address, min_texts=1))
            embedder = DaskEmbedder(settings, load_here)
            started = time.perf_counter()
            vectors = embedder.encode(texts)
            figures[f"{name}_first_call_s"] = round(time.perf_counter() - started, 2)
            figures[f"{name}_s"] = round(timed(lambda: embedder.encode(texts)), 2)
            figures[f"{name}_ratio"] = round(figures[f"{name}_s"] / single, 2)
            figures[f"{name}_min_cosine_to_single"] = round(float(np.min(np.sum(vectors * reference, axis=1))), 6)
    print(json.dumps(figures, indent=2))
    (REPO / "bench" / "dask_embed.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
