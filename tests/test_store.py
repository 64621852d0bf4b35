from datetime import datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import pytest

from storydiff.align import Alignment, Match
from storydiff.classify import Conflict
from storydiff.errors import StoreError
from storydiff.fetch import Page
from storydiff.results import ArticleOutcome, StoryResult
from storydiff.segment import Sentence
from storydiff.store import Store, parse_named_queries
from storydiff.story import ArticleRef, Story


def small_result(story_id: str, texts_a: list[str], texts_b: list[str], outlet_b: str | None = "Outlet 1") -> StoryResult:
    story = Story(story_id, "Small", (), Path("small.toml"))
    outcomes = []
    for number, texts in enumerate((texts_a, texts_b)):
        outlet = "Outlet 0" if number == 0 else outlet_b
        ref = ArticleRef(outlet, f"https://example.org/{number}", f"https://example.org/{number}")
        sentences = [Sentence(i, 0, len(t), t) for i, t in enumerate(texts)]
        outcomes.append(ArticleOutcome(number, ref, sentences=sentences))
    n_a = len(texts_a)
    alignment = Alignment(
        matches=[Match(0, n_a, 0.9)],
        conflicts=[(Match(0, n_a, 0.9), Conflict("number", 0.5, (0, 4), (0, 3)))],
        claim_of=[0] + list(range(1, n_a)) + [0] + list(range(n_a, n_a + len(texts_b) - 1)),
        source_of=[0, 1],
    )
    return StoryResult(story, outcomes, alignment)


def test_replace_is_atomic_and_has_no_duplicates(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        store.replace_story(small_result("s", ["Four men came.", "It rained."], ["Two men came."]))
        store.replace_story(small_result("s", ["Four men came.", "It rained."], ["Two men came."]))
        assert store.con.sql("SELECT count(*) FROM sentences").fetchall()[0][0] == 3
        statuses = dict(store.con.sql("SELECT text, status FROM story_claims").fetchall())
        assert statuses == {"Four men came.": "contradicted", "It rained.": "unique"}
        # NOT NULL fails after the deletes ran: the transaction must put the old rows back
        with pytest.raises(duckdb.Error):
            store.replace_story(small_result("s", ["Four men came.", "It rained."], ["Two men came."], outlet_b=None))
        assert store.con.sql("SELECT count(*) FROM sentences").fetchall()[0][0] == 3
        assert store.con.sql("SELECT count(*) FROM conflicts").fetchall()[0][0] == 1


def test_a_merged_story_leaves_its_results_and_a_record(tmp_path):
    when = datetime(2026, 11, 26, tzinfo=timezone.utc)
    with Store.open(tmp_path / "s.duckdb") as store:
        store.replace_story(small_result("quake-a", ["Four men came.", "It rained."], ["Two men came."]))
        store.replace_story(small_result("quake-b", ["Six houses fell."], ["Six houses fell down."]))
        assert not store.story_has_items("quake-a")  # no feed item names it
        store.merge_story("quake-a", "quake-b", when)
        assert [s for (s,) in store.con.sql("SELECT story_id FROM compared_stories").fetchall()] == ["quake-b"]
        for table in ("sentences", "conflicts", "story_articles"):
            assert store.con.execute(f"SELECT count(*) FROM {table} WHERE story_id = 'quake-a'").fetchall() == [(0,)]
        assert store.con.sql("SELECT story_id, merged_into FROM story_merges").fetchall() == [("quake-a", "quake-b")]
        store.merge_story("quake-a", "quake-c", when)  # merged again later: the latest wins
        assert store.con.sql("SELECT merged_into FROM story_merges").fetchall() == [("quake-c",)]


def test_pages_and_embeddings_are_cached(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        page = Page("u", "u", "text/html", "<html>x</html>", "abc", datetime(2025, 10, 19, tzinfo=timezone.utc))
        store.save_page(page)
        store.save_page(page)
        assert store.latest_page("u").html == "<html>x</html>"
        assert store.latest_page("other") is None
        store.save_embeddings("m", {"h1": np.ones(3, dtype=np.float32)})
        store.save_embeddings("m", {"h1": np.zeros(3, dtype=np.float32)})
        cached = store.cached_embeddings("m", ["h1", "h2"])
        assert list(cached) == ["h1"] and cached["h1"].tolist() == [1, 1, 1]
        assert store.cached_embeddings("other-model", ["h1"]) == {}


def test_user_sql_binds_nothing_and_fails_in_one_line(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        assert store.sql("SELECT 42 AS answer")["answer"].to_list() == [42]
        with pytest.raises(StoreError, match="query failed"):
            store.sql("SELECT * FROM no_such_table")


def test_read_only_open_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no database here yet"):
        Store.open(tmp_path / "absent.duckdb", read_only=True)


def test_named_query_parser():
    queries = parse_named_queries("-- name: one\nSELECT 1;\n\n-- name: two\nSELECT 2;\n")
    assert queries == {"one": "SELECT 1;", "two": "SELECT 2;"}
    with pytest.raises(ValueError, match="defined twice"):
        parse_named_queries("-- name: x\nSELECT 1;\n-- name: x\nSELECT 2;\n")
