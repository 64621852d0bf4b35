"""Politeness toward the sites storydiff reads: one request at a time per host, spaced out,
and robots.txt (RFC 9309) honoured. State lives for one run and is shared by its fetch threads."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.robotparser import RobotFileParser

from .errors import TransientFetchError

ROBOTS_AGENT = "storydiff"
log = logging.getLogger("storydiff")


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
    sends after that, however long the messages to the server took. A timer gives the slot back,
    so the caller goes on at once; the process does not end before its timers have run. storydiff
    creates the limit on first use; the slot is leased, so a killed process frees it within
    `LEASE_S`. Needs a Prefect server every process talks to (PREFECT_API_URL)."""

    LEASE_S = 60.0  # the server's shortest lease
    POLL_S = 0.1  # how soon a refused request for the slot asks again (at most)

    def __init__(self, min_delay_s: float, max_delay_s: float = 30.0):
        super().__init__(min_delay_s, max_delay_s)
        self._limits: set[str] = set()  # hosts whose limit this gate has checked

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        # held until the slot is back, so this gate's own threads queue here, not at the server
        lock.acquire()
        try:
            lease = self._take_slot(host)
        except BaseException:
            lock.release()
            raise
        try:
            yield
        finally:
            # not a daemon: a process that ends waits for it (at most one delay) rather than
            # leaving the host locked until the lease expires
            threading.Timer(self._delay.get(host, self.min_delay_s), _give_back, (lease, lock, host)).start()

    def _take_slot(self, host: str) -> str:
        try:
            return self._ask_for_slot(host)
        except TransientFetchError:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever the Prefect client raises, the fetch shows one line
            from prefect.settings import PREFECT_API_URL

            raise TransientFetchError(host, f"no turn for {host} from the Prefect server at {PREFECT_API_URL.value()} "
                                            f"({type(exc).__name__}: {str(exc)[:200]})") from None

    def _ask_for_slot(self, host: str) -> str:
        import httpx

        client, name = _prefect_client(), host_limit_name(host)
        if host not in self._limits:
            ensure_host_limit(client, host)
            self._limits.add(host)
        while True:
            try:
                response = client.increment_concurrency_slots_with_lease([name], 1, "concurrency", self.LEASE_S)
            except httpx.HTTPStatusError as exc:
                if exc.response.status_code != 423:
                    raise
                wait = float(exc.response.headers.get("Retry-After") or self.POLL_S)
                time.sleep(min(max(wait, 0.0), self.POLL_S))
                continue
            answer = response.json()
            if not answer.get("limits"):  # removed since we looked: make it again
                ensure_host_limit(client, host)
                continue
            return answer["lease_id"]


_clients = threading.local()


def _prefect_client():
    """This thread's sync Prefect client. One client shared by the fetch threads and the timers
    left a fetch waiting for ever on the server's answer, its slot granted (scale demo,
    2026-11-27), so no client is shared between threads."""
    client = getattr(_clients, "client", None)
    if client is None:
        from prefect.client.orchestration import get_client

        client = _clients.client = get_client(sync_client=True).__enter__()
    return client


def _give_back(lease: str, lock: threading.Lock, host: str) -> None:
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:  # a timer's thread runs once: no client to keep
            client.release_concurrency_slots_with_lease(lease)
    except Exception as exc:  # noqa: BLE001 - the lease frees the slot on its own; this host must go on
        log.warning("storydiff: could not give back %s's slot (%s); it frees itself within %g s",
                    host, exc, SharedHostGate.LEASE_S)
    finally:
        lock.release()


def host_limit_name(host: str) -> str:
    """Prefect names allow no '/' or '%'; a port's ':' is kept apart as '_'."""
    return "storydiff-host-" + "".join(c if c.isalnum() or c in ".-" else "_" for c in host.lower())


def ensure_host_limit(client, host: str) -> None:
    """The host's global concurrency limit: one slot, freed only by its holder (no decay);
    created, or set back to that when an older storydiff made it a decaying rate limit. Two
    processes creating it at once is harmless. `client`: a sync Prefect client."""
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    name = host_limit_name(host)
    try:
        limit = client.read_global_concurrency_limit_by_name(name)
    except ObjectNotFound:
        try:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
        except ObjectAlreadyExists:
            pass
        return
    if limit.limit != 1 or limit.slot_decay_per_second or not limit.active:
        client.update_global_concurrency_limit(
            name, GlobalConcurrencyLimitUpdate(limit=1, slot_decay_per_second=0.0, active=True))


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
