"""Parquet results (STORYDIFF_PARQUET_DIR): the same views as one DuckDB file, many writers at once,
and a writer killed before its commit leaves the previous results."""

import multiprocessing
import os
import signal
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest

from flows.compare import compare_story
from storydiff import parquet_store
from storydiff.cli import main
from storydiff.errors import StoreError
from storydiff.parquet_store import ParquetStore, parquet_queries
from storydiff.store import PUBLIC_VIEWS, Store

from conftest import SAMPLE_STORY
from test_store import small_result

WRITERS = 4
ROUNDS = 6
MOMENT_COLUMNS = ("compared_at", "fetched_at", "last_compared")


def _rows(store: Store, view: str) -> pl.DataFrame:
    frame = store.view(view).pl()
    frame = frame.drop([c for c in frame.columns if c in MOMENT_COLUMNS])
    return frame.sort(frame.columns) if frame.height else frame


def test_parquet_results_are_the_single_file_results(settings, tmp_path):
    single = compare_story(str(SAMPLE_STORY), settings)
    parquet = replace(settings, db_path=tmp_path / "views.duckdb", parquet_dir=tmp_path / "parquet")
    summary = compare_story(str(SAMPLE_STORY), parquet)
    assert summary.claims == single.claims and summary.work["sentences_embedded"] > 0
    with Store.open(settings.db_path, read_only=True) as one, Store.open(parquet.db_path, read_only=True) as many:
        for view in PUBLIC_VIEWS:
            expected, found = _rows(one, view), _rows(many, view)
            assert found.equals(expected), view
        first_run = many.con.sql("SELECT compared_at FROM compared_stories").fetchall()
        for store in (one, many):  # the report's own query of one story's coverage is the view's
            assert store.frame("coverage_of_story", ["louvre-heist"]).equals(
                store.view("outlet_coverage", ["louvre-heist"]).pl().drop("story_id").sort("outlet"))
    results = sorted(p.name for p in (tmp_path / "parquet" / "sentences" / "story_id=louvre-heist").iterdir())
    # unchanged: nothing recomputed, nothing rewritten but the record of the run
    again = compare_story(str(SAMPLE_STORY), parquet)
    assert again.work == {"pages_extracted": 0, "sentences_embedded": 0, "nli_pairs": 0}
    assert sorted(p.name for p in (tmp_path / "parquet" / "sentences" / "story_id=louvre-heist").iterdir()) == results
    # any DuckDB client reads the views file; a page's HTML is stored once however often it is fetched
    with duckdb.connect(str(parquet.db_path), read_only=True) as client:
        assert client.sql("SELECT compared_at FROM compared_stories").fetchall() > first_run
        assert client.sql("SELECT count(*), count(DISTINCT sha256) FROM pages").fetchall()[0] == (6, 6)
        assert client.sql("SELECT count(*) FROM fetches").fetchall()[0][0] == 12


def _write_rounds(root: str, db: str, writer: int) -> None:
    """One worker: its own story and a story every worker writes, and cache rows, round after round."""
    rng = np.random.default_rng(writer)
    for number in range(ROUNDS):
        with ParquetStore.open_folder(root, db, lock_timeout_s=60) as store:
            own = [f"Writer {writer} says {number}.", "It rained."]
            store.replace_story(small_result(f"w{writer}", own, [f"Writer {writer} said {number + 1}."]))
            store.replace_story(small_result("contested", [f"Writer {writer} was first.", "Round " * (writer + 1)],
                                             [f"Writer {writer} was second."], outlet_b=f"Writer {writer}"))
            store.save_embeddings("model", {f"w{writer}r{number}": rng.random(4, dtype=np.float32),
                                            "same-text": np.ones(4, dtype=np.float32)})


