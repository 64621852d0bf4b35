"""Fetch stage: the only module that touches the network or reads article files.

A Fetcher serves one run. Every request goes through the network guard (public addresses only,
checked after DNS, on every redirect), waits its turn at the host (one at a time, spaced out),
obeys robots.txt, and is bounded: timeouts for connecting, for silence and for the whole attempt,
a size cap counted before and after decompression, a redirect limit, HTML content types only.
Timeouts, broken connections, 429 and 5xx are retried with backoff, honouring Retry-After.
Every failure is a FetchError whose one-line reason the report shows.
"""

from __future__ import annotations

import codecs
import email.utils
import hashlib
import re
import time
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import httpx

from .errors import FeedGoneError, FetchError, RefusedAddressError, TransientFetchError
from .netguard import AddressPolicy, BlockedAddressError, guarded_transport
from .politeness import ROBOTS_AGENT, HostGate, RobotsRules, SharedHostGate, SharedRobots
from .settings import FetchSettings

HTML_TYPES = ("text/html", "application/xhtml+xml")
# feeds, sitemaps, and the homepages that name feeds in <link rel="alternate">
FEED_TYPES = HTML_TYPES + ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
                           "application/rdf+xml", "application/x-rss+xml", "text/plain")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
REDIRECTS = (301, 302, 303, 307, 308)
ROBOTS_MAX_BYTES = 500_000  # RFC 9309 asks crawlers to read at least 500 KiB
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    url: str  # where it was asked for (story-file location)
    final_url: str  # after redirects
    content_type: str
    html: str
    sha256: str
    fetched_at: datetime
    etag: str | None = None  # validators as the server sent them, for a conditional re-fetch
    last_modified: str | None = None


@dataclass(frozen=True)
class FeedFetch:
    """One conditional request for a feed (or a page that names feeds)."""

    status: int  # 200 with a body, or 304 (not modified); other statuses raise FetchError
    final_url: str
    moved_to: str | None  # where every redirect was permanent (301/308): the URL to keep from now on
    body: bytes
    etag: str | None  # exactly as received
    last_modified: str | None
    content_type: str


@dataclass(frozen=True)
class _Response:
    status: int
    url: str
    headers: httpx.Headers
    body: bytes = b""  # read only for 2xx answers
    redirect_to: str | None = None
    hops: tuple[int, ...] = ()  # statuses of the redirects followed to get here


