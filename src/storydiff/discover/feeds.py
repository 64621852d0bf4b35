"""Feeds in, items out: RSS and Atom (feedparser, from the bytes as fetched), Google News
sitemaps and sitemap indexes (lxml, entities off), and the feeds a homepage names in
<link rel="alternate">. Values in, values out: fetching is fetch.py's job."""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import feedparser
from courlan import normalize_url
from lxml import etree, html as lxml_html

from ..errors import StorydiffError

FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")
MAX_ITEMS = 2_000  # per feed: a hostile or broken feed cannot flood the database
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class FeedParseError(StorydiffError):
    """A feed that cannot be read at all; the message says why in one line."""


@dataclass(frozen=True)
class FeedItem:
    url: str  # canonical: normalised, tracking parameters and fragment dropped
    guid: str | None
    title: str
    summary: str
    published: datetime | None  # as the feed gives it; None when missing or unreadable, never "now"
    content_hash: str  # of title + summary: the same item re-sent is recognised


@dataclass(frozen=True)
class ParsedFeed:
    kind: str  # rss, atom, sitemap, sitemap-index, html
    items: list[FeedItem] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # a sitemap index's children
    feeds: list[str] = field(default_factory=list)  # feeds a homepage names


def canonical_url(url: str, base: str | None = None) -> str | None:
    if not url.strip():
        return None
    absolute = urljoin(base, url.strip()) if base else url.strip()
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    try:
        return normalize_url(absolute, strict=True)
    except (ValueError, TypeError):
        return None


def parse_feed(body: bytes, base_url: str, content_type: str = "") -> ParsedFeed:
    head = body[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap(body, base_url)
    if content_type in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype html", b"<html")):
        return _homepage(body, base_url)
    return _feed(body, base_url)


def _feed(body: bytes, base_url: str) -> ParsedFeed:
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    items = []
    for entry in parsed.entries[:MAX_ITEMS]:
        link = (entry.get("link") or "").strip()
        url = canonical_url(link, base_url) if link else None
        if url is None:
            continue
        title = _text(entry.get("title"))
        summary = _text(lxml_text(entry.get("summary") or ""))
        published = _when(entry.get("published_parsed") or entry.get("updated_parsed"))
        items.append(FeedItem(url, entry.get("id") or None, title, summary, published, _hash(title, summary)))
    if parsed.bozo and not items:  # what a lenient parser recovers is used; nothing at all is an error
        reason = str(parsed.get("bozo_exception", "unreadable")).splitlines()[0][:200]
        raise FeedParseError(f"malformed feed ({reason})")
    return ParsedFeed(kind=_feed_kind(parsed), items=items)


def _feed_kind(parsed) -> str:
    return "atom" if str(parsed.get("version", "")).startswith("atom") else "rss"


def _sitemap(body: bytes, base_url: str) -> ParsedFeed:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedParseError(f"malformed sitemap ({str(exc).splitlines()[0][:200]})") from None
    if root.tag == f"{SITEMAP_NS}sitemapindex":
        children = [canonical_url(loc.text or "", base_url) for loc in root.iter(f"{SITEMAP_NS}loc")]
        return ParsedFeed(kind="sitemap-index", sitemaps=[c for c in children if c][:MAX_ITEMS])
    items = []
    for entry in root.iter(f"{SITEMAP_NS}url"):
        url = canonical_url(entry.findtext(f"{SITEMAP_NS}loc") or "", base_url)
        if url is None:
            continue
        title = _text(entry.findtext(f"{NEWS_NS}news/{NEWS_NS}title"))
        published = _iso(entry.findtext(f"{NEWS_NS}news/{NEWS_NS}publication_date")
                         or entry.findtext(f"{SITEMAP_NS}lastmod"))
        items.append(FeedItem(url, None, title, "", published, _hash(title, "")))
        if len(items) >= MAX_ITEMS:
            break
    return ParsedFeed(kind="sitemap", items=items)


def _homepage(body: bytes, base_url: str) -> ParsedFeed:
    try:
        document = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return ParsedFeed(kind="html")
    feeds = []
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "alternate" in rel and (link.get("type") or "").lower() in FEED_LINK_TYPES and link.get("href"):
            url = canonical_url(link.get("href"), base_url)
            if url and url not in feeds:
                feeds.append(url)
    return ParsedFeed(kind="html", feeds=feeds)


def lxml_text(markup: str) -> str:
    """Text of an HTML fragment (feed summaries carry markup)."""
    if "<" not in markup:
        return markup
    try:
        return lxml_html.fragment_fromstring(markup, create_parent="div").text_content()
    except (etree.ParserError, ValueError):
        return markup


def _text(value) -> str:
    return " ".join(str(value or "").split())[:2000]


def _when(parsed_time) -> datetime | None:
    if not parsed_time:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed_time), tz=timezone.utc)
    except (OverflowError, ValueError, TypeError):
        return None


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _hash(title: str, summary: str) -> str:
    return hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()
