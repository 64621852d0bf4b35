"""Results and caches as Parquet files, so any number of workers write at once.

DuckDB lets one process write a database file; workers on several machines each write their own
files here instead, and readers see the same public views over them (`read_parquet` globs):

    PARQUET_DIR/<table>/story_id=<id>/<write id>.parquet     a story's rows, its article versions
    PARQUET_DIR/<table>/all/<write id>.parquet               caches
    PARQUET_DIR/<table>/[story_id=]_schema/empty.parquet     the table's columns

A file is written under a temporary name and renamed into place, so a reader never sees half of
one. A story's results are the files of one run (its *generation*): the run writes every table's
rows, then a row in `stories` naming the generation, last. Until that row lands the previous
results are what the views show, so a worker killed halfway loses nothing and leaves nothing
visible. Workers never delete a file (a reader may have just listed it): `storydiff compact`
removes superseded runs' files and merges small files, at a quiet moment. Caches (pages, extractions,
embeddings, NLI scores, robots.txt answers) and article text versions are only ever appended:
each process writes its new rows as one file per table when its store closes; a row stored twice
by two workers is read as one (every cache read is by key).

The database file at `db_path` holds the same public views over the folder (absolute paths), so
`storydiff sql`, reports, exports, the Python API and a plain `duckdb` client read it unchanged.
The watch flow's state (feeds, feed items) stays in single-file mode: its tables are empty here.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import duckdb

from .errors import StoreError
from .fetch import Page
from .results import StoryResult
from .settings import Settings
from .store import Store, connect, load_queries, schema_sql, sql_dir, views_sql

# the rows of one comparison of a story, replaced as a whole
STORY_TABLES = ("story_articles", "sentences", "sentence_matches", "conflicts", "claim_members", "facts")
# only ever added to; article versions are kept per story, the caches in one partition
APPENDED_TABLES = ("pages", "fetches", "robots", "embeddings", "nli_scores", "extractions", "article_text_versions")
STORY_PARTITIONED = ("stories", *STORY_TABLES, "article_text_versions")
WATCH_TABLES = ("feeds", "feed_items", "story_merges")
SCHEMA_PARTITION = "_schema"  # an empty file per table: its columns, and a glob that always matches
CACHE_PARTITION = "all"
WATCH_NEEDS_ONE_FILE = "storydiff watch keeps its state in one DuckDB file: run it without STORYDIFF_PARQUET_DIR"
SUPERSEDED_KEPT_S = 600.0  # compact: a file not named by its story this long after it was written is dead


@cache
def parquet_queries() -> dict[str, str]:
    return load_queries(sql_dir() / "parquet.sql")


def write_id() -> str:
    """Sorts by time of writing; unique across processes and machines."""
    return f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def define_views(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    """In `con`: each table of schema.sql as a view over its files under `root`, the watch tables
    empty, then the public views."""
    q = parquet_queries()
    columns = table_columns()

    def files(table: str) -> str:
        return "'" + str(root / table / "*" / "*.parquet").replace("'", "''") + "'"

    con.execute(q["story_generations"].format(files=files("stories")))
    con.execute(q["stories_over_parquet"])
    for table in STORY_TABLES:
        con.execute(q["story_table_over_parquet"].format(table=table, files=files(table)))
    for table in APPENDED_TABLES:
        con.execute(q["appended_table_over_parquet"].format(table=table, files=files(table),
                                                            hive=str(table in STORY_PARTITIONED).lower()))
    for table in WATCH_TABLES:  # the columns of schema.sql, read back from DuckDB
        con.execute(q["empty_table"].format(table=table, columns=", ".join(
            f'"{name}" {kind}' for name, kind in columns[table])))
    con.execute(views_sql())


@cache
def table_columns() -> dict[str, list[tuple[str, str]]]:
    """Every table of schema.sql with its columns and types, read from DuckDB itself."""
    scratch = duckdb.connect()
    try:
        scratch.execute(schema_sql())
        tables = [name for (name,) in scratch.execute(parquet_queries()["table_names"]).fetchall()]
        return {table: scratch.execute(parquet_queries()["table_columns"], [table]).fetchall() for table in tables}
    finally:
        scratch.close()


class ParquetStore(Store):
    """A Store whose reads go through the views over the folder (the views file, read-only) and
    whose writes land in staging tables of the same schema (in memory), then in new Parquet files."""

    def __init__(self, root: Path, db_path: Path, views: duckdb.DuckDBPyConnection, staging: duckdb.DuckDBPyConnection):
        super().__init__(views, db_path)
        self.root = root
        self.writes = staging
        self.pq = parquet_queries()

    @classmethod
    def open_folder(cls, root: str | Path, db_path: str | Path, lock_timeout_s: float = 0.0) -> "ParquetStore":
        root = Path(root).resolve()
        try:
            write_schema_files(root)
        except OSError as exc:
            raise StoreError(f"{root}: cannot write Parquet results here ({exc.strerror or exc})") from None
        ensure_views_file(Path(db_path), root, lock_timeout_s)
        # the views file, read-only (any number of processes at once): binding the public views
        # anew in memory took 0.6 s an open with 200 stories stored
        views = connect(Path(db_path), read_only=True, lock_timeout_s=lock_timeout_s)
        staging = duckdb.connect()
        staging.execute(schema_sql())
        store = cls(root, Path(db_path), views, staging)
        store.pin_story_generations()
        return store

    def close(self) -> None:
        try:
            self._flush_appended()
        finally:
            self.writes.close()
            self.con.close()

    def save_page(self, page: Page) -> None:
        """Every fetch is recorded; a page's HTML only once (files are never rewritten to drop a copy)."""
        if self.con.execute(self.pq["page_stored"], [page.sha256]).fetchall():
            self.writes.execute(self.q["record_fetch"], [page.url, page.final_url, page.sha256, page.fetched_at,
                                                         page.etag, page.last_modified])
        else:
            super().save_page(page)

    # -- story results -------------------------------------------------------------------
    def replace_story(self, result: StoryResult) -> None:
        """The story's rows as new files, then the `stories` row that makes them its results."""
        super().replace_story(result)  # into the staging tables
        story_id = result.story.id
        generation = write_id()
        partition = story_partition(story_id)
        for table in STORY_TABLES:
            if self._staged(table):
                self._write(self.pq["copy_story_rows"].format(table=table), [generation, story_id], table, partition,
                            generation)
        self._write_versions()
        self._write(self.pq["copy_story_rows"].format(table="stories"), [generation, story_id], "stories", partition,
                    write_id())
        for table in (*STORY_TABLES, "stories"):
            self.writes.execute(self.pq["clear_staged"].format(table=table))
        self.pin_story_generations()  # what this run wrote is what its report reads

    def touch_story(self, story_id: str, when: datetime) -> None:
        rows = self.con.execute(self.pq["current_story_row"], [story_id]).fetchall()
        if not rows:
            return
        *row, generation = rows[0]
        row[3] = when
        self.writes.execute(self.pq["stage_story_row"], row)
        try:
            self._write(self.pq["copy_story_rows"].format(table="stories"), [generation, story_id], "stories",
                        story_partition(story_id), write_id())
        finally:
            self.writes.execute(self.pq["clear_staged"].format(table="stories"))
        self.pin_story_generations()

    def merge_story(self, story_id: str, merged_into: str, when: datetime) -> None:
        raise StoreError(WATCH_NEEDS_ONE_FILE)

    def add_feeds(self, feeds) -> None:
        raise StoreError(WATCH_NEEDS_ONE_FILE)

    # -- files ---------------------------------------------------------------------------
    def _staged(self, table: str) -> bool:
        return bool(self.writes.execute(self.pq["any_staged"].format(table=table)).fetchall())

    def _write(self, query: str, params: list, table: str, partition: str, name: str) -> None:
        write_file(self.writes, query, params, self.root / table / partition, name)

    def _write_versions(self) -> None:
        staged = [s for (s,) in self.writes.execute(self.pq["stories_with_staged_versions"]).fetchall()]
        for story_id in staged:
            self._write(self.pq["copy_versions_of_story"], [story_id], "article_text_versions",
                        story_partition(story_id), write_id())
        self.writes.execute(self.pq["clear_staged"].format(table="article_text_versions"))

    def _flush_appended(self) -> None:
        self._write_versions()
        for table in APPENDED_TABLES:
            if table != "article_text_versions" and self._staged(table):
                self._write(self.pq["copy_rows"].format(table=table), [], table, CACHE_PARTITION, write_id())
                self.writes.execute(self.pq["clear_staged"].format(table=table))


