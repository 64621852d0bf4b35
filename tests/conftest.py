"""Shared fixtures: one Prefect harness, one real HTTP server on 127.0.0.1, the sample story.

The embedding model is loaded once per process by storydiff.embed.load_embedder, so every
flow run in the session reuses it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# Before Prefect is imported anywhere: no telemetry, a private home, quiet logs.
_PREFECT_HOME = tempfile.mkdtemp(prefix="storydiff-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from storydiff.settings import FetchSettings, Settings  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "data" / "stories"
SAMPLE_STORY = SAMPLE_DIR / "louvre-heist.toml"
SAMPLE_GOLD = SAMPLE_DIR / "louvre-heist.gold.tsv"


@pytest.fixture(scope="session", autouse=True)
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


class _Handler(BaseHTTPRequestHandler):
    flaky_hits: dict[str, int] = {}
    seen_user_agents: list[str] = []

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        _Handler.seen_user_agents.append(self.headers.get("User-Agent", ""))
        path = self.path.split("?")[0]
        if path.startswith("/articles/"):
            file = SAMPLE_DIR / "louvre-heist" / path.removeprefix("/articles/")
            if file.is_file():
                return self._send(200, "text/html; charset=utf-8", file.read_bytes())
            return self._send(404, "text/html", b"<html><body>Not found</body></html>")
        if path == "/slow":
            time.sleep(3)
            return self._send(200, "text/html", b"<html><body>late</body></html>")
        if path == "/report.pdf":
            return self._send(200, "application/pdf", b"%PDF-1.7 not an article")
        if path == "/huge":
            return self._send(200, "text/html", b"<html><body>" + b"x" * 300_000 + b"</body></html>")
        if path == "/flaky":
            hits = _Handler.flaky_hits[path] = _Handler.flaky_hits.get(path, 0) + 1
            if hits == 1:
                return self._send(503, "text/html", b"busy")
            file = SAMPLE_DIR / "louvre-heist" / "metro.html"
            return self._send(200, "text/html", file.read_bytes())
        return self._send(404, "text/html", b"<html><body>Not found</body></html>")

    def _send(self, status: int, content_type: str, body: bytes):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="session")
def fault_server():
    import fault_server

    server, base = fault_server.start()
    yield base, fault_server.FaultHandler
    server.shutdown()


@pytest.fixture(scope="session")
def http_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Handler
    server.shutdown()


# Fails fast, and opts in to private networks: the test servers listen on 127.0.0.1.
FAST_FETCH = FetchSettings(connect_timeout_s=0.5, read_timeout_s=0.5, total_timeout_s=5, max_bytes=200_000,
                           retries=0, backoff_s=0, min_host_delay_s=0, allow_private_networks=True)


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Fast-failing fetch settings and a fresh DuckDB file per test."""
    return replace(Settings(), db_path=tmp_path / "test.duckdb", report_dir=tmp_path / "reports", fetch=FAST_FETCH)


def write_story(path: Path, story_id: str, articles: list[tuple[str, str]], title: str = "Test story") -> Path:
    lines = [f'id = "{story_id}"', f'title = "{title}"', ""]
    for outlet, url in articles:
        lines += ["[[articles]]", f'outlet = "{outlet}"', f'url = "{url}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
