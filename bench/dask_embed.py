"""Would Dask help one big story? Embedding a story's sentences in this process (onnxruntime,
every core) against a Dask LocalCluster of one single-threaded worker process per core, each
with the model loaded once (what a prefect-dask DaskTaskRunner would run, without Prefect's own
overhead: an upper bound of its gain). Medians of three, side by side; writes bench/dask_embed.json.

    pip install dask distributed        # not a storydiff dependency
    .venv/bin/python bench/dask_embed.py [SENTENCES]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "bench"), str(REPO / "src")]

from corpus import make_story  # noqa: E402
from storydiff.settings import Settings  # noqa: E402

SETTINGS = Settings()


def texts_of_story(sentences: int) -> list[str]:
    articles = make_story(outlets=max(2, sentences // 100), sentences=100)
    return [s for article in articles for s in article.sentences][:sentences]


def embed_on_worker(texts: list[str]) -> np.ndarray:
    """Runs in a Dask worker process: the model is loaded once per process (load_embedder caches)."""
    from storydiff.embed import load_embedder

    return load_embedder(SETTINGS.model, SETTINGS.embed_batch_size, SETTINGS.embed_backend, SETTINGS.model_cache,
                         threads=1).encode(texts)


def timed(function, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    from dask.distributed import Client, LocalCluster

    from storydiff.embed import load_embedder

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    texts = texts_of_story(count)
    cores = os.cpu_count() or 1
    embedder = load_embedder(SETTINGS.model, SETTINGS.embed_batch_size, SETTINGS.embed_backend, SETTINGS.model_cache,
                             threads=0)
    embedder.encode(texts[:64])
    single = timed(lambda: embedder.encode(texts))

    started = time.perf_counter()
    with LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.gather(client.map(embed_on_worker, [texts[:8]] * cores, pure=False))  # every worker loads the model
        cold = time.perf_counter() - started
        chunks = [texts[i::cores * 4] for i in range(cores * 4)]
        vectors = []

        def on_dask():
            vectors[:] = client.gather(client.map(embed_on_worker, chunks, pure=False))

        dask = timed(on_dask)
    assert sum(len(v) for v in vectors) == len(texts)
    figures = {"sentences": len(texts), "cores": cores, "single_process_s": round(single, 2),
               "dask_s": round(dask, 2), "ratio": round(dask / single, 2),
               "dask_cluster_start_and_model_loads_s": round(cold, 2)}
    print(json.dumps(figures, indent=2))
    (REPO / "bench" / "dask_embed.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
