"""A local feed server on 127.0.0.1 for the watch tests: RSS with ETag, Atom with
Last-Modified, a news sitemap, a sitemap index, a homepage naming its feed, malformed XML,
missing and bad dates, duplicate GUIDs, 301/302/410, a slow feed, and the sample story's pages.
Feeds are written for these tests; the pages are data/stories/louvre-heist."""

from __future__ import annotations

import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).resolve().parents[1] / "data" / "stories" / "louvre-heist"
LAST_MODIFIED = formatdate(1_740_000_000, usegmt=True)


def rss(base: str) -> str:
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Example Tribune</title>
<item><title>Crown jewels stolen from the Louvre in seven-minute raid</title><link>{base}/a/tribune.html?utm_source=rss</link>
<guid>tribune-1</guid><description>Four thieves took eight pieces of jewellery from the Apollo Gallery.</description>
<pubDate>Sun, 19 Oct 2025 12:00:00 GMT</pubDate></item>
<item><title>Crown jewels stolen from the Louvre in seven-minute raid</title><link>{base}/a/tribune.html#top</link>
<guid>tribune-1</guid><description>Four thieves took eight pieces of jewellery from the Apollo Gallery.</description></item>
<item><title>City council approves new cycle lanes</title><link>{base}/a/council.html</link>
<guid>tribune-2</guid><description>The council voted for twelve kilometres of new cycle lanes.</description>
<pubDate>not a date</pubDate></item>
</channel></rss>"""


def atom(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Metro Bulletin</title>
<id>urn:metro</id><updated>2025-10-19T13:00:00Z</updated>
<entry><title>Louvre raid: thieves escape with crown jewels on scooters</title><link href="{base}/a/metro.html"/>
<id>urn:metro:1</id><updated>2025-10-19T13:00:00Z</updated>
<summary>Two thieves raided the Louvre's Apollo Gallery and escaped with jewellery on scooters.</summary></entry>
</feed>"""


def news_sitemap(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/a/capital.html</loc><news:news><news:publication_date>2025-10-19T14:00:00Z</news:publication_date>
<news:title>Louvre heist: jewels worth 88 million euros stolen from Apollo Gallery</news:title></news:news></url>
</urlset>"""


def sitemap_index(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/news-sitemap.xml</loc></sitemap></sitemapindex>"""


class FeedHandler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    conditional: list[tuple[str, str | None, str | None]] = []  # path, If-None-Match, If-Modified-Since

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        FeedHandler.hits[path] = FeedHandler.hits.get(path, 0) + 1
        base = f"http://{self.headers['Host']}"
        etag, since = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        FeedHandler.conditional.append((path, etag, since))
        if path == "/robots.txt":
            return self._send(404, "text/plain", b"")
        if path == "/rss.xml":
            if etag == '"rss-v1"':
                return self._send(304, None, b"")
            return self._send(200, "application/rss+xml", rss(base).encode(), {"ETag": '"rss-v1"'})
        if path == "/atom.xml":
            if since == LAST_MODIFIED:
                return self._send(304, None, b"")
            return self._send(200, "application/atom+xml", atom(base).encode(), {"Last-Modified": LAST_MODIFIED})
        if path == "/news-sitemap.xml":  # neither ETag nor Last-Modified: the body hash decides
            return self._send(200, "application/xml", news_sitemap(base).encode())
        if path == "/sitemap-index.xml":
            return self._send(200, "application/xml", sitemap_index(base).encode())
        if path == "/home":
            page = '<html><head><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head><body>Home</body></html>'
            return self._send(200, "text/html", page.encode())
        if path == "/malformed.xml":
            return self._send(200, "application/rss+xml", b"<rss><channel><item><title>broken")
        if path == "/old-feed.xml":
            return self._send(301, None, b"", {"Location": "/atom.xml"})
        if path == "/temporary.xml":
            return self._send(302, None, b"", {"Location": "/rss.xml"})
        if path == "/gone.xml":
            return self._send(410, "text/plain", b"gone")
        if path == "/slow.xml":
            time.sleep(2)
            return self._send(200, "application/rss+xml", b"<rss><channel></channel></rss>")
        if path.startswith("/a/"):
            page = PAGES / path.removeprefix("/a/")
            if page.is_file():
                return self._send(200, "text/html; charset=utf-8", page.read_bytes())
        return self._send(404, "text/html", b"<html><body>Not found</body></html>")

    def _send(self, status: int, content_type: str | None, body: bytes, headers: dict | None = None):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


def start() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
