"""Ad-hoc stories: URLs or paths in, a story out, without a story file (`storydiff compare`).

Outlet names and the story's id and title come from the pages themselves, so a story is first
made with provisional names (the host, or the file name), then named once the pages are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import tomli_w
from slugify import slugify

from .errors import StoryFileError
from .extract import ExtractedArticle
from .story import SLUG, ArticleRef, Story

COMMAND_LINE = Path("<command line>")  # stories.source_file of a story given as URLs
MAX_SLUG = 60
MAX_OUTLET_CHARS = 80


def story_from_locations(locations: Sequence[str], cwd: Path | None = None) -> Story:
    """A provisional story: each URL or file path becomes an article named after its host or
    file; the id is a placeholder until `named_story`. Problems are one line naming the input."""
    if not locations:
        raise StoryFileError("storydiff compare: give at least one URL or file path")
    cwd = cwd or Path.cwd()
    refs: list[ArticleRef] = []
    seen: set[str] = set()
    for given in locations:
        given = given.strip()
        parts = urlsplit(given)
        if parts.scheme.lower() in ("http", "https"):
            if not parts.hostname:
                raise StoryFileError(f"{given!r}: URL has no host")
            location, outlet = given, _host(given)
        elif parts.scheme and len(parts.scheme) > 1:  # one letter is a Windows drive
            raise StoryFileError(f"{given!r}: unsupported URL scheme {parts.scheme!r} (http, https or a file path)")
        else:
            path = (cwd / given).resolve()
            if not path.is_file():
                raise StoryFileError(f"{given}: no such file")
            location, outlet = str(path), path.stem
        if location in seen:
            raise StoryFileError(f"{given}: given twice")
        seen.add(location)
        refs.append(ArticleRef(outlet=outlet, url=location, location=location))  # absolute: the same file from elsewhere is the same article
    return Story(id="unnamed", title="", articles=tuple(refs), path=COMMAND_LINE)


def named_story(story: Story, extracted: Sequence[ExtractedArticle | None], taken: Mapping[str, frozenset[str]],
                story_id: str | None = None, title: str | None = None, outlets: Sequence[str] | None = None) -> Story:
    """The story with outlets named from the pages (site name, else the host or file name; made
    unique), its title (given, else the first page's title) and its id (given, else a slug of the
    title, made unique against `taken`: story id -> its article URLs; the story that already has
    exactly these URLs keeps its id, so running the same links again updates one story).
    `outlets` names the articles' outlets instead (a watched feed's outlet)."""
    outlets = unique_names(outlets or (_outlet_name(ref, page) for ref, page in zip(story.articles, extracted)))
    articles = tuple(replace(ref, outlet=name) for ref, name in zip(story.articles, outlets))
    title = (title or "").strip() or next((p.title.strip() for p in extracted if p and p.title and p.title.strip()), "")
    title = title or "Untitled story"
    if story_id is not None:
        if not SLUG.match(story_id):
            raise StoryFileError(f"--id {story_id[:80]!r} is not a slug (lowercase letters, digits and '-')")
        return replace(story, id=story_id, title=title, articles=articles)
    urls = frozenset(ref.url for ref in articles)
    same = sorted(existing for existing, existing_urls in taken.items() if existing_urls == urls)
    if same:
        return replace(story, id=same[0], title=title, articles=articles)
    base = slugify(title, max_length=MAX_SLUG, word_boundary=True) or "story"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return replace(story, id=candidate, title=title, articles=articles)


def unique_names(names: Iterable[str]) -> list[str]:
    """Names as given, a second "Example" becoming "Example (2)"."""
    result: list[str] = []
    for name in names:
        candidate, n = name, 2
        while candidate in result:
            candidate, n = f"{name} ({n})", n + 1
        result.append(candidate)
    return result


def story_file_text(story: Story) -> str:
    """The story as a story file: save it to re-run the story with `run` or schedule it with `serve`."""
    return tomli_w.dumps({"id": story.id, "title": story.title,
                          "articles": [{"outlet": a.outlet, "url": a.url} for a in story.articles]})


def _outlet_name(ref: ArticleRef, page: ExtractedArticle | None) -> str:
    name = " ".join((page.site_name or "").split()) if page else ""
    return (name or ref.outlet)[:MAX_OUTLET_CHARS]


def _host(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")
