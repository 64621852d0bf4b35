"""Polling unchanged feeds: 200 RSS feeds on 200 loopback addresses (127.0.1.1 ...), each
answering 304 to its ETag. A first poll reads and parses them all; the second, timed, should
cost 200 conditional requests and nothing else. Polls as the watch flow does (one fetcher,
16 threads). Prints the timing and the request count; writes bench/poll.json.

    .venv/bin/python bench/poll.py [FEEDS]
"""

from __future__ import annotations

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from storydiff.discover.poll import FeedState, poll_feed  # noqa: E402
from storydiff.fetch import Fetcher  # noqa: E402
from storydiff.settings import FetchSettings  # noqa: E402


def feed(host: str) -> bytes:
    items = "".join(f"<item><title>Story {n} from {host}</title><link>http://{host}/a/{n}</link><guid>{host}-{n}</guid>"
                    f"<pubDate>Sun, 19 Oct 2025 12:0{n}:00 GMT</pubDate><description>Summary {n}.</description></item>"
                    for n in range(10))
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>{host}</title>{items}</channel></rss>".encode()


class Feed(BaseHTTPRequestHandler):
    requests: list[tuple[str, str | None]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Feed.requests.append((self.path, self.headers.get("If-None-Match")))
        if self.path == "/robots.txt":
            return self._send(404, b"", {})
        if self.headers.get("If-None-Match") == '"v1"':
            return self._send(304, b"", {"ETag": '"v1"'})
        return self._send(200, feed(self.headers["Host"]), {"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    def _send(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    servers, states, port = [], [], 0
    for n in range(count):
        host = f"127.0.{1 + n // 250}.{1 + n % 250}"
        server = ThreadingHTTPServer((host, port), Feed)
        port = port or server.server_address[1]
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        states.append(FeedState(f"http://{host}:{port}/rss.xml", f"Outlet {n}"))
    settings = replace(FetchSettings(), allow_private_networks=True)
    now = datetime.now(timezone.utc)
    with Fetcher(settings) as fetcher, ThreadPoolExecutor(16) as pool:
        started = time.perf_counter()
        first = list(pool.map(lambda s: poll_feed(fetcher, s, now), states))
        cold = time.perf_counter() - started
        Feed.requests.clear()
        started = time.perf_counter()
        second = list(pool.map(lambda r: poll_feed(fetcher, r.state, now), first))
        unchanged = time.perf_counter() - started
    result = {
        "feeds": count, "first_poll_s": round(cold, 2), "unchanged_poll_s": round(unchanged, 2),
        "first_poll_items": sum(len(r.items) for r in first),
        "unchanged_requests": len(Feed.requests),
        "unchanged_conditional_requests": sum(1 for _, etag in Feed.requests if etag),
        "unchanged_parsed": sum(r.parsed for r in second),
        "unchanged_statuses": sorted({r.state.status for r in second}),
        "note": "robots.txt asked in the first poll only (same fetcher); the watch flow also keeps it 24 h in the database",
    }
    print(json.dumps(result, indent=2))
    (REPO / "bench" / "poll.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
