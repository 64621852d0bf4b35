"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, one fault per path.

FAULTS maps each path to what a careful fetcher must record for it; the good pages under
/good/ are the sample story's articles. Hit counts per path let tests check retries.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "stories" / "louvre-heist"
PAGES = Path(__file__).resolve().parent / "data" / "pages"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"

# path -> the status storydiff records for it (a prefix of the reason is enough)
FAULTS = {
    "/drip": "timed out after 1s in all",
    "/stall": "timed out: no data for 0.5s",
    "/reset": "connection broken",
    "/error500": "HTTP 500; gave up after 2 attempts",
    "/always-429": "HTTP 429; asked to retry after 3600s",
    "/loop-a": "redirect loop",
    "/to-metadata": "refused: 169.254.169.254 resolves to 169.254.169.254",
    "/huge": "larger than the 2000000-byte limit (Content-Length 20000000)",
    "/huge-stream": "larger than the 2000000-byte limit",
    "/gzip-bomb": "larger than the 2000000-byte limit once decompressed",
    "/report.pdf": "not HTML (content-type application/pdf)",
    "/pdf-as-html": "not HTML (binary body)",
    "/empty": "empty response body",
    "/private/leak.html": "blocked by robots.txt",
    "/gone": "HTTP 404",
    "/paywall": "truncated",
    "/wrong-charset": "ok",
    "/no-charset": "ok",
    "/rate-limited-once": "ok",
}


@cache
def gzip_bomb() -> bytes:
    """50 MB of zeros in about 50 KB."""
    return gzip.compress(b"\0" * 50_000_000, compresslevel=9)


def latin1_article(with_meta: bool) -> bytes:
    meta = '<meta charset="windows-1252">' if with_meta else ""
    html = (f"<!doctype html><html><head>{meta}<title>Café society reacts</title></head><body><article>"
            "<h1>Café society reacts to the Louvre theft</h1>"
            "<p>Regulars at the café opposite the museum said they heard sirens shortly after nine o'clock.</p>"
            "<p>The owner, Hélène Marchand, said business had dropped by half since the museum closed.</p>"
            "<p>Customers paid 4 € for an espresso on the terrace while police cordoned off the quay.</p>"
            "<p>Several waiters said the thieves' scooters had raced past the terrace toward the river.</p>"
            "</article></body></html>")
    return html.encode("cp1252")


class FaultHandler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    hit_times: dict[str, list[float]] = {}
    spans: dict[str, list[tuple[float, float]]] = {}  # (start, end) of each request
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        started = time.monotonic()
        with FaultHandler.lock:
            FaultHandler.hits[path] = FaultHandler.hits.get(path, 0) + 1
            FaultHandler.hit_times.setdefault(path, []).append(started)
        try:
            self._route(path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose (size cap, timeout)
        finally:
            with FaultHandler.lock:
                FaultHandler.spans.setdefault(path, []).append((started, time.monotonic()))

    def _route(self, path: str):
        hits = FaultHandler.hits[path]
        if path == "/robots.txt":
            return self._send(200, "text/plain", ROBOTS)
        if path.startswith("/good/"):
            file = SAMPLE / path.removeprefix("/good/")
            if file.is_file():
                time.sleep(0.05)  # long enough for overlapping requests to show in spans
                return self._send(200, "text/html; charset=utf-8", file.read_bytes())
        if path == "/paywall":
            return self._send(200, "text/html; charset=utf-8", (PAGES / "paywall.html").read_bytes())
        if path == "/drip":
            self._head(200, "text/html", {"Content-Length": "100000"})
            self.wfile.write(b"<html><body><p>")
            for _ in range(200):
                time.sleep(0.1)
                self.wfile.write(b"drip ")
                self.wfile.flush()
            return None
        if path == "/stall":
            time.sleep(2)
            return self._send(200, "text/html", b"<html><body>late</body></html>")
        if path == "/reset":
            self._head(200, "text/html", {"Content-Length": "50000"})
            self.wfile.write(b"<html><body><p>" + b"half a story " * 40)
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()  # RST instead of FIN: the body never completes
            return None
        if path == "/error500":
            return self._send(500, "text/html", b"<html><body>Internal error</body></html>")
        if path == "/busy-once":
            if hits == 1:
                return self._send(503, "text/html", b"busy")
            return self._send(200, "text/html", (SAMPLE / "metro.html").read_bytes())
        if path == "/rate-limited-once":
            if hits == 1:
                return self._send(429, "text/html", b"slow down", {"Retry-After": "1"})
            return self._send(200, "text/html", (SAMPLE / "capital.html").read_bytes())
        if path == "/always-429":
            return self._send(429, "text/html", b"slow down", {"Retry-After": "3600"})
        if path == "/loop-a":
            return self._send(302, "text/html", b"", {"Location": "/loop-b"})
        if path == "/loop-b":
            return self._send(302, "text/html", b"", {"Location": "/loop-a"})
        if path == "/to-metadata":
            return self._send(302, "text/html", b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
        if path.startswith("/hop/"):  # /hop/N redirects N times, then lands on a good page
            left = int(path.removeprefix("/hop/"))
            target = f"/hop/{left - 1}" if left > 0 else "/good/wire.html"
            return self._send(302, "text/html", b"", {"Location": target})
        if path == "/huge":
            self._head(200, "text/html", {"Content-Length": "20000000"})
            return self._stream(20_000_000)
        if path == "/huge-stream":  # no length: the body ends when the connection closes
            self._head(200, "text/html", {})
            return self._stream(20_000_000)
        if path == "/gzip-bomb":
            return self._send(200, "text/html", gzip_bomb(), {"Content-Encoding": "gzip"})
        if path == "/report.pdf":
            return self._send(200, "application/pdf", b"%PDF-1.7\n" + b"\0" * 1000)
        if path == "/pdf-as-html":
            return self._send(200, "text/html", b"%PDF-1.7\n" + b"\0" * 1000)
        if path == "/empty":
            return self._send(200, "text/html", b"")
        if path == "/wrong-charset":  # the header says UTF-8; the bytes and the meta tag say windows-1252
            return self._send(200, "text/html; charset=utf-8", latin1_article(with_meta=True))
        if path == "/no-charset":
            return self._send(200, "text/html", latin1_article(with_meta=False))
        if path == "/private/leak.html":
            return self._send(200, "text/html", (SAMPLE / "metro.html").read_bytes())
        return self._send(404, "text/html", b"<html><body>Not found</body></html>")

    def _head(self, status: int, content_type: str, headers: dict[str, str]):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None):
        self._head(status, content_type, {"Content-Length": str(len(body))} | (headers or {}))
        self.wfile.write(body)

    def _stream(self, size: int):
        block = b"<p>" + b"x" * 65_530 + b"</p>"
        sent = 0
        while sent < size:
            self.wfile.write(block)
            sent += len(block)


def start() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FaultHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
