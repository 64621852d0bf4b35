"""The Python API, for notebooks and scripts: run a story, read results back as polars frames.

    import storydiff
    result = storydiff.compare(["https://a.example/x", "https://b.example/y"], db="news.duckdb")
    result.contradictions          # polars DataFrame, the `contradictions` view of this story
    db = storydiff.connect("news.duckdb")
    db.stories; db.story("louvre-heist").figures

Every frame is a public view read through its named query (sql/queries.sql, `view_*`), the
same rows `storydiff sql` and `storydiff export` give. The database is opened read-only, and
only while a frame is read, so runs in other processes are never blocked by a notebook.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import polars as pl

from .errors import StorydiffError
from .settings import Settings
from .store import Store


def _view(name: str) -> property:
    return property(lambda results: results.view(name), doc=f"The `{name}` view, a polars DataFrame.")


class Results:
    """The public views of some stories (or of all, when story_ids is None), read on access."""

    def __init__(self, db: Path, story_ids: Sequence[str] | None = None, lock_timeout_s: float = 60.0):
        self.db = Path(db)
        self.story_ids = tuple(story_ids) if story_ids is not None else None
        self.lock_timeout_s = lock_timeout_s

    def view(self, name: str) -> pl.DataFrame:
        """Any public view by name (see storydiff.store.PUBLIC_VIEWS)."""
        with self._open() as store:
            return store.view(name, self.story_ids).pl()

    claims = _view("story_claims")
    sentences = _view("claim_sentences")
    contradictions = _view("contradictions")
    updates = _view("updates")
    figures = _view("figures")
    richer_sentences = _view("richer_sentences")
    coverage = _view("outlet_coverage")
    articles = _view("articles")
    versions = _view("article_versions")
    stories = _view("compared_stories")

    def sql(self, query: str) -> pl.DataFrame:
        """Your own read-only query over the whole database."""
        with self._open() as store:
            return store.sql(query)

    def _open(self) -> Store:
        return Store.open(self.db, read_only=True, lock_timeout_s=self.lock_timeout_s)


class StoryResults(Results):
    """One story's views, and its report."""

    def __init__(self, db: Path, story_id: str, lock_timeout_s: float = 60.0):
        super().__init__(db, [story_id], lock_timeout_s)
        self.story_id = story_id

    def report_html(self) -> str:
        """The story's self-contained HTML report, as `storydiff report` writes it."""
        from . import report

        with self._open() as store:
            return report.render_html(report.load_report(store, self.story_id))

    def _repr_html_(self) -> str:  # a notebook shows the report when the result is the cell's value
        return self.report_html()

    def __repr__(self) -> str:
        return f"<storydiff results of {self.story_id!r} in {self.db}>"


class Comparison(StoryResults):
    """What `compare` ran: the story's views, plus this run's summary."""

    def __init__(self, db: Path, summary, lock_timeout_s: float = 60.0):
        super().__init__(db, summary.story_id, lock_timeout_s)
        self.summary = summary  # flows.compare.StorySummary: article counts, claims per label, report path
        self.report_path = Path(summary.report_path)


class Database(Results):
    """Every story in a database; `story(id)` narrows to one."""

    def __init__(self, db: Path, lock_timeout_s: float = 60.0):
        super().__init__(db, None, lock_timeout_s)
        with self._open():  # a missing file is an error now, not at the first frame
            pass

    def story(self, story_id: str) -> StoryResults:
        with self._open() as store:
            if store.missing_stories([story_id]):
                raise StorydiffError(f"story {story_id!r} is not in {self.db} (run it first)")
        return StoryResults(self.db, story_id, self.lock_timeout_s)

    def __repr__(self) -> str:
        return f"<storydiff database {self.db}>"


def connect(db: str | Path | None = None, settings: Settings | None = None) -> Database:
    """Open a database read-only (default: $STORYDIFF_DB or data/storydiff.duckdb)."""
    settings = settings or Settings.from_env()
    return Database(Path(db) if db is not None else settings.db_path, settings.lock_timeout_s)


def compare(story_file_or_urls: str | Path | Sequence[str], db: str | Path | None = None,
            settings: Settings | None = None, *, story_id: str | None = None, title: str | None = None) -> Comparison:
    """Run one story, as `storydiff run STORY_FILE` or `storydiff compare URL...` would, and
    return its results. A str or Path names a story file, unless it is an http(s) URL; a list
    holds URLs or paths of article pages. Errors raise storydiff.StorydiffError subclasses."""
    settings = settings or Settings.from_env()
    if db is not None:
        settings = replace(settings, db_path=Path(db))
    # Prefect reads its logging level when first imported: keep its run logs out of a notebook
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")  # as the CLI: slow machines
    from flows.compare import compare_story, compare_urls

    given = story_file_or_urls
    if isinstance(given, str) and given.startswith(("http://", "https://")):
        given = [given]
    if isinstance(given, (str, Path)):
        if story_id is not None or title is not None:
            raise StorydiffError(f"{given}: a story file names its own id and title")
        summary = compare_story(str(given), settings)
    else:
        summary = compare_urls([str(g) for g in given], story_id, title, settings)
    return Comparison(settings.db_path, summary, settings.lock_timeout_s)
