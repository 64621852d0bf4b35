"""Outlets files: the outlets to watch, each with its feeds or a homepage that names them.

    [[outlets]]
    name = "Example Tribune"
    feeds = ["https://example.org/rss.xml", "https://example.org/news-sitemap.xml"]

    [[outlets]]
    name = "Metro Bulletin"
    homepage = "https://metro.example/"      # its <link rel="alternate"> feeds are used
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import StorydiffError
from ..story import read_toml

OUTLET_KEYS = {"name", "feeds", "homepage"}


class OutletsFileError(StorydiffError):
    """An outlets file is missing, unreadable or invalid; the message names the file."""


@dataclass(frozen=True)
class Outlet:
    name: str
    feeds: tuple[str, ...]
    homepage: str | None = None


def load_outlets(path: str | Path) -> list[Outlet]:
    path = Path(path)
    return parse_outlets(read_toml(path, "outlets file", OutletsFileError), path)


def parse_outlets(data: dict, path: Path) -> list[Outlet]:
    def fail(problem: str) -> OutletsFileError:
        return OutletsFileError(f"{path}: {problem}")

    if set(data) - {"outlets"}:
        raise fail(f"unknown key(s) {', '.join(sorted(set(data) - {'outlets'}))}; expected [[outlets]] tables")
    entries = data.get("outlets")
    if not isinstance(entries, list) or not entries:
        raise fail("no [[outlets]] listed")
    outlets, names = [], set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise fail(f"outlet {number} is not a table")
        unknown = sorted(set(entry) - OUTLET_KEYS)
        if unknown:
            raise fail(f"outlet {number}: unknown key(s) {', '.join(unknown)}; allowed: name, feeds, homepage")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(f"outlet {number}: missing 'name'")
        name = name.strip()
        if name in names:
            raise fail(f"outlet {number}: name {name!r} given twice")
        names.add(name)
        feeds = entry.get("feeds", [])
        if not isinstance(feeds, list) or not all(isinstance(f, str) for f in feeds):
            raise fail(f"outlet {name!r}: 'feeds' must be a list of URLs")
        homepage = entry.get("homepage")
        if homepage is not None and not isinstance(homepage, str):
            raise fail(f"outlet {name!r}: 'homepage' must be a URL")
        if not feeds and not homepage:
            raise fail(f"outlet {name!r}: give 'feeds' or a 'homepage'")
        for url in [*feeds, *([homepage] if homepage else [])]:
            parts = urlsplit(url.strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise fail(f"outlet {name!r}: {url!r} is not an http(s) URL")
        outlets.append(Outlet(name, tuple(f.strip() for f in feeds), homepage.strip() if homepage else None))
    return outlets
