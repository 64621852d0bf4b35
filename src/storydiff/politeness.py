"""Politeness toward the sites storydiff reads: one request at a time per host, spaced out,
and robots.txt (RFC 9309) honoured. State lives for one run and is shared by its fetch threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.robotparser import RobotFileParser

ROBOTS_AGENT = "storydiff"


class HostGate:
    """At most one request at a time per host, and at least `delay` seconds between two."""

    def __init__(self, min_delay_s: float, max_delay_s: float = 30.0):
        self.min_delay_s = min_delay_s
        self.max_delay_s = max_delay_s
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last_done: dict[str, float] = {}
        self._delay: dict[str, float] = {}

    def ask_for_delay(self, host: str, seconds: float) -> None:
        """A site's Crawl-delay: longer gaps than ours are kept, up to max_delay_s."""
        self._delay[host] = min(max(seconds, self.min_delay_s), self.max_delay_s)

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            last = self._last_done.get(host)
            if last is not None:
                wait = last + self._delay.get(host, self.min_delay_s) - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            try:
                yield
            finally:
                self._last_done[host] = time.monotonic()


class SharedHostGate(HostGate):
    """HostGate whose spacing also holds across processes (workers on other machines too): each
    request holds the one slot of the Prefect global concurrency limit `storydiff-host-<host>`
    from before it is sent until `delay` seconds after it ended, so whoever takes the slot next
    sends after that, however long the messages to the server took. storydiff creates the limit
    on first use; the slot is leased, so a killed process frees it within `LEASE_S`. Needs a
    Prefect server every process talks to (PREFECT_API_URL)."""

    LEASE_S = 60.0  # the server's shortest lease

    def __init__(self, min_delay_s: float, max_delay_s: float = 30.0):
        super().__init__(min_delay_s, max_delay_s)
        self._limits: set[str] = set()  # hosts whose limit this process has checked

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        from prefect.concurrency.sync import concurrency

        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:  # the process's own threads queue here rather than at the server
            if host not in self._limits:
                ensure_host_limit(host)
                self._limits.add(host)
            with concurrency(host_limit_name(host), strict=True, lease_duration=self.LEASE_S):
                try:
                    yield
                finally:
                    # the spacing is kept while the slot is held: its release is what lets the
                    # next request go, from this process or another
                    time.sleep(self._delay.get(host, self.min_delay_s))


def host_limit_name(host: str) -> str:
    """Prefect names allow no '/' or '%'; a port's ':' is kept apart as '_'."""
    return "storydiff-host-" + "".join(c if c.isalnum() or c in ".-" else "_" for c in host.lower())


def ensure_host_limit(host: str) -> None:
    """The host's global concurrency limit: one slot, freed only by its holder (no decay);
    created, or set back to that when an older storydiff made it a decaying rate limit. Two
    processes creating it at once is harmless."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    name = host_limit_name(host)
    with get_client(sync_client=True) as client:
        try:
            limit = client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            try:
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
            except ObjectAlreadyExists:
                pass
            return
        if limit.limit != 1 or limit.slot_decay_per_second:
            client.update_global_concurrency_limit(
                name, GlobalConcurrencyLimitUpdate(limit=1, slot_decay_per_second=0.0))


class RobotsRules:
    """robots.txt per origin, fetched at most once per run through `load` (which returns status
    and text); `known` answers (kept by the store for 24 hours) are not fetched again, and the
    answers fetched in this run are in `fresh`, for the store to keep."""

    def __init__(self, load: Callable[[str], tuple[int, str]], known: dict[str, tuple[int, str]] | None = None):
        self._load = load
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._parsed: dict[str, RobotFileParser | None] = {}  # None: no rules, everything allowed
        self._known = dict(known or {})
        self.fresh: dict[str, tuple[int, str]] = {}

    def parser_for(self, origin: str) -> RobotFileParser | None:
        with self._guard:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one fetch of robots.txt per origin even when threads ask together
            if origin not in self._parsed:
                if origin in self._known:
                    status, text = self._known[origin]
                else:
                    status, text = self._load(f"{origin}/robots.txt")
                    self.fresh[origin] = (status, text)
                # RFC 9309: 4xx means no rules; the loader raises for 5xx and network failures,
                # which are not cached, so the next article on that host asks again.
                self._parsed[origin] = _parse(text) if 200 <= status < 300 else None
            return self._parsed[origin]


def _parse(text: str) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser
