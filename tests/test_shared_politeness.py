"""Per-host spacing across processes: two fetching processes, one loopback host, one Prefect
server (the session's test harness). Each request takes the one slot of the host's global
concurrency limit first, so the host sees its requests spaced out whoever sends them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.settings import PREFECT_API_URL

from storydiff.politeness import SharedHostGate, host_limit_name

REPO = Path(__file__).resolve().parents[1]
DELAY = 0.5
FETCHER = """
import sys
from storydiff.fetch import Fetcher
from storydiff.settings import FetchSettings
settings = FetchSettings(min_host_delay_s={delay}, allow_private_networks=True, retries=0, shared_host_limits=True)
with Fetcher(settings) as fetcher:
    for n in range(3):
        fetcher.fetch(f"{base}/page-{{sys.argv[1]}}-{{n}}.html")
"""


class Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[float, str]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Recorder.seen.append((time.monotonic(), self.path))
        body = b"<html><body><p>A page long enough to count as an article.</p></body></html>"
        self.send_response(404 if self.path == "/robots.txt" else 200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def run_two_processes(code: str, env: dict, server: ThreadingHTTPServer) -> None:
    """`code` run by two processes at once (argv[1]: 0 and 1); each must succeed."""
    try:
        workers = [subprocess.Popen([sys.executable, "-c", code, str(n)], env=env, stderr=subprocess.PIPE, text=True)
                   for n in range(2)]
        for worker in workers:
            assert worker.wait(timeout=180) == 0, worker.stderr.read()[-2000:]
    finally:
        server.shutdown()


def test_two_processes_keep_one_hosts_spacing_through_the_prefect_server():
    Recorder.seen.clear()  # the requests of this test alone, whatever ran before it
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{server.server_address[1]}"
    env = os.environ | {"PREFECT_API_URL": PREFECT_API_URL.value(), "PYTHONPATH": str(REPO / "src")}
    code = FETCHER.format(delay=DELAY, base=f"http://{host}")
    with get_client(sync_client=True) as client:  # as storydiff before 2026-11-27 left it: a decaying rate limit
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name=host_limit_name(host), limit=1, slot_decay_per_second=1 / DELAY))
    run_two_processes(code, env, server)
    times = sorted(t for t, path in Recorder.seen if path != "/robots.txt")
    assert len(times) == 6
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= DELAY, gaps  # whichever process sent them
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(host_limit_name(host))
    assert limit.limit == 1  # and the old limit now frees its slot the margin later
    assert abs(limit.slot_decay_per_second - 1 / (DELAY + SharedHostGate.GRANT_MARGIN_S)) < 1e-9


def test_no_prefect_server_fails_the_fetch_with_one_line_naming_it():
    code = """
from storydiff.errors import FetchError
from storydiff.fetch import Fetcher
from storydiff.settings import FetchSettings
settings = FetchSettings(allow_private_networks=True, retries=0, shared_host_limits=True)
with Fetcher(settings) as fetcher:
    try:
        fetcher.fetch("http://127.0.0.1:9/story.html")
    except FetchError as exc:
        print(exc.reason)
