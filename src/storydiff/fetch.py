"""Fetch stage: the only module that touches the network or reads article files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import httpx

from .errors import FetchError, TransientFetchError
from .settings import FetchSettings

HTML_TYPES = ("text/html", "application/xhtml+xml")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


@dataclass(frozen=True)
class Page:
    url: str  # where it was asked for (story-file location)
    final_url: str  # after redirects
    content_type: str
    html: str
    sha256: str
    fetched_at: datetime


def content_hash(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def fetch_page(location: str, settings: FetchSettings, client: httpx.Client | None = None) -> Page:
    """Fetch one article by URL or file path; raises FetchError with a short reason."""
    if location.startswith(("http://", "https://")):
        if client is None:
            with make_client(settings) as own_client:
                return _fetch_url(location, settings, own_client)
        return _fetch_url(location, settings, client)
    return _read_file(location, settings)


def make_client(settings: FetchSettings) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(settings.timeout_s),
        headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml"},
        follow_redirects=True,
        max_redirects=5,
    )


def _fetch_url(url: str, settings: FetchSettings, client: httpx.Client) -> Page:
    try:
        with client.stream("GET", url) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise TransientFetchError(url, f"HTTP {response.status_code}")
            if response.status_code >= 400:
                raise FetchError(url, f"HTTP {response.status_code}")
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type not in HTML_TYPES:
                raise FetchError(url, f"not HTML (content-type {content_type or 'missing'})")
            body = _read_capped(response.iter_bytes(), settings.max_bytes, url)
            encoding = response.charset_encoding or "utf-8"
            final_url = str(response.url)
    except httpx.TimeoutException:
        raise TransientFetchError(url, f"timed out after {settings.timeout_s:g}s") from None
    except httpx.TooManyRedirects:
        raise FetchError(url, "too many redirects") from None
    except httpx.TransportError as exc:
        raise TransientFetchError(url, f"connection failed ({type(exc).__name__})") from None
    html = _decode(body, encoding)
    return Page(url, final_url, content_type, html, content_hash(html), datetime.now(timezone.utc))


def _read_file(location: str, settings: FetchSettings) -> Page:
    path = Path(location)
    try:
        with path.open("rb") as handle:
            body = _read_capped(iter(lambda: handle.read(65536), b""), settings.max_bytes, location)
    except OSError as exc:
        raise FetchError(location, f"cannot read file ({exc.strerror or exc})") from None
    if path.suffix.lower() not in HTML_SUFFIXES and not _looks_like_html(body):
        raise FetchError(location, "not HTML (file does not start with markup)")
    html = _decode(body, "utf-8")
    return Page(location, location, "text/html", html, content_hash(html), datetime.now(timezone.utc))


def _read_capped(chunks, max_bytes: int, location: str) -> bytes:
    body = bytearray()
    for chunk in chunks:
        body.extend(chunk)
        if len(body) > max_bytes:
            raise FetchError(location, f"larger than the {max_bytes}-byte limit")
    return bytes(body)


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body"))


def _decode(body: bytes, encoding: str) -> str:
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:  # an unknown charset named by the server
        return body.decode("utf-8", errors="replace")