def content_hash(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def fetch_page(location: str, settings: FetchSettings) -> Page:
    """Fetch one article by URL or file path with a Fetcher of its own."""
    with Fetcher(settings) as fetcher:
        return fetcher.fetch(location)


class Fetcher:
    """Fetches the articles of a run; thread-safe, so fetch tasks can share one."""

    def __init__(self, settings: FetchSettings, known_robots: dict[str, tuple[int, str]] | None = None,
                 shared_robots: SharedRobots | None = None):
        """known_robots: robots.txt answers (status, text) by origin from earlier runs; shared_robots:
        where workers fetching at the same time keep and find them at once (RobotsRules)."""
        self.settings = settings
        policy = AddressPolicy(settings.allow_private_networks, settings.trusted_networks)
        self.client = httpx.Client(
            transport=guarded_transport(policy),
            timeout=httpx.Timeout(connect=settings.connect_timeout_s, read=settings.read_timeout_s,
                                  write=settings.read_timeout_s, pool=settings.total_timeout_s),
            headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml",
                     "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,  # followed here, so every hop is checked and counted
            trust_env=False,  # a proxy from the environment would sidestep the address check
        )
        self.gate = (SharedHostGate if settings.shared_host_limits else HostGate)(settings.min_host_delay_s)
        self.robots = RobotsRules(self._load_robots, known_robots, shared_robots)

    def close(self) -> None:
        self.client.close()
        self.gate.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def fetch(self, location: str, previous: Page | None = None) -> Page:
        """An article by http(s) URL or file path; raises FetchError with a short reason. With
        the `previous` fetch of the URL, asks only for a change (If-None-Match, If-Modified-Since):
        on 304 the previous page is returned, fetched now."""
        if location.startswith(("http://", "https://")):
            return self._with_retries(url=location, attempt_once=lambda: self._fetch_once(location, previous))
        return read_file(location, self.settings)

    def fetch_feed(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FeedFetch:
        """A feed, sitemap or homepage, asked conditionally: a 304 has no body and costs nothing
        else. Same guard, politeness, bounds and retries as articles; 410 and other errors raise
        FetchError (`FeedGoneError` for 410)."""
        conditions = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        return self._with_retries(url=url, attempt_once=lambda: self._feed_once(url, conditions))

    def _feed_once(self, url: str, conditions: dict[str, str]) -> FeedFetch:
        response = self._follow(url, url, self.settings.max_bytes, FEED_TYPES, obey_robots=True, headers=conditions,
                                kind="not a feed")
        moved = response.url if response.hops and all(h in (301, 308) for h in response.hops) else None
        if response.status == 410:
            raise FeedGoneError(url, "HTTP 410 (gone)")
        if response.status != 304:
            _raise_for_status(url, response)
            if _looks_binary(response.body):
                raise FetchError(url, "not a feed (binary body)")
        return FeedFetch(response.status, response.url, moved, response.body, response.headers.get("etag"),
                         response.headers.get("last-modified"), _mime(response.headers.get("content-type", "")))

    # -- one article ----------------------------------------------------------------------
    def _with_retries(self, url: str, attempt_once):
        settings = self.settings
        for attempt in range(settings.retries + 1):
            try:
                return attempt_once()
            except TransientFetchError as exc:
                if attempt == settings.retries:
                    if attempt == 0:
                        raise
                    raise TransientFetchError(url, f"{exc.reason}; gave up after {attempt + 1} attempts") from None
                wait = exc.retry_after if exc.retry_after is not None else settings.backoff_s * 2**attempt
                if wait > settings.max_retry_after_s:
                    raise TransientFetchError(url, f"{exc.reason}; asked to retry after {wait:g}s, more than the "
                                                   f"{settings.max_retry_after_s:g}s limit", wait) from None
                time.sleep(wait)
        raise AssertionError("unreachable")

    def _fetch_once(self, url: str, previous: Page | None = None) -> Page:
        conditions = {}
        if previous is not None:
            conditions = {k: v for k, v in (("If-None-Match", previous.etag),
                                             ("If-Modified-Since", previous.last_modified)) if v}
        response = self._follow(url, url, self.settings.max_bytes, HTML_TYPES, obey_robots=True, headers=conditions)
        if response.status == 304 and previous is not None and conditions:
            return replace(previous, fetched_at=datetime.now(timezone.utc))
        _raise_for_status(url, response)
        body = response.body
        if not body.strip():
            raise FetchError(url, "empty response body")
        declared = response.headers.get("content-type", "")
        if not declared and not _looks_like_html(body):
            raise FetchError(url, "not HTML (no content-type, body is not markup)")
        if _looks_binary(body):
            raise FetchError(url, "not HTML (binary body)")
        html = decode_html(body, _charset(declared))
        return Page(url, response.url, _mime(declared) or "text/html", html, content_hash(html),
                    datetime.now(timezone.utc), response.headers.get("etag"), response.headers.get("last-modified"))

    def _follow(self, url: str, location: str, cap: int, accept: tuple[str, ...] | None,
                obey_robots: bool, headers: dict[str, str] | None = None, kind: str = "not HTML") -> _Response:
        visited = [url]
        hops: list[int] = []
        current = url
        while True:
            if obey_robots:
                self._check_robots(location, current)
            response = self._get(current, location, cap, accept, headers, kind)
            if response.redirect_to is None:
                return replace(response, hops=tuple(hops))
            hops.append(response.status)
            target = urljoin(current, response.redirect_to)
            if urlsplit(target).scheme not in ("http", "https"):
                raise FetchError(location, f"redirected to a non-web address ({target[:200]})")
            if target in visited:
                raise FetchError(location, f"redirect loop ({current} -> {target})")
            if len(visited) > self.settings.max_redirects:
                raise FetchError(location, f"more than {self.settings.max_redirects} redirects")
            visited.append(target)
            current = target

    def _get(self, url: str, location: str, cap: int, accept: tuple[str, ...] | None,
             headers: dict[str, str] | None = None, kind: str = "not HTML") -> _Response:
        settings = self.settings
        host = urlsplit(url).netloc
        with self.gate.turn(host):
            deadline = time.monotonic() + settings.total_timeout_s  # the wait for our turn does not count
            try:
                with self.client.stream("GET", url, headers=headers) as response:
                    headers = response.headers
                    if response.status_code in REDIRECTS and "location" in headers:
                        return _Response(response.status_code, url, headers, redirect_to=headers["location"])
                    if not 200 <= response.status_code < 300:
                        return _Response(response.status_code, url, headers)
                    mime = _mime(headers.get("content-type", ""))
                    if accept is not None and mime and mime not in accept:
                        raise FetchError(location, f"{kind} (content-type {mime})")
                    length = headers.get("content-length", "")
                    if length.isdigit() and int(length) > cap:
                        raise FetchError(location, f"larger than the {cap}-byte limit (Content-Length {length})")
                    body = _read_body(response, cap, deadline, location, settings.total_timeout_s)
                    return _Response(response.status_code, str(response.url), headers, body)
            except BlockedAddressError as exc:
                raise RefusedAddressError(location, f"refused: {exc.host} resolves to {exc.address}, not a public address "
                                           "(allow_private_networks permits it)") from None
            except httpx.ConnectTimeout:
                raise TransientFetchError(location, f"timed out connecting to {host} "
                                                    f"({settings.connect_timeout_s:g}s)") from None
            except httpx.TimeoutException:
                raise TransientFetchError(location, f"timed out: no data for {settings.read_timeout_s:g}s") from None
            except httpx.ConnectError as exc:
                raise TransientFetchError(location, f"connection failed ({_first_line(exc)})") from None
            except httpx.TransportError as exc:
                raise TransientFetchError(location, f"connection broken ({type(exc).__name__})") from None

    # -- robots.txt ------------------------------------------------------------------------
    def _check_robots(self, location: str, url: str) -> None:
        parts = urlsplit(url)
        try:
            rules = self.robots.parser_for(f"{parts.scheme}://{parts.netloc}")
        except RefusedAddressError as exc:
            raise RefusedAddressError(location, exc.reason) from None
        except FetchError as exc:
            reason = f"robots.txt of {parts.netloc}: {exc.reason}"
            if isinstance(exc, TransientFetchError):
                raise TransientFetchError(location, reason, exc.retry_after) from None
            raise FetchError(location, reason) from None
        if rules is None:
            return
        if not rules.can_fetch(ROBOTS_AGENT, url):
            raise FetchError(location, "blocked by robots.txt" + (f" ({url})" if url != location else ""))
        delay = rules.crawl_delay(ROBOTS_AGENT)
        if delay:
            self.gate.ask_for_delay(parts.netloc, float(delay))

    def _load_robots(self, robots_url: str) -> tuple[int, str]:
        response = self._follow(robots_url, robots_url, ROBOTS_MAX_BYTES, None, obey_robots=False)
        if response.status == 429 or response.status >= 500:
            raise TransientFetchError(robots_url, f"HTTP {response.status}", _retry_after(response.headers))
        return response.status, response.body.decode("utf-8", errors="replace")


def _raise_for_status(url: str, response: _Response) -> None:
    if response.status == 429 or response.status >= 500:
        raise TransientFetchError(url, f"HTTP {response.status}", _retry_after(response.headers))
    if response.status >= 300:
        raise FetchError(url, f"HTTP {response.status}")


def _read_body(response: httpx.Response, cap: int, deadline: float, location: str, total_s: float) -> bytes:
    """The body, decompressed, refusing to hold more than `cap` bytes at any point."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, detected
    elif encoding in ("identity", ""):
        inflater = None
    else:
        raise FetchError(location, f"unsupported content-encoding {encoding[:40]!r}")
    body = bytearray()
    received = 0
    try:
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > cap:
                raise FetchError(location, f"larger than the {cap}-byte limit")
            if time.monotonic() > deadline:
                raise TransientFetchError(location, f"timed out after {total_s:g}s in all (body still arriving)")
            if inflater is None:
                body += chunk
                continue
            body += inflater.decompress(chunk, cap + 1 - len(body))
            if len(body) > cap or inflater.unconsumed_tail:
                raise FetchError(location, f"larger than the {cap}-byte limit once decompressed")
        if inflater is not None:
            body += inflater.flush()
            if len(body) > cap:
                raise FetchError(location, f"larger than the {cap}-byte limit once decompressed")
    except zlib.error:
        raise FetchError(location, f"corrupt {encoding} body") from None
    return bytes(body)


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _mime(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Text of an HTML body. Servers often get the charset wrong, so the evidence is weighed:
    a byte-order mark, then valid UTF-8 (multi-byte sequences are rarely valid by accident), then
    the charset the server or the page declares, then a statistical guess, then windows-1252."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    candidates = ["utf-8", declared]
    meta = META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", errors="ignore"))
    for name in filter(None, candidates):
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    guess = charset_normalizer.from_bytes(body[:200_000]).best()
    return body.decode(guess.encoding if guess else "cp1252", errors="replace")


def read_file(location: str, settings: FetchSettings) -> Page:
    path = Path(location)
    try:
        with path.open("rb") as handle:
            body = handle.read(settings.max_bytes + 1)
    except OSError as exc:
        raise FetchError(location, f"cannot read file ({exc.strerror or exc})") from None
    if len(body) > settings.max_bytes:
        raise FetchError(location, f"larger than the {settings.max_bytes}-byte limit")
    if path.suffix.lower() not in HTML_SUFFIXES and not _looks_like_html(body):
        raise FetchError(location, "not HTML (file does not start with markup)")
    html = decode_html(body)
    return Page(location, location, "text/html", html, content_hash(html), datetime.now(timezone.utc))


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<meta", b"<!--"))


def _looks_binary(body: bytes) -> bool:
    head = body[:1024]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return head.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff")) or b"\x00" in head


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
