"""One big story's sentences embedded on a Dask cluster, through prefect-dask's DaskTaskRunner.

Optional (`pip install 'storydiff[dask]'`), and off unless `DaskSettings.address` is set
(STORYDIFF_DASK_ADDRESS): the address of a running scheduler (`tcp://host:8786`, whose workers
may be on other machines, each with this checkout installed and the model in its cache), or
`local` for a LocalCluster of one single-threaded worker process per core, started for the run.
Only a batch of at least `min_texts` new sentences goes out; smaller ones stay in this process,
where the model is already loaded. Each chunk is a task whose worker loads the model once per
process and returns the chunk's vectors (a few hundred kB): nothing else crosses the boundary.
On one machine this gains nothing, since onnxruntime already uses every core (bench/dask_embed.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from prefect import flow, task, unmapped
from prefect.cache_policies import NO_CACHE

from storydiff.embed import load_embedder
from storydiff.errors import StorydiffError
from storydiff.onnx_export import usable_cores
from storydiff.settings import DaskSettings, Settings


@task(name="embed-chunk", cache_policy=NO_CACHE, retries=1)
def embed_chunk(texts: list[str], model: str, batch_size: int, backend: str, cache_dir: str) -> np.ndarray:
    # one thread: the cluster runs one single-threaded worker per core
    return load_embedder(model, batch_size, backend, Path(cache_dir), threads=1).encode(texts)


@flow(name="embed-on-dask", validate_parameters=False)
def embed_on_dask(texts: list[str], settings: Settings) -> np.ndarray:
    size = settings.dask.chunk_texts
    chunks = [texts[start:start + size] for start in range(0, len(texts), size)]
    futures = embed_chunk.map(chunks, unmapped(settings.model), unmapped(settings.embed_batch_size),
                              unmapped(settings.embed_backend), unmapped(str(settings.model_cache)))
    return np.vstack([future.result() for future in futures]).astype(np.float32)


def dask_task_runner(dask: DaskSettings):
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise StorydiffError("STORYDIFF_DASK_ADDRESS is set but prefect-dask is not installed "
                             "(pip install 'storydiff[dask]')") from None
    if dask.address == "local":
        return DaskTaskRunner(cluster_kwargs={"n_workers": usable_cores(), "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": ":0"})
    return DaskTaskRunner(address=dask.address)


class DaskEmbedder:
    """What `embed_texts` calls `encode` on when Dask is set: big batches go to the cluster."""

    def __init__(self, settings: Settings, load_here: Callable[[], object]):
        self.settings = settings
        self.load_here = load_here

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) < self.settings.dask.min_texts:
            return self.load_here().encode(texts)
        runner = dask_task_runner(self.settings.dask)
        return embed_on_dask.with_options(task_runner=runner)(list(texts), self.settings)
