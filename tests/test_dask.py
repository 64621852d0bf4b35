"""Optional Dask embedding (flows/dask_embed.py): a real LocalCluster of worker processes through
prefect-dask's DaskTaskRunner, inside a real compare-story flow run. The story's results must
be the ones the same story gives in one process, and the chunks must have run as Prefect tasks."""

from __future__ import annotations

from dataclasses import replace

import duckdb
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterId

from conftest import SAMPLE_STORY
from flows.compare import compare_story
from flows.dask_embed import DaskEmbedder
from storydiff.embed import load_embedder
from storydiff.settings import DaskSettings, Settings

VIEWS = ("SELECT * FROM sentence_matches ORDER BY ALL",
         "SELECT * FROM story_claims ORDER BY ALL",
         "SELECT sentence_a, sentence_b, kind, explanation FROM contradictions ORDER BY ALL")


def _rows(db) -> list:
    with duckdb.connect(str(db), read_only=True) as con:
        return [con.sql(query).fetchall() for query in VIEWS]


def test_a_big_story_embedded_on_a_local_dask_cluster_gives_the_same_results(settings, tmp_path):
    here = replace(settings, db_path=tmp_path / "here.duckdb", report_dir=tmp_path / "here")
    compare_story(str(SAMPLE_STORY), here)
    # every batch counts as big here, in chunks of 40 sentences
    on_dask = replace(settings, db_path=tmp_path / "dask.duckdb", report_dir=tmp_path / "dask",
                      dask=DaskSettings(address="local", min_texts=1, chunk_texts=40))
    compare_story(str(SAMPLE_STORY), on_dask)

    assert _rows(on_dask.db_path) == _rows(here.db_path)
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["embed-on-dask"])))
        assert runs and all(run.state.is_completed() for run in runs)
        chunks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[r.id for r in runs])))
    assert len(chunks) >= 2 and all(t.state.is_completed() for t in chunks)


def test_dask_is_off_unless_set_and_small_batches_never_leave_the_process(settings):
    assert Settings.from_env({}).dask.address is None
    assert Settings.from_env({"STORYDIFF_DASK_ADDRESS": "tcp://10.0.0.5:8786"}).dask.address == "tcp://10.0.0.5:8786"
    nowhere = replace(settings, dask=DaskSettings(address="tcp://127.0.0.1:9", min_texts=10))  # nothing listens
    here = load_embedder(settings.model, settings.embed_batch_size, settings.embed_backend, settings.model_cache)
    vectors = DaskEmbedder(nowhere, lambda: here).encode(["Two thieves escaped.", "Four men were involved."])
    assert vectors.shape == (2, here.dimension)
