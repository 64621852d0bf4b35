"""Store: the DuckDB file. All SQL comes from sql/*.sql, loaded by name; values are bound."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from .discover.poll import FeedState
from .embed import text_hash
from .errors import DatabaseBusyError, StoreError
from .extract import ExtractedArticle
from .fetch import Page
from .results import StoryResult, to_frames
from .segment import Sentence
from .versions import counts, diff_sentences

LOCK_HOLDER = re.compile(r"PID (\d+)")
LOCK_POLL_S = 0.2
NAME_HEADER = re.compile(r"^--\s*name:\s*(\S+)\s*$", re.MULTILINE)
# What users query (README "The database"): `storydiff export` writes each, the API reads each.
PUBLIC_VIEWS = ("compared_stories", "story_claims", "claim_sentences", "contradictions", "updates", "figures", "richer_sentences",
                "outlet_coverage", "articles", "article_versions", "discovered_stories")
STORY_TABLE_DELETES = (
    "delete_claim_members", "delete_facts", "delete_conflicts", "delete_sentence_matches", "delete_sentences",
    "delete_story_articles", "delete_story",
)


def sql_dir() -> Path:
    """sql/ ships inside the wheel as storydiff/sql; in a source checkout it sits at the top."""
    packaged = Path(__file__).with_name("sql")
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "sql"


def parse_named_queries(text: str) -> dict[str, str]:
    parts = NAME_HEADER.split(text)
    queries = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        if name in queries:
            raise ValueError(f"query {name!r} is defined twice")
        queries[name] = body.strip()
    return queries


def schema_sql() -> str:
    return (sql_dir() / "schema.sql").read_text(encoding="utf-8")


def views_sql() -> str:
    return (sql_dir() / "views.sql").read_text(encoding="utf-8")


@cache
def load_queries(path: Path | None = None) -> dict[str, str]:
    return parse_named_queries((path or sql_dir() / "queries.sql").read_text(encoding="utf-8"))


class Store:
    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path):
        self.con = connection
        # where rows are written: the same connection here; a staging one for Parquet (parquet_store.py)
        self.writes = connection
        self.path = path
        self.q = load_queries()

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False, lock_timeout_s: float = 0.0) -> "Store":
        """Open the file; while another process holds its write lock, wait up to lock_timeout_s.

        DuckDB lets one process write, or several read, at a time: hold a Store briefly."""
        path = Path(path)
        connection = connect(path, read_only, lock_timeout_s)
        store = cls(connection, path)
        if read_only:
            store.pin_story_generations()
        else:
            try:
                connection.execute(schema_sql())
            except duckdb.CatalogException:
                connection.close()
                raise StoreError(f"{path}: holds views over Parquet results, not tables: write to it with "
                                 "STORYDIFF_PARQUET_DIR set") from None
            connection.execute(views_sql())
        return store

    def pin_story_generations(self) -> None:
        """Over Parquet results: the runs that are the stories' results, fixed for this connection."""
        if self.con.execute(self.q["has_story_generations"]).fetchall():
            self.con.execute(self.q["pin_story_generations"])

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- pages ---------------------------------------------------------------------------
    def save_page(self, page: Page) -> None:
        self.writes.execute(self.q["save_page"], [page.sha256, page.html, page.content_type])
        self.writes.execute(self.q["record_fetch"], [page.url, page.final_url, page.sha256, page.fetched_at, page.etag,
                                                  page.last_modified])

    def latest_page(self, url: str) -> Page | None:
        rows = self.con.execute(self.q["latest_page"], [url]).fetchall()
        if not rows:
            return None
        row = rows[0]
        return Page(url=row[0], final_url=row[1], content_type=row[2], html=row[3], sha256=row[4],
                    fetched_at=row[5], etag=row[6], last_modified=row[7])

    # -- robots.txt ----------------------------------------------------------------------
    def cached_robots(self, since: datetime) -> dict[str, tuple[int, str]]:
        return {origin: (status, body) for origin, status, body in self.con.execute(self.q["cached_robots"], [since]).fetchall()}

    def save_robots(self, answers: Mapping[str, tuple[int, str]], when: datetime) -> None:
        for origin, (status, body) in answers.items():
            self.writes.execute(self.q["save_robots"], [origin, status, body, when])

    # -- embeddings ----------------------------------------------------------------------
    def cached_embeddings(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        rows = self.con.execute(self.q["cached_embeddings"], [model, sorted(set(hashes))]).fetchall()
        return {digest: np.asarray(vector, dtype=np.float32) for digest, vector in rows}

    def save_embeddings(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        if not vectors:
            return
        incoming_embeddings = pl.DataFrame(
            {"text_hash": list(vectors), "vector": [v.astype(np.float32).tolist() for v in vectors.values()]},
            schema={"text_hash": pl.String, "vector": pl.List(pl.Float32)},
        )
        self.writes.register("incoming_embeddings", incoming_embeddings)
        try:
            self.writes.execute(self.q["save_embeddings"], [model])
        finally:
            self.writes.unregister("incoming_embeddings")

    # -- NLI scores ----------------------------------------------------------------------
    def cached_nli_scores(self, model: str, hashes: Iterable[str]) -> dict[tuple[str, str], np.ndarray]:
        wanted = sorted(set(hashes))
        rows = self.con.execute(self.q["cached_nli_scores"], [model, wanted, wanted]).fetchall()
        return {(a, b): np.asarray(p, dtype=np.float32) for a, b, p in rows}

    def save_nli_scores(self, model: str, scores: Mapping[tuple[str, str], np.ndarray]) -> None:
        if not scores:
            return
        incoming = pl.DataFrame(
            {"premise_hash": [a for a, _ in scores], "hypothesis_hash": [b for _, b in scores],
             "probabilities": [p.astype(np.float32).tolist() for p in scores.values()]},
            schema={"premise_hash": pl.String, "hypothesis_hash": pl.String, "probabilities": pl.List(pl.Float32)},
        )
        self.writes.register("incoming_nli_scores", incoming)
        try:
            self.writes.execute(self.q["save_nli_scores"], [model])
        finally:
            self.writes.unregister("incoming_nli_scores")

    # -- extractions ---------------------------------------------------------------------
    def cached_extractions(self, extractor: str, page_hashes: Iterable[str]) -> dict[str, tuple[ExtractedArticle, list[Sentence]]]:
        """Extracted article and its sentences by page hash."""
        rows = self.con.execute(self.q["cached_extractions"], [extractor, sorted(set(page_hashes))]).fetchall()
        return {row[0]: (ExtractedArticle(*row[1:8]),
                         [Sentence(i, s["start"], s["end"], s["text"]) for i, s in enumerate(row[8])])
                for row in rows}

    def save_extractions(self, extractor: str, extracted: Mapping[str, tuple[ExtractedArticle, list[Sentence]]]) -> None:
        for page_hash, (a, sentences) in extracted.items():
            self.writes.execute(self.q["save_extraction"], [
                page_hash, extractor, a.text, a.title, a.author, a.published, a.site_name, a.truncated, a.language,
                [{"start": s.start, "end": s.end, "text": s.text} for s in sentences]])

    # -- story results -------------------------------------------------------------------
    def replace_story(self, result: StoryResult) -> None:
        """Swap in a story's results in one transaction; on any error the old ones stay."""
        frames = to_frames(result)
        story = result.story
        self.writes.begin()
        try:
            for name in STORY_TABLE_DELETES:
                self.writes.execute(self.q[name], [story.id])
            self.writes.execute(self.q["insert_story"],
                             [story.id, story.title, str(story.path), datetime.now(timezone.utc), result.fingerprint,
                              result.alignment.sentence_pairs, result.alignment.unjudged_pairs])
            self._record_versions(result)
            for table, frame in frames.items():
                self.writes.register(f"incoming_{table}", frame)
                try:
                    if frame.height:
                        self.writes.execute(self.q[f"insert_{_insert_target(table)}"])
                finally:
                    self.writes.unregister(f"incoming_{table}")
            self.writes.commit()
        except BaseException:
            self.writes.rollback()
            raise

    def _record_versions(self, result: StoryResult) -> None:
        """A new version for each article whose extracted text differs from its last one."""
        for article in result.articles:
            if not article.usable or article.extracted is None:
                continue
            digest = text_hash(article.extracted.text)
            last = self.con.execute(self.q["latest_text_version"], [result.story.id, article.ref.url]).fetchall()
            if last and last[0][1] == digest:
                continue
            version, previous = (last[0][0], list(last[0][2])) if last else (0, [])
            sentences = [s.text for s in article.sentences]
            changes = diff_sentences(previous, sentences)
            n = counts(changes)
            self.writes.execute(self.q["insert_text_version"], [
                result.story.id, article.ref.url, article.ref.outlet, version + 1,
                article.page.fetched_at if article.page else None, digest, sentences,
                n["added"], n["removed"], n["edited"],
                [{"kind": c.kind, "before": c.before, "after": c.after} for c in changes],
            ])

    def stored_fingerprint(self, story_id: str) -> str | None:
        rows = self.con.execute(self.q["stored_fingerprint"], [story_id]).fetchall()
        return rows[0][0] if rows else None

    def story_has_items(self, story_id: str) -> bool:
        return bool(self.con.execute(self.q["story_has_items"], [story_id]).fetchall())

    def merge_story(self, story_id: str, merged_into: str, when: datetime) -> None:
        """A discovered story turned out to be part of another: its comparison is removed (the
        other's will cover its articles) and the merge recorded, in one transaction."""
        self.con.begin()
        try:
            for name in STORY_TABLE_DELETES:
                self.con.execute(self.q[name], [story_id])
            self.con.execute(self.q["insert_story_merge"], [story_id, merged_into, when])
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise

    def touch_story(self, story_id: str, when: datetime) -> None:
        self.con.execute(self.q["touch_story"], [when, story_id])

    # -- watched feeds -------------------------------------------------------------------
    def feed_states(self) -> list[FeedState]:
        return [FeedState(*row) for row in self.con.execute(self.q["feed_states"]).fetchall()]

    def add_feeds(self, feeds: Iterable[tuple[str, str]]) -> None:
        """(url, outlet) pairs; a feed already known keeps its state."""
        for url, outlet in feeds:
            self.con.execute(self.q["add_feed"], [url, outlet])

    def save_feed_state(self, state: FeedState, previous_url: str | None = None) -> None:
        if previous_url:  # moved for good (301/308): polled under its new URL from now on
            self.con.execute(self.q["delete_feed"], [previous_url])
        self.con.execute(self.q["save_feed_state"], [
            state.url, state.outlet, state.etag, state.last_modified, state.body_hash, state.status, state.failures,
            state.disabled, state.next_poll_at, state.last_polled_at])

    def insert_feed_items(self, rows: list[dict]) -> list[str]:
        """Rows of feed_items; returns the URLs of those not seen before."""
        if not rows:
            return []
        incoming = pl.DataFrame(rows, schema={
            "url": pl.String, "outlet": pl.String, "feed_url": pl.String, "guid": pl.String, "content_hash": pl.String,
            "title": pl.String, "summary": pl.String, "published": pl.Datetime("us", "UTC"),
            "first_seen": pl.Datetime("us", "UTC")})
        self.con.register("incoming_feed_items", incoming)
        try:
            return [url for (url,) in self.con.execute(self.q["insert_feed_items"]).fetchall()]
        finally:
            self.con.unregister("incoming_feed_items")

    def recent_feed_items(self, since: datetime) -> pl.DataFrame:
        return self.frame("recent_feed_items", [since])

    def set_item_texts(self, texts: Mapping[str, tuple[str | None, str]]) -> None:
        """url -> (extracted text or None, 'ok' or why the page could not be read)."""
        for url, (text, status) in texts.items():
            self.con.execute(self.q["set_item_text"], [text, status, url])

    def assign_stories(self, assignments: Mapping[str, str]) -> None:
        for url, story_id in assignments.items():
            self.con.execute(self.q["assign_story"], [story_id, url])

    # -- reading -------------------------------------------------------------------------
    def frame(self, name: str, params: list | None = None) -> pl.DataFrame:
        return self.con.sql(self.q[name], params=params or []).pl()

    def story_urls(self) -> dict[str, frozenset[str]]:
        return {story_id: frozenset(urls) for story_id, urls in self.con.execute(self.q["story_urls"]).fetchall()}

    def view(self, name: str, story_ids: Sequence[str] | None = None) -> duckdb.DuckDBPyRelation:
        """A public view's rows (of these stories, or all), through its named query."""
        if name not in PUBLIC_VIEWS:
            raise StoreError(f"no public view {name!r} (views: {', '.join(PUBLIC_VIEWS)})")
        return self.con.sql(self.q[f"view_{name}"], params=[list(story_ids) if story_ids is not None else None])

    def missing_stories(self, story_ids: Iterable[str]) -> list[str]:
        known = set(self.view("compared_stories").pl()["story_id"].to_list())
        return [s for s in story_ids if s not in known]

    def sql(self, query: str) -> pl.DataFrame:
        """A user's own query (the `storydiff sql` command)."""
        try:
            relation = self.con.sql(query)
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {_first_line(exc)}") from None
        return relation.pl() if relation is not None else pl.DataFrame()


def connect(path: Path, read_only: bool = False, lock_timeout_s: float = 0.0) -> duckdb.DuckDBPyConnection:
    """A connection to the file, waiting up to lock_timeout_s while another process writes it."""
    deadline = time.monotonic() + lock_timeout_s
    while True:
        try:
            if not read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
            elif not path.exists():
                raise StoreError(f"{path}: no database here yet (run a story first)")
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise StoreError(f"{path}: cannot open database ({_first_line(exc)})") from None
            if time.monotonic() >= deadline:
                holder = LOCK_HOLDER.search(str(exc))
                raise DatabaseBusyError(
                    f"{path}: in use by another process{f' (PID {holder.group(1)})' if holder else ''}; "
                    f"gave up after waiting {lock_timeout_s:g}s (STORYDIFF_LOCK_TIMEOUT)") from None
            time.sleep(LOCK_POLL_S)
        except (duckdb.Error, OSError) as exc:
            raise StoreError(f"{path}: cannot open database ({_first_line(exc)})") from None


def _insert_target(table: str) -> str:
    return {"articles": "story_articles", "matches": "sentence_matches"}.get(table, table)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
