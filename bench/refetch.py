"""Re-running an unchanged story over HTTP: a 40-outlet synthetic story served by 40 servers on
40 loopback addresses (127.0.0.2 ... 127.0.0.41, one host per outlet, each with a robots.txt and
ETag/Last-Modified on its page). Each round, in a fresh process: a cold run on a fresh database,
then the same story again (unchanged), then again in another fresh process (a scheduled re-run,
robots.txt no longer in memory). Prints medians and the ratio; writes bench/refetch.json.

    .venv/bin/python bench/refetch.py [ROUNDS] [CHECKOUT]   # CHECKOUT: another worktree's code, e.g. a baseline
"""

from __future__ import annotations

import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from corpus import make_story, write_story  # noqa: E402

OUTLETS = 40
LAST_MODIFIED = formatdate(1_760_000_000, usegmt=True)

RUN = """
import json, sys, time
sys.path[:0] = [{repo!r}, {repo!r} + "/src"]  # this checkout's code, even beside an editable install
from dataclasses import replace
from pathlib import Path
from prefect import flow
from flows.compare import compare_story
from storydiff.settings import Settings

@flow
def warm_up():
    pass

warm_up()  # Prefect's start-up is not what is measured
settings = Settings()
settings = replace(settings, db_path=Path({db!r}), report_dir=Path({reports!r}),
                   fetch=replace(settings.fetch, allow_private_networks=True))
times = []
for _ in range({runs}):
    started = time.perf_counter()
    summary = compare_story({story!r}, settings)
    times.append(round(time.perf_counter() - started, 2))
    assert summary.failed == 0, summary
print(json.dumps(times))
"""


class Page(BaseHTTPRequestHandler):
    pages: dict[str, bytes] = {}
    requests: list[tuple[str, str]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        host = self.headers.get("Host", "").split(":")[0]
        Page.requests.append((host, self.path))
        if self.path == "/robots.txt":
            return self._send(200, "text/plain", b"User-agent: *\nAllow: /\n", {})
        body = Page.pages.get(host)
        if body is None:
            return self._send(404, "text/html", b"<html><body>Not found</body></html>", {})
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return self._send(304, None, b"", {"ETag": etag})
        return self._send(200, "text/html; charset=utf-8", body, {"ETag": etag, "Last-Modified": LAST_MODIFIED})

    def _send(self, status, content_type, body, headers):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(folder: Path) -> tuple[list[ThreadingHTTPServer], Path]:
    articles = make_story(OUTLETS, 30)
    story_file = write_story(articles, folder, "refetch")
    servers, lines = [], ['id = "refetch"', 'title = "Refetch bench"', ""]
    port = None
    for number in range(OUTLETS):
        host = f"127.0.0.{number + 2}"
        server = ThreadingHTTPServer((host, port or 0), Page)
        port = port or server.server_address[1]
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        Page.pages[host] = (folder / f"a{number:04d}.html").read_bytes()
        lines += ["[[articles]]", f'outlet = "Outlet {number:04d}"', f'url = "http://{host}:{port}/article"', ""]
    story_file.write_text("\n".join(lines), encoding="utf-8")
    return servers, story_file


def run(story: Path, db: Path, reports: Path, runs: int, checkout: Path = REPO) -> list[float]:
    code = RUN.format(repo=str(checkout), db=str(db), reports=str(reports), story=str(story), runs=runs)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    checkout = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else REPO
    scratch = Path(tempfile.mkdtemp(prefix="refetch-"))
    servers, story = serve(scratch / "story")
    cold, same_process, next_process = [], [], []
    for n in range(rounds):
        db = scratch / f"round{n}.duckdb"
        first, again = run(story, db, scratch / "reports", 2, checkout)
        cold.append(first)
        same_process.append(again)
        next_process.append(run(story, db, scratch / "reports", 1, checkout)[0])
    result = {"checkout": str(checkout), "outlets": OUTLETS, "rounds": rounds, "cold_s": statistics.median(cold),
              "rerun_same_process_s": statistics.median(same_process),
              "rerun_new_process_s": statistics.median(next_process),
              "ratio_new_process": round(statistics.median(next_process) / statistics.median(cold), 2),
              "all": {"cold": cold, "same_process": same_process, "new_process": next_process}}
    print(json.dumps(result, indent=2))
    if checkout == REPO:
        (REPO / "bench" / "refetch.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