def write_file(con: duckdb.DuckDBPyConnection, query: str, params: list, directory: Path, name: str) -> None:
    """`query` (a COPY whose last parameter is the target) into `directory/name.parquet`, by way
    of a temporary name: a reader never sees half of it."""
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{name}.tmp"
    con.execute(query, [*params, str(temporary)])
    os.replace(temporary, directory / f"{name}.parquet")


class SharedRobots:
    """robots.txt answers in the Parquet folder, each written as soon as it is fetched (a file of
    one row), for workers fetching from the same outlets at the same moment (politeness.RobotsRules):
    the answers a store keeps only when it closes come too late for them."""

    def __init__(self, root: str | Path, since: datetime):
        self.root = Path(root).resolve()
        self.since = since
        self._files = "'" + str(self.root / "robots" / "*" / "*.parquet").replace("'", "''") + "'"

    def get(self, origin: str) -> tuple[int, str] | None:
        with duckdb.connect() as con:  # one per call: fetch threads ask at once
            found = con.execute(parquet_queries()["shared_robots_answer"].format(files=self._files),
                                [origin, self.since]).fetchall()
        return (found[0][0], found[0][1]) if found else None

    def put(self, origin: str, answer: tuple[int, str]) -> None:
        status, body = answer
        with duckdb.connect() as con:
            write_file(con, parquet_queries()["write_robots_answer"], [origin, status, body, datetime.now(timezone.utc)],
                       self.root / "robots" / CACHE_PARTITION, write_id())


