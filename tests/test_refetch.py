"""Re-running a story costs little: conditional requests for articles fetched before, and
robots.txt answers kept in the database for 24 hours, across runs and processes."""

import hashlib
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from flows.compare import compare_story
from storydiff.fetch import Fetcher

from conftest import FAST_FETCH, SAMPLE_DIR, write_story


class Site(BaseHTTPRequestHandler):
    log: list[tuple[str, str | None]] = []  # path, If-None-Match

    def log_message(self, *args):
        pass

    def do_GET(self):
        Site.log.append((self.path, self.headers.get("If-None-Match")))
        if self.path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /private/\n", {})
        page = SAMPLE_DIR / "louvre-heist" / self.path.removeprefix("/")
        if not page.is_file():
            return self._send(404, b"", {})
        body = page.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, b"", {"ETag": etag})
        return self._send(200, body, {"ETag": etag, "Content-Type": "text/html; charset=utf-8"})

    def _send(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_page_fetched_before_is_asked_for_conditionally(site):
    with Fetcher(FAST_FETCH) as fetcher:
        first = fetcher.fetch(f"{site}/metro.html")
        assert first.etag and first.etag.startswith('"')
        again = fetcher.fetch(f"{site}/metro.html", first)
    assert Site.log[-1] == ("/metro.html", first.etag)  # sent exactly as received; the server said 304
    assert again.sha256 == first.sha256 and again.html == first.html and again.fetched_at > first.fetched_at


def test_reruns_keep_robots_for_a_day_and_send_conditional_requests(site, settings, tmp_path):
    story = write_story(tmp_path / "s.toml", "rerun", [(n, f"{site}/{n}.html") for n in ("tribune", "metro", "capital")])
    Site.log.clear()
    compare_story(str(story), settings)
    assert [path for path, _ in Site.log].count("/robots.txt") == 1
    assert all(etag is None for path, etag in Site.log if path != "/robots.txt")
    Site.log.clear()
    compare_story(str(story), settings)  # a new fetcher, as a scheduled run in a new process has
    assert "/robots.txt" not in [path for path, _ in Site.log]
    assert sorted(path for path, _ in Site.log) == ["/capital.html", "/metro.html", "/tribune.html"]
    assert all(etag for _, etag in Site.log)  # every article asked "changed since?"
    with duckdb.connect(str(settings.db_path)) as con:  # a day later the answer is stale
        con.execute("UPDATE robots SET fetched_at = fetched_at - ?", [timedelta(hours=25)])
    Site.log.clear()
    compare_story(str(story), settings)
    assert [path for path, _ in Site.log].count("/robots.txt") == 1
