"""Politeness toward the sites storydiff reads: one request at a time per host, spaced out,
and robots.txt (RFC 9309) honoured. State lives for one run and is shared by its fetch threads."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol
from urllib.robotparser import RobotFileParser

from .errors import TransientFetchError

ROBOTS_AGENT = "storydiff"
RobotsAnswer = tuple[int, str]  # HTTP status, text


class SlotNoLongerNeeded(Exception):
    """Raised from a wait for a host's slot once the request waited for is not needed any more
    (`given_up_when`): another process made it meanwhile."""


_give_up_when: ContextVar[Callable[[], bool] | None] = ContextVar("give_up_when", default=None)


@contextmanager
def given_up_when(done_elsewhere: Callable[[], bool]) -> Iterator[None]:
    """In this block, a wait for a host's slot across processes stops with SlotNoLongerNeeded as
    soon as `done_elsewhere()` is true (asked before each try for the slot, and once it is granted)."""
    token = _give_up_when.set(done_elsewhere)
    try:
        yield
    finally:
        _give_up_when.reset(token)


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
            self._before_request(host)  # a request not made (it raised) leaves the spacing as it was
            try:
                yield
            finally:
                self._last_done[host] = time.monotonic()

    def _before_request(self, host: str) -> None:
        pass

    def close(self) -> None:
        pass


class SharedHostGate(HostGate):
    """HostGate whose spacing also holds across processes (workers on other machines too): before
    each request a host's turn also takes a slot of the Prefect global concurrency limit
    `storydiff-host-<host>` (one slot, freed `delay + GRANT_MARGIN_S` seconds after it was taken),
    which storydiff creates on first use. Needs a Prefect server every process talks to
    (PREFECT_API_URL)."""

    # The slot's time runs from when the server grants it, not from when the request reaches the
    # host; two grants answered at different speeds put requests closer than the delay by that
    # difference (0.885 s apart for a 1 s delay in CI, 2026-11-27). The margin absorbs it.
    GRANT_MARGIN_S = 0.25

    def __init__(self, min_delay_s: float, max_delay_s: float = 30.0):
        super().__init__(min_delay_s, max_delay_s)
        self._limits: dict[str, float] = {}  # host -> the delay its limit was set to
        # One slot asked for at a time in a process. Two runs fetching the same hosts at once,
        # each asking for all of them together, win about half of them each: both wait a slot
        # for the rest and stay in step, colliding again at their next story. Asked one after
        # another, the first process to get a slot gets the rest before the other asks: one run
        # waits, and the two fall out of step (scale demo, README "Workers").
        self._asking = threading.Lock()
        # One Prefect client for the gate's life, used under `_asking`: a client opened per
        # request cost 20 ms of CPU each, a quarter of a second a story (bench/host_slots.py).
        self._client = None

    def close(self) -> None:
        # not under `_asking`: a fetch still waiting for a slot must not hold the run's end
        client, self._client = self._client, None
        if client is not None:
            client.__exit__(None, None, None)

    def _prefect(self):
        if self._client is None:
            from prefect.client.orchestration import get_client

            self._client = get_client(sync_client=True).__enter__()
        return self._client

    def ask_for_delay(self, host: str, seconds: float) -> None:
        super().ask_for_delay(host, seconds)
        self._limits.pop(host, None)  # set again, with the longer gap, at its next turn

    def _before_request(self, host: str) -> None:
        with self._asking:
            self._take_slot(host)

    def _take_slot(self, host: str) -> None:
        try:
            delay = self._delay.get(host, self.min_delay_s) + self.GRANT_MARGIN_S
            client = self._prefect()
            if self._limits.get(host) != delay:
                ensure_host_limit(client, host, delay)
                self._limits[host] = delay
            take_host_slot(client, host, delay)
        except SlotNoLongerNeeded:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever the Prefect client raises, the fetch shows one line
            from prefect.settings import PREFECT_API_URL

            raise TransientFetchError(host, f"no turn for {host} from the Prefect server at {PREFECT_API_URL.value()} "
                                            f"({type(exc).__name__}: {str(exc)[:200]})") from None


# Prefect's own `rate_limit` waits the server's Retry-After, which grows with every slot refused
# before (its guard against herds of tasks); two workers taking turns at the same hosts were told
# to wait several slot lengths for a slot that frees within one. Asking again a fraction of a slot
# later (with jitter, so two waiters do not ask in step) keeps the hosts busy at their spacing.
RETRY_FRACTION = 0.2


def take_host_slot(client, host: str, delay_s: float) -> None:
    """Block until the host's slot is ours: one increment per try, a refusal (423) tried again
    after a fifth of the slot's length or so. Before each try and once granted, SlotNoLongerNeeded
    when the request was made elsewhere meanwhile (`given_up_when`)."""
    import httpx

    name = host_limit_name(host)
    done_elsewhere = _give_up_when.get()
    while True:
        if done_elsewhere is not None and done_elsewhere():
            raise SlotNoLongerNeeded(host)
        try:
            granted = client.increment_concurrency_slots(names=[name], slots=1, mode="rate_limit").json()
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 423:
                raise
            time.sleep(delay_s * RETRY_FRACTION * random.uniform(0.5, 1.5))
            continue
        if not granted:  # the server knows no limit of that name
            raise LookupError(f"no concurrency limit named {name}")
        if done_elsewhere is not None and done_elsewhere():
            raise SlotNoLongerNeeded(host)  # made while the server answered: the slot goes unused
        return


def host_limit_name(host: str) -> str:
    """Prefect names allow no '/' or '%'; a port's ':' is kept apart as '_'."""
    return "storydiff-host-" + "".join(c if c.isalnum() or c in ".-" else "_" for c in host.lower())