"""
    env = os.environ | {"PREFECT_API_URL": "http://127.0.0.1:9/api", "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    reason = done.stdout.strip()  # robots.txt is asked for first
    assert reason.startswith("robots.txt of 127.0.0.1:9: no turn for 127.0.0.1:9 from the Prefect server at "
                             "http://127.0.0.1:9/api (ConnectError"), (reason, done.stderr[-2000:])
    assert "\n" not in reason


def test_a_process_asks_for_one_host_slot_at_a_time(monkeypatch):
    """Its fetch threads ask the server in turn: two runs fetching the same outlets at once then
    do not split the outlets' next slots between them, which delays both (README, "Workers")."""
    import storydiff.politeness as politeness
    from storydiff.fetch import Fetcher
    from storydiff.settings import FetchSettings

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Recorder) for _ in range(6)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    asking: list[tuple[float, float]] = []
    take = politeness.take_host_slot

    def timed_take(client, host: str, delay_s: float) -> None:
        started = time.monotonic()
        take(client, host, delay_s)
        asking.append((started, time.monotonic()))

    monkeypatch.setattr(politeness, "take_host_slot", timed_take)
    settings = FetchSettings(min_host_delay_s=DELAY, allow_private_networks=True, retries=0, shared_host_limits=True)
    try:
        with Fetcher(settings) as fetcher:
            threads = [threading.Thread(target=fetcher.fetch, args=(f"http://127.0.0.1:{s.server_address[1]}/one.html",))
                       for s in servers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
    finally:
        for server in servers:
            server.shutdown()
    assert len(asking) == 12  # robots.txt and the page, on each of the six hosts
    asking.sort()
    assert all(earlier_end <= later_start for (_, earlier_end), (later_start, _) in zip(asking, asking[1:])), asking



def test_a_fetcher_asks_for_all_its_turns_through_one_prefect_client_and_closes_it(monkeypatch):
    """A client opened per request cost 20 ms of CPU each (bench/host_slots.py)."""
    import prefect.client.orchestration as orchestration
    from storydiff.fetch import Fetcher
    from storydiff.settings import FetchSettings

    opened = []

    def counted_get_client(*args, **kwargs):
        client = get_client(*args, **kwargs)
        opened.append(client)
        return client

    monkeypatch.setattr(orchestration, "get_client", counted_get_client)
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Recorder) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = FetchSettings(min_host_delay_s=0.05, allow_private_networks=True, retries=0, shared_host_limits=True)
    try:
        with Fetcher(settings) as fetcher:
            for n in range(2):
                for server in servers:
                    fetcher.fetch(f"http://127.0.0.1:{server.server_address[1]}/page-{n}.html")
            kept = getattr(fetcher.gate, "_client", None)
    finally:
        for server in servers:
            server.shutdown()
    assert len(opened) == 1  # six turns: robots.txt and two pages on each host
    assert kept is opened[0]
    assert opened[0]._closed
    assert fetcher.gate._client is None

FETCHER_SHARING_ROBOTS = """
import sys, time
from datetime import datetime, timedelta, timezone
from storydiff.fetch import Fetcher
from storydiff.parquet_store import SharedRobots
from storydiff.settings import FetchSettings
settings = FetchSettings(min_host_delay_s={delay}, allow_private_networks=True, retries=0, shared_host_limits=True)
shared = SharedRobots({folder!r}, datetime.now(timezone.utc) - timedelta(days=1))
while time.time() < {start}:
    time.sleep(0.005)
with Fetcher(settings, None, shared) as fetcher:
    fetcher.fetch(f"{base}/page-{{sys.argv[1]}}.html")
"""


def test_two_processes_starting_together_ask_for_robots_txt_once(tmp_path):
    """The second finds the first's answer while it waits for the host's turn, and takes the turn
    for its page instead."""
    from storydiff.parquet_store import write_schema_files

    Recorder.seen.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    write_schema_files(tmp_path)
    env = os.environ | {"PREFECT_API_URL": PREFECT_API_URL.value(), "PYTHONPATH": str(REPO / "src")}
    code = FETCHER_SHARING_ROBOTS.format(delay=DELAY, folder=str(tmp_path), start=time.time() + 4,
                                         base=f"http://127.0.0.1:{server.server_address[1]}")
    run_two_processes(code, env, server)
    seen = sorted(Recorder.seen)
    paths = [path for _, path in seen]
    assert paths.count("/robots.txt") == 1, [(round(t - seen[0][0], 3), path) for t, path in seen]
    assert sorted(paths) == ["/page-0.html", "/page-1.html", "/robots.txt"]
    times = sorted(t for t, _ in Recorder.seen)
    assert min(b - a for a, b in zip(times, times[1:])) >= DELAY