def test_four_writers_at_once_lose_and_duplicate_nothing(tmp_path):
    root, db = tmp_path / "parquet", tmp_path / "views.duckdb"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_rounds, args=(str(root), str(db), w)) for w in range(WRITERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * WRITERS  # no lock errors, no other errors
    with Store.open(db, read_only=True) as store:
        for writer in range(WRITERS):
            texts = sorted(r[0] for r in store.con.sql(
                "SELECT text FROM sentences WHERE story_id = ?", params=[f"w{writer}"]).fetchall())
            assert texts == sorted([f"Writer {writer} says {ROUNDS - 1}.", "It rained.",
                                    f"Writer {writer} said {ROUNDS}."])
            assert store.con.sql("SELECT count(*) FROM story_articles WHERE story_id = ?",
                                 params=[f"w{writer}"]).fetchall()[0][0] == 2
        # one run's rows, whole: the story every worker wrote is one worker's last version
        (winner,) = store.con.sql(
            "SELECT DISTINCT outlet FROM story_articles WHERE story_id = 'contested' AND outlet <> 'Outlet 0'"
        ).fetchall()[0]
        writer = int(winner.split()[-1])
        assert sorted(r[0] for r in store.con.sql(
            "SELECT text FROM sentences WHERE story_id = 'contested'").fetchall()) == sorted(
            [f"Writer {writer} was first.", "Round " * (writer + 1), f"Writer {writer} was second."])
        assert store.con.sql("SELECT count(*) FROM stories").fetchall()[0][0] == WRITERS + 1
        assert store.con.sql("SELECT count(*) FROM conflicts").fetchall()[0][0] == WRITERS + 1
        cached = store.cached_embeddings("model", [f"w{w}r{n}" for w in range(WRITERS) for n in range(ROUNDS)])
        assert len(cached) == WRITERS * ROUNDS
        assert len(store.cached_embeddings("model", ["same-text"])) == 1


def _killed_before_commit(root: str, db: str) -> None:
    """Writes every table's rows of a new run, then dies where its `stories` row would be written."""
    write = ParquetStore._write

    def die_at_commit(self, query, params, table, partition, name):
        if table == "stories":
            os.kill(os.getpid(), signal.SIGKILL)
        write(self, query, params, table, partition, name)

    ParquetStore._write = die_at_commit
    with ParquetStore.open_folder(root, db) as store:
        store.replace_story(small_result("s", ["Nine men came.", "It snowed."], ["Eight men came."]))


def test_a_writer_killed_before_its_commit_leaves_the_previous_results(tmp_path):
    root, db = tmp_path / "parquet", tmp_path / "views.duckdb"
    with ParquetStore.open_folder(root, db) as store:
        store.replace_story(small_result("s", ["Four men came.", "It rained."], ["Two men came."]))
    worker = multiprocessing.get_context("spawn").Process(target=_killed_before_commit, args=(str(root), str(db)))
    worker.start()
    worker.join(timeout=60)
    assert worker.exitcode == -signal.SIGKILL
    assert len(list((root / "sentences" / "story_id=s").glob("*.parquet"))) == 2  # its files are there, unread
    with Store.open(db, read_only=True) as store:
        assert sorted(r[0] for r in store.con.sql("SELECT text FROM sentences").fetchall()) == [
            "Four men came.", "It rained.", "Two men came."]
        assert dict(store.con.sql("SELECT text, status FROM story_claims").fetchall())["Four men came."] == "contradicted"
    with ParquetStore.open_folder(root, db) as store:  # the next run completes
        store.replace_story(small_result("s", ["Six men came."], ["Six men came, police said."]))
        assert sorted(r[0] for r in store.con.sql("SELECT text FROM sentences").fetchall()) == [
            "Six men came, police said.", "Six men came."]
    assert len(list((root / "sentences" / "story_id=s").glob("*.parquet"))) == 3
    assert parquet_store.compact(root)["sentences"] == (3, 3)  # too young to be surely dead
    assert parquet_store.compact(root, kept_s=0.0)["sentences"] == (3, 1)  # the dead run and the old one
    assert len(list((root / "stories" / "story_id=s").glob("*.parquet"))) == 1
    with Store.open(db, read_only=True) as store:
        assert store.con.sql("SELECT count(*) FROM sentences").fetchall()[0][0] == 2


def test_touch_and_versions_and_every_parquet_query(tmp_path):
    root, db = tmp_path / "parquet", tmp_path / "views.duckdb"
    when = datetime(2030, 1, 1, tzinfo=timezone.utc)
    with ParquetStore.open_folder(root, db) as store:
        store.replace_story(small_result("s", ["Four men came."], ["Two men came."]))
        store.touch_story("s", when)
        store.touch_story("no-such-story", when)  # nothing to touch: no row appears
        assert store.con.sql("SELECT story_id, compared_at FROM stories").fetchall() == [("s", when)]
        assert store.con.sql("SELECT count(*) FROM sentences").fetchall()[0][0] == 2  # same run's rows
        assert store.con.sql("SELECT count(*) FROM article_text_versions").fetchall()[0][0] == 0  # no pages
        assert store.con.execute(parquet_queries()["page_stored"], ["no-such-page"]).fetchall() == []
        with pytest.raises(StoreError, match="STORYDIFF_PARQUET_DIR"):
            store.merge_story("s", "t", when)
    # every query of sql/parquet.sql is run by the store in these tests (versions: the first one)
    used = {"story_generations", "stories_over_parquet", "story_table_over_parquet", "appended_table_over_parquet",
            "copy_rows", "copy_story_rows", "copy_schema", "copy_story_schema", "current_story_row",
            "stage_story_row", "clear_staged", "table_columns", "table_names", "empty_table", "any_staged",
            "stories_with_staged_versions", "copy_versions_of_story", "page_stored", "current_generations",
            "shared_robots_answer", "write_robots_answer"} | {  # the last two: test_robots_answers_shared_at_once...
            f"compact_{table}" for table in parquet_store.APPENDED_TABLES}
    assert used == set(parquet_queries())


def test_compact_merges_cache_files_and_keeps_each_row_once(tmp_path, capsys):
    root, db = tmp_path / "parquet", tmp_path / "views.duckdb"
    for number in range(3):
        with ParquetStore.open_folder(root, db) as store:
            store.save_embeddings("model", {"same": np.ones(4, dtype=np.float32),
                                            f"own-{number}": np.zeros(4, dtype=np.float32)})
            store.save_robots({"https://a.example": (200 + number, "")}, datetime(2030, 1, 1 + number, tzinfo=timezone.utc))
    assert main(["compact", "--parquet-dir", str(root), "--db", str(db)]) == 0
    assert sorted(capsys.readouterr().out.splitlines()) == ["embeddings: 3 files -> 1", "robots: 3 files -> 1"]
    with Store.open(db, read_only=True) as store:
        assert store.con.sql("SELECT count(*), count(DISTINCT text_hash) FROM embeddings").fetchall() == [(4, 4)]
        assert store.con.sql("SELECT status FROM robots").fetchall() == [(202,)]  # the latest answer
    assert main(["compact", "--db", str(db)]) == 1
    assert "give --parquet-dir" in capsys.readouterr().err


def test_one_file_cannot_serve_both_modes(tmp_path):
    with Store.open(tmp_path / "tables.duckdb") as store:
        store.replace_story(small_result("s", ["Four men came."], ["Two men came."]))
    with pytest.raises(StoreError, match="tables.duckdb: holds a single-file database's tables"):
        ParquetStore.open_folder(tmp_path / "parquet", tmp_path / "tables.duckdb")
    ParquetStore.open_folder(tmp_path / "parquet", tmp_path / "views.duckdb").close()
    with pytest.raises(StoreError, match="views.duckdb: holds views over Parquet results"):
        Store.open(tmp_path / "views.duckdb")


def test_watch_says_it_needs_the_single_file(tmp_path, capsys):
    outlets = Path(__file__).resolve().parents[1] / "data" / "outlets.example.toml"
    assert main(["watch", str(outlets), "--parquet-dir", str(tmp_path / "parquet"),
                 "--db", str(tmp_path / "views.duckdb")]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "storydiff: error: storydiff watch keeps its state in one DuckDB file: run it without STORYDIFF_PARQUET_DIR")


def test_robots_answers_shared_at_once_are_read_back_by_origin_and_age(tmp_path):
    from datetime import timedelta

    from storydiff.settings import FetchSettings, Settings

    settings = Settings(parquet_dir=tmp_path, fetch=FetchSettings(shared_host_limits=True))
    assert parquet_store.shared_robots(replace(settings, fetch=FetchSettings()), datetime.now(timezone.utc)) is None
    day_ago = datetime.now(timezone.utc) - timedelta(days=1)
    shared = parquet_store.shared_robots(settings, day_ago)
    assert shared.get("https://example.org") is None  # nothing kept yet: the schema file alone
    shared.put("https://example.org", (200, "User-agent: *\nDisallow: /private/\n"))
    shared.put("https://example.org", (404, ""))
    assert shared.get("https://example.org") == (404, "")  # the latest
    assert shared.get("https://example.com") is None
    assert parquet_store.SharedRobots(tmp_path, datetime.now(timezone.utc) + timedelta(minutes=1)).get(
        "https://example.org") is None  # older than the cut-off
    with ParquetStore.open_folder(tmp_path, tmp_path / "views.duckdb") as store:  # the robots view reads them too
        assert store.cached_robots(day_ago)["https://example.org"] in ((200, "User-agent: *\nDisallow: /private/\n"),
                                                                       (404, ""))