def ensure_host_limit(client, host: str, delay_s: float) -> None:
    """The host's global concurrency limit: one slot, decaying after `delay_s`; created, or
    updated when the delay changed. Two processes creating it at once is harmless."""
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    name, decay = host_limit_name(host), 1.0 / max(delay_s, 0.001)
    try:
        limit = client.read_global_concurrency_limit_by_name(name)
    except ObjectNotFound:
        try:
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=name, limit=1, slot_decay_per_second=decay))
        except ObjectAlreadyExists:
            pass
        return
    if limit.limit != 1 or abs((limit.slot_decay_per_second or 0) - decay) > 1e-9:
        client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(limit=1, slot_decay_per_second=decay))


class SharedRobots(Protocol):
    """robots.txt answers other processes see as soon as one is kept (parquet_store.SharedRobots)."""

    def get(self, origin: str) -> RobotsAnswer | None: ...

    def put(self, origin: str, answer: RobotsAnswer) -> None: ...


class RobotsRules:
    """robots.txt per origin, fetched at most once per run through `load` (which returns status
    and text); `known` answers (kept by the store for 24 hours) are not fetched again, and the
    answers fetched in this run are in `fresh`, for the store to keep (with `shared`, kept there
    at once instead).

    With `shared` answers (workers fetching at once), an origin's answer is looked up there first
    and kept there as soon as fetched; while this process waits for the host's turn to fetch it,
    another that fetched it meanwhile ends the wait: N workers starting on the same outlets ask
    each for robots.txt once, not N times."""

    def __init__(self, load: Callable[[str], RobotsAnswer], known: dict[str, RobotsAnswer] | None = None,
                 shared: SharedRobots | None = None):
        self._load = load
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._parsed: dict[str, RobotFileParser | None] = {}  # None: no rules, everything allowed
        self._known = dict(known or {})
        self._shared = shared
        self.fresh: dict[str, RobotsAnswer] = {}

    def parser_for(self, origin: str) -> RobotFileParser | None:
        with self._guard:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one fetch of robots.txt per origin even when threads ask together
            if origin not in self._parsed:
                status, text = self._known.get(origin) or self._fetch(origin)
                # RFC 9309: 4xx means no rules; the loader raises for 5xx and network failures,
                # which are not cached, so the next article on that host asks again.
                self._parsed[origin] = _parse(text) if 200 <= status < 300 else None
            return self._parsed[origin]

    def _fetch(self, origin: str) -> RobotsAnswer:
        """Fetched here, unless (shared) another process has it or gets it while this one waits
        for the host's turn: take_host_slot asks before each try, the first included."""
        if self._shared is None:
            answer = self.fresh[origin] = self._load(f"{origin}/robots.txt")
            return answer
        found: list[RobotsAnswer] = []

        def fetched_elsewhere() -> bool:
            answer = self._shared.get(origin)
            if answer is not None:
                found.append(answer)
            return answer is not None

        try:
            with given_up_when(fetched_elsewhere):
                answer = self._load(f"{origin}/robots.txt")
        except SlotNoLongerNeeded:
            return found[-1]
        self._shared.put(origin, answer)
        return answer


def _parse(text: str) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser
