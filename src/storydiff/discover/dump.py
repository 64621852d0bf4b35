"""Article dumps for `storydiff cluster`: JSON Lines in (one article a line, as Media Cloud or
GDELT exports can be turned into), story assignments out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from ..errors import StorydiffError
from .grouping import Article

MAX_LINE_BYTES = 5_000_000
MAX_TEXT_CHARS = 100_000  # of one article's text: enough to group it, bounded for a hostile dump


class DumpError(StorydiffError):
    """An article dump cannot be read: the message names the file and line."""


def read_articles(path: Path) -> list[Article]:
    """Articles in file order; every problem is one line naming the file and line number."""
    try:
        handle = Path(path).open("rb")
    except OSError as exc:
        raise DumpError(f"{path}: cannot read ({exc.strerror or exc})") from None
    articles: list[Article] = []
    seen: set[str] = set()
    with handle:
        for number, raw in enumerate(handle, start=1):
            if len(raw) > MAX_LINE_BYTES:
                raise DumpError(f"{path}:{number}: line longer than {MAX_LINE_BYTES} bytes")
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise DumpError(f"{path}:{number}: not JSON ({exc})") from None
            article = _article(record, f"{path}:{number}")
            if article.id in seen:
                raise DumpError(f"{path}:{number}: id {article.id!r} given twice")
            seen.add(article.id)
            articles.append(article)
    return articles


def _article(record, where: str) -> Article:
    if not isinstance(record, dict):
        raise DumpError(f"{where}: expected an object with id, outlet, url, title, text, published, language")
    ident = record.get("id")
    if not isinstance(ident, (str, int)) or isinstance(ident, bool) or str(ident) == "":
        raise DumpError(f"{where}: missing 'id'")

    def text(key: str) -> str | None:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise DumpError(f"{where}: '{key}' must be a string or null")
        return value

    title, body = text("title") or "", text("text") or ""
    if not title.strip() and not body.strip():
        raise DumpError(f"{where}: article {ident!r} has neither title nor text")
    return Article(id=str(ident), outlet=text("outlet"), url=text("url"), title=title.strip()[:1000],
                   text=body[:MAX_TEXT_CHARS], published=_date(text("published"), where), language=text("language"))


def _date(value: str | None, where: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        raise DumpError(f"{where}: 'published' {value[:40]!r} is not an ISO date") from None


def write_assignments(path: Path, ids: Iterable[str], stories: Iterable[str]) -> None:
    """{"id", "story"} a line, written whole or not at all."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            for ident, story in zip(ids, stories):
                out.write(json.dumps({"id": ident, "story": story}, ensure_ascii=False) + "\n")
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorydiffError(f"{path}: cannot write ({exc.strerror or exc})") from None
