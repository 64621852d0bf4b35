"""Polling feeds the way a site operator would accept: conditional requests through storydiff's
own fetcher, nothing parsed when nothing changed, failing feeds backed off one by one.

A feed's state goes in, its next state and its items come out; the store keeps the states.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from ..errors import FeedGoneError, FetchError
from ..fetch import Fetcher
from .feeds import FeedItem, FeedParseError, parse_feed

BASE_BACKOFF = timedelta(minutes=15)
MAX_BACKOFF = timedelta(days=1)


@dataclass(frozen=True)
class FeedState:
    url: str  # the URL polled (rewritten after a permanent redirect)
    outlet: str
    etag: str | None = None  # exactly as the server sent it
    last_modified: str | None = None
    body_hash: str | None = None  # for servers that send neither
    status: str = "new"
    failures: int = 0
    disabled: bool = False
    next_poll_at: datetime | None = None
    last_polled_at: datetime | None = None


@dataclass(frozen=True)
class PollResult:
    state: FeedState
    items: list[FeedItem] = field(default_factory=list)
    more_feeds: list[str] = field(default_factory=list)  # sitemaps of an index, feeds a homepage names
    parsed: bool = False  # False: 304 or an identical body, nothing was parsed
    previous_url: str | None = None  # set when a permanent redirect moved the feed


def due(state: FeedState, now: datetime) -> bool:
    return not state.disabled and (state.next_poll_at is None or state.next_poll_at <= now)


def poll_feed(fetcher: Fetcher, state: FeedState, now: datetime) -> PollResult:
    """One conditional request; a 304 or an unchanged body costs nothing else."""
    try:
        answer = fetcher.fetch_feed(state.url, state.etag, state.last_modified)
    except FeedGoneError as exc:
        return PollResult(replace(state, status=exc.reason, disabled=True, last_polled_at=now))
    except FetchError as exc:
        return PollResult(_failed(state, exc.reason, now, getattr(exc, "retry_after", None)))
    moved = answer.moved_to if answer.moved_to and answer.moved_to != state.url else None
    polled = replace(state, url=moved or state.url, last_polled_at=now, next_poll_at=None, failures=0,
                     etag=answer.etag if answer.status != 304 else (answer.etag or state.etag),
                     last_modified=answer.last_modified if answer.status != 304 else (answer.last_modified or state.last_modified))
    previous = state.url if moved else None
    if answer.status == 304:
        return PollResult(replace(polled, status="not modified"), previous_url=previous)
    body_hash = hashlib.sha256(answer.body).hexdigest()
    if body_hash == state.body_hash:
        return PollResult(replace(polled, status="unchanged"), previous_url=previous)
    try:
        parsed = parse_feed(answer.body, answer.final_url, answer.content_type)
    except FeedParseError as exc:
        return PollResult(_failed(state, str(exc), now), previous_url=previous)
    return PollResult(replace(polled, body_hash=body_hash, status=f"ok ({parsed.kind}, {len(parsed.items)} items)"),
                      parsed.items, parsed.sitemaps + parsed.feeds, parsed=True, previous_url=previous)


def _failed(state: FeedState, reason: str, now: datetime, retry_after: float | None = None) -> FeedState:
    """Counted, and the feed alone waits longer each time (15 min, 30 min, ... at most a day),
    or as long as the server asked (Retry-After), if longer."""
    failures = state.failures + 1
    wait = min(BASE_BACKOFF * 2 ** (failures - 1), MAX_BACKOFF)
    if retry_after:
        wait = max(wait, timedelta(seconds=retry_after))
    return replace(state, status=f"failed: {reason}", failures=failures, last_polled_at=now, next_poll_at=now + wait)
