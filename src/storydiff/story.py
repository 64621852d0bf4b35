"""Story files: the user's input, a TOML file naming one event and the articles about it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import StoryFileError, StorydiffError

STORY_KEYS = {"id", "title", "articles"}
ARTICLE_KEYS = {"outlet", "url"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MAX_STORY_BYTES = 1_000_000


@dataclass(frozen=True)
class ArticleRef:
    outlet: str
    url: str  # as written in the story file
    location: str  # an http(s) URL, or an absolute file path

    @property
    def is_remote(self) -> bool:
        return self.location.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    articles: tuple[ArticleRef, ...]
    path: Path


def load_story(path: str | Path) -> Story:
    """Read and validate a story file; every problem is one StoryFileError line naming the file."""
    path = Path(path)
    return parse_story(read_toml(path, "story file", StoryFileError), path)


def read_toml(path: Path, what: str, error: type[StorydiffError], max_bytes: int = MAX_STORY_BYTES) -> dict:
    """A user's TOML file (a story file, an outlets file), size-capped; any problem is one
    `error` line naming the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise error(f"{path}: {what} is larger than {max_bytes} bytes")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise error(f"{path}: {what} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: invalid TOML ({exc})") from None


def parse_story(data: dict, path: Path) -> Story:
    def fail(problem: str) -> StoryFileError:
        return StoryFileError(f"{path}: {problem}")

    unknown = sorted(set(data) - STORY_KEYS)
    if unknown:
        raise fail(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(STORY_KEYS))}")
    story_id = data.get("id")
    if not isinstance(story_id, str) or not story_id:
        raise fail("missing 'id' (a slug such as \"louvre-heist\")")
    if not SLUG.match(story_id):
        raise fail(f"id {story_id!r} is not a slug (lowercase letters, digits and '-')")
    title = data.get("title", story_id)
    if not isinstance(title, str):
        raise fail("'title' must be a string")
    entries = data.get("articles")
    if not isinstance(entries, list) or not entries:
        raise fail("no [[articles]] listed")

    articles: list[ArticleRef] = []
    seen: set[tuple[str, str]] = set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise fail(f"article {number} is not a table")
        unknown = sorted(set(entry) - ARTICLE_KEYS)
        if unknown:
            raise fail(f"article {number}: unknown key(s) {', '.join(unknown)}; allowed: outlet, url")
        outlet, url = entry.get("outlet"), entry.get("url")
        if not isinstance(outlet, str) or not outlet.strip():
            raise fail(f"article {number}: missing 'outlet'")
        if not isinstance(url, str) or not url.strip():
            raise fail(f"article {number} ({outlet}): missing 'url'")
        outlet, url = outlet.strip(), url.strip()
        if (outlet, url) in seen:
            raise fail(f"article {number}: duplicate outlet+url ({outlet}, {url})")
        seen.add((outlet, url))
        articles.append(ArticleRef(outlet=outlet, url=url, location=_resolve(url, path, fail, number)))
    return Story(id=story_id, title=title, articles=tuple(articles), path=path)


def _resolve(url: str, story_path: Path, fail, number: int) -> str:
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https"):
        if not urlsplit(url).netloc:
            raise fail(f"article {number}: URL {url!r} has no host")
        return url
    if scheme and len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise fail(f"article {number}: unsupported URL scheme {scheme!r} in {url!r} (http, https or a file path)")
    return str((story_path.parent / url).resolve())