def shared_robots(settings: Settings, since: datetime) -> SharedRobots | None:
    """Workers that share host turns (shared_host_limits) and a Parquet folder share robots.txt answers
    as they fetch them; otherwise None (answers are kept with the run's other caches)."""
    if settings.parquet_dir is None or not settings.fetch.shared_host_limits:
        return None
    write_schema_files(settings.parquet_dir.resolve())
    return SharedRobots(settings.parquet_dir, since)


def compact(root: str | Path, kept_s: float = SUPERSEDED_KEPT_S) -> dict[str, tuple[int, int]]:
    """Storage upkeep, for a quiet moment (a daily cron): workers never delete, so that a reader
    never finds a file gone between listing and reading it. Removes the files of superseded and
    unfinished runs of each story (once `kept_s` old: a run still writing commits within
    seconds) and merges each appended table's files into one per partition, a row stored twice
    kept once, so that the folder does not keep a file per run and table.
    Returns table -> (files before, files after)."""
    root = Path(root).resolve()
    q = parquet_queries()
    counts = {}
    cutoff = time.time() - kept_s
    with duckdb.connect() as con:
        define_views(con, root)
        current = dict(con.execute(q["current_generations"]).fetchall())
        for table in (*STORY_TABLES, "stories"):
            before = after = 0
            for partition in _partitions(root / table):
                story_id = partition.name.removeprefix("story_id=")
                files = sorted(partition.glob("*.parquet"))
                before += len(files)
                # a story's newest record names its generation; data files are named by it
                keep = {files[-1].stem} if table == "stories" and files else {current.get(story_id)}
                for path in files:
                    if path.stem not in keep and _older(path, cutoff):
                        path.unlink(missing_ok=True)
                after += len(list(partition.glob("*.parquet")))
            counts[table] = (before, after)
        for table in APPENDED_TABLES:
            before = after = 0
            for partition in _partitions(root / table):
                files = sorted(partition.glob("*.parquet"))
                before += len(files)
                if len(files) > 1:
                    merged = write_id()
                    temporary = partition / f".{merged}.tmp"
                    con.execute(q[f"compact_{table}"].format(files=_quoted([str(f) for f in files])), [str(temporary)])
                    os.replace(temporary, partition / f"{merged}.parquet")
                    for path in files:
                        path.unlink(missing_ok=True)
                after += min(len(files), 1)
            counts[table] = (before, after)
    return counts


def _partitions(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*") if p.is_dir() and p.name not in (SCHEMA_PARTITION, story_partition(SCHEMA_PARTITION)))


def story_partition(story_id: str) -> str:
    """Hive-style, so that a query for one story reads only that story's files."""
    return f"story_id={story_id}"


def schema_partition(table: str) -> str:
    return story_partition(SCHEMA_PARTITION) if table in STORY_PARTITIONED else SCHEMA_PARTITION


def _quoted(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def _older(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except FileNotFoundError:
        return False


def write_schema_files(root: Path) -> None:
    """An empty file per table with its columns: the views' globs always match, with its types."""
    q = parquet_queries()
    missing = [t for t in ("stories", *STORY_TABLES, *APPENDED_TABLES)
               if not (root / t / schema_partition(t) / "empty.parquet").exists()]
    if not missing:
        return
    scratch = duckdb.connect()
    try:
        scratch.execute(schema_sql())
        for table in missing:
            directory = root / table / schema_partition(table)
            directory.mkdir(parents=True, exist_ok=True)
            temporary = directory / f".{write_id()}.tmp"
            template = q["copy_story_schema"] if table in ("stories", *STORY_TABLES) else q["copy_schema"]
            scratch.execute(template.format(table=table), [str(temporary)])
            os.replace(temporary, directory / "empty.parquet")
    finally:
        scratch.close()


def ensure_views_file(db_path: Path, root: Path, lock_timeout_s: float) -> None:
    """The user's database file holds the public views over `root` (made once per schema)."""
    digest = hashlib.sha256("\0".join([schema_sql(), views_sql(), str(root), str(db_path.resolve())])
                            .encode()).hexdigest()[:16]
    marker = root / f".views-{digest}"
    if marker.exists() and db_path.exists():
        return
    if not db_path.exists():
        _create_views_file(db_path, root)
    else:
        connection = connect(db_path, lock_timeout_s=lock_timeout_s)
        try:
            define_views(connection, root)
        except duckdb.CatalogException:
            raise StoreError(f"{db_path}: holds a single-file database's tables; give Parquet results a "
                             "database file of their own (STORYDIFF_DB)") from None
        finally:
            connection.close()
    marker.touch()


def _create_views_file(db_path: Path, root: Path) -> None:
    """Made aside and linked into place: a process opening the file never sees it half-written."""
    aside = db_path.with_name(f".{db_path.name}.{write_id()}.tmp")
    try:
        connection = connect(aside)
        try:
            define_views(connection, root)
        finally:
            connection.close()
        try:
            os.link(aside, db_path)
        except FileExistsError:
            pass  # another process made it first, from the same schema
        except OSError as exc:
            raise StoreError(f"{db_path}: cannot create database ({exc.strerror})") from None
    finally:
        aside.unlink(missing_ok=True)
        aside.with_name(aside.name + ".wal").unlink(missing_ok=True)


def open_store(settings: Settings) -> Store:
    """The store a run writes to: the DuckDB file, or the Parquet folder when one is set."""
    if settings.parquet_dir is not None:
        return ParquetStore.open_folder(settings.parquet_dir, settings.db_path, settings.lock_timeout_s)
    return Store.open(settings.db_path, lock_timeout_s=settings.lock_timeout_s)

