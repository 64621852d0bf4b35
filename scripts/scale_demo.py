"""make scale-demo: stories through Prefect process workers on a PostgreSQL-backed Prefect server,
results written as Parquet, one worker against two, side by side in one run.

    .venv/bin/python scripts/scale_demo.py [--stories 12] [--out bench/scale.json]

Runs as root on Debian (scripts/prefect-server-postgres.sh starts PostgreSQL and the server). The
articles are the bundled sample story's, served by six loopback "outlets" (one port each), each
story's paragraphs marked with its number so that no story reuses another's embeddings. Phases:
  single   every story in this process (compare_stories), one DuckDB file: the reference results
  1 worker the deployments run by one `prefect worker --limit 1`, Parquet results
  2 workers the same by two workers, another Parquet folder; each run's models take half the
           cores (STORYDIFF_THREADS), as two workers sharing one machine should
  task workers  the same stories queued as jobs (storydiff submit) for one `storydiff task-worker`
           process, then two: each keeps its process and models from one story to the next
  killed   one story changed, its run's worker (and the run) SIGKILLed once the run has fetched;
           its previous results must stand whole; the run marked crashed and retried, which must
           give the new results whole
Checks: every run completed; every story complete (each article, each sentence once); the workers'
results identical to the single process's; at least `min_host_delay_s` between two requests to one
outlet, across the workers (Prefect global concurrency limits, STORYDIFF_SHARED_HOST_LIMITS).
Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "stories" / "louvre-heist.toml"
PREFECT = ROOT / ".venv" / "bin" / "prefect"
STORYDIFF = ROOT / ".venv" / "bin" / "storydiff"
SERVER_SCRIPT = ROOT / "scripts" / "prefect-server-postgres.sh"
POOL = "storydiff-scale"
PREFECT_PORT = os.environ.get("PREFECT_PORT", "4231")
MOMENTS = ("compared_at", "fetched_at", "last_compared")
LATE_NEWS = "<p>Police later said a fifth suspect had been arrested in Seine-Saint-Denis.</p>"


class Outlets:
    """One loopback HTTP server per outlet; every request's arrival time is kept per port. With
    `groups` > 1, story n is told by the outlets of group (n - 1) % groups, each group its own
    servers: stories that share no host, as stories from different outlets would."""

    def __init__(self, pages: dict[str, str], groups: int = 1):
        self.pages = pages  # file name -> HTML
        self.groups = groups
        self.revised: set[int] = set()
        self.arrivals: list[tuple[int, float]] = []
        self.lock = threading.Lock()
        self.servers = {(name, group): self._serve(name) for name in pages for group in range(groups)}

    def _serve(self, name: str) -> ThreadingHTTPServer:
        outlets = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                with outlets.lock:
                    outlets.arrivals.append((self.server.server_address[1], time.monotonic()))
                found = re.fullmatch(r"/story-(\d+)\.html", self.path)
                if not found:
                    self.send_error(404)
                    return
                number = int(found.group(1))
                html = outlets.pages[name].replace("<p>", f"<p>Report {number}: ")
                if number in outlets.revised and name == min(outlets.pages):
                    html = html.replace("</article>", LATE_NEWS + "</article>", 1)
                body = html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def url(self, name: str, number: int) -> str:
        server = self.servers[name, (number - 1) % self.groups]
        return f"http://127.0.0.1:{server.server_address[1]}/story-{number}.html"

    def min_gap(self, since: float, until: float) -> float:
        """The shortest time between two requests to one outlet in [since, until]."""
        gaps = []
        by_port: dict[int, list[float]] = {}
        for port, at in self.arrivals:
            if since <= at <= until:
                by_port.setdefault(port, []).append(at)
        for times in by_port.values():
            times.sort()
            gaps += [b - a for a, b in zip(times, times[1:])]
        return min(gaps) if gaps else float("inf")


def write_stories(outlets: Outlets, folder: Path, count: int) -> list[str]:
    sample = tomllib.loads(SAMPLE.read_text())
    files = []
    for number in range(1, count + 1):
        lines = [f'id = "scale-{number:02d}"', f'title = "Scale story {number}"']
        for article in sample["articles"]:
            name = Path(article["url"]).name
            lines += ["", "[[articles]]", f'outlet = "{article["outlet"]}"', f'url = "{outlets.url(name, number)}"']
        path = folder / f"scale-{number:02d}.toml"
        path.write_text("\n".join(lines) + "\n")
        files.append(str(path))
    return files


def start_server(home: Path) -> str:
    env = os.environ | {"PREFECT_PORT": PREFECT_PORT, "PREFECT_HOME": str(home)}
    out = subprocess.run([str(SERVER_SCRIPT)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return re.search(r"PREFECT_API_URL=(\S+)", out).group(1)


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def machine_busy_s() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def service_busy_s() -> float:
    """CPU seconds used so far by the Prefect server and PostgreSQL processes (alive now)."""
    total = 0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if b"postgres" in command or b"prefect server start" in command or b"uvicorn" in command:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def kill_tree(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    for pid in [process.pid, *descendants(process.pid)]:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
    process.wait(timeout=60)


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(PREFECT), "worker", "start", "--pool", POOL, "--type", "process", "--limit", "1"],
                            env=env, stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(run_ids, timeout: float = 1800):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    # one request a second for all the runs: the watcher must not take the cores it measures
    deadline = time.monotonic() + timeout
    wanted = FlowRunFilter(id=FlowRunFilterId(any_=list(run_ids)))
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = client.read_flow_runs(flow_run_filter=wanted, limit=len(run_ids))
            if len(runs) == len(run_ids) and all(r.state.is_final() for r in runs):
                order = {run_id: n for n, run_id in enumerate(run_ids)}
                return sorted(runs, key=lambda r: order[r.id])
            time.sleep(1.0)
    raise TimeoutError(f"runs not finished after {timeout:g}s")


def run_with_workers(names: list[str], workers: int, env: dict, log: Path) -> tuple[float, list]:
    from prefect.deployments import run_deployment

    started = time.monotonic()
    runs = [run_deployment(name, timeout=0) for name in names]
    processes = [start_worker(env, log) for _ in range(workers)]
    try:
        finished = wait_for([r.id for r in runs])
    finally:
        for process in processes:
            kill_tree(process, signal.SIGTERM)
    return time.monotonic() - started, finished


def run_with_task_workers(story_files: list[str], workers: int, settings, env: dict, log: Path) -> float:
    """The stories queued as jobs (flows/story_jobs.py), then `workers` task-worker processes
    started; the time until every job is done (the workers' start and model loading included)."""
    from flows.story_jobs import submit_stories

    started = time.monotonic()
    futures = submit_stories(story_files, settings)
    env = env | {"STORYDIFF_THREADS": str(settings.threads)}  # a task worker's cores are its own setting
    processes = [subprocess.Popen([str(STORYDIFF), "task-worker"], env=env, stdout=log.open("a"),
                                  stderr=subprocess.STDOUT, start_new_session=True) for _ in range(workers)]
    try:
        for future in futures:
            future.result(timeout=1800)
    finally:
        for process in processes:
            kill_tree(process, signal.SIGTERM)
    return time.monotonic() - started


def story_rows(db: Path) -> dict[str, "object"]:
    from storydiff.store import PUBLIC_VIEWS, Store

    with Store.open(db, read_only=True) as store:
        frames = {}
        for view in PUBLIC_VIEWS:
            frame = store.view(view).pl()
            frame = frame.drop([c for c in frame.columns if c in MOMENTS])
            frames[view] = frame.sort(frame.columns) if frame.height else frame
        return frames


def completeness(db: Path, count: int) -> list[str]:
    """Problems found: a story missing, an article not compared, a sentence missing or twice."""
    from storydiff.store import Store

    problems = []
    with Store.open(db, read_only=True) as store:
        rows = store.con.sql("""
            SELECT a.story_id, count(*) FILTER (WHERE a.status = 'ok') AS ok, count(*) AS articles,
                   sum(a.n_sentences) AS promised,
                   (SELECT count(*) FROM sentences s WHERE s.story_id = a.story_id) AS stored,
                   (SELECT count(DISTINCT sentence_id) FROM sentences s WHERE s.story_id = a.story_id) AS distinct_ids
            FROM story_articles a GROUP BY a.story_id ORDER BY a.story_id""").fetchall()
    if len(rows) != count:
        problems.append(f"{db}: {len(rows)} stories stored, {count} expected")
    for story_id, ok, articles, promised, stored, distinct_ids in rows:
        if ok != articles or not promised == stored == distinct_ids:
            problems.append(f"{db}: {story_id}: {ok}/{articles} articles ok, {stored} sentences stored "
                            f"({distinct_ids} distinct) of {promised}")
    return problems


def same_as_reference(phase: str, db: Path, count: int, reference: dict) -> list[str]:
    """Problems of a phase's results: incomplete stories, or a view unlike the single process's."""
    found = story_rows(db)
    return completeness(db, count) + [f"{phase}: view {v} differs from the single process's" for v in reference
                                      if not found[v].equals(reference[v])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=12)
    parser.add_argument("--outlet-groups", type=int, default=1,
                        help="stories told by this many sets of six outlets in turn (default 1: every story by "
                             "the same six, the hardest case for per-host spacing; as many as stories: no two share "
                             "a host)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="the two process-worker phases this many times, their order alternating (1, 2; "
                             "2, 1; ...); the ratio is of the medians (this machine's speed drifts)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "scale.json"))
    parser.add_argument("--work-dir", help="a new or empty folder, kept afterwards (default: a temporary folder, "
                                           "removed)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="storydiff-scale-") as scratch:
        work = Path(args.work_dir or scratch)
        if work.is_dir() and any(work.iterdir()):  # an earlier run's caches would speed this one up
            print(f"error: --work-dir {work} is not empty: give a new or empty folder", file=sys.stderr)
            return 2
        work.mkdir(parents=True, exist_ok=True)
        try:
            return demo(work, args.stories, Path(args.out), args.outlet_groups, args.rounds)
        finally:  # the server this demo started (PostgreSQL keeps running, as Debian starts it)
            subprocess.run([str(SERVER_SCRIPT), "stop"], env=os.environ | {"PREFECT_HOME": str(work / "server")},
                           capture_output=True)


def phase_name(workers: int, round_no: int, rounds: int) -> str:
    return f"workers-{workers}" + (f"-round-{round_no + 1}" if rounds > 1 else "")


def demo(work: Path, count: int, out: Path, outlet_groups: int = 1, rounds: int = 1) -> int:
    api = start_server(work / "server")
    os.environ.update(PREFECT_API_URL=api, DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
                      STORYDIFF_ALLOW_PRIVATE_NETWORKS="1", STORYDIFF_SHARED_HOST_LIMITS="1",
                      PREFECT_LOCAL_STORAGE_PATH=str(work / "job-storage"))  # task jobs' parameters and results
    env = os.environ | {"PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_LOGGING_LEVEL": "WARNING"}
    from flows.compare import compare_stories
    from flows.deploy import deploy_stories
    from storydiff.settings import Settings

    outlets = Outlets({p.name: p.read_text() for p in (SAMPLE.parent / "louvre-heist").glob("*.html")}, outlet_groups)
    (work / "stories").mkdir(exist_ok=True)
    files = write_stories(outlets, work / "stories", count)
    base = Settings.from_env()

    def phase_settings(name: str, parquet: bool, workers: int = 1) -> Settings:
        """Workers on one machine share its cores: each run's models get cores / workers threads
        (one worker: every core, `threads = 0`), as one would set STORYDIFF_THREADS on each."""
        folder = work / name
        threads = 0 if workers == 1 else max(1, (os.cpu_count() or 1) // workers)
        return replace(base, db_path=folder / "storydiff.duckdb", report_dir=folder / "reports",
                       parquet_dir=folder / "parquet" if parquet else None, threads=threads)

    figures: dict = {"stories": count, "articles_per_story": len(outlets.pages), "outlet_groups": outlet_groups}
    problems: list[str] = []
    print(f"scale demo: {count} stories x {len(outlets.pages)} outlets, Prefect server {api}", flush=True)

    started = time.monotonic()
    single = phase_settings("single", parquet=False)
    summaries = compare_stories(files, single)
    figures["single_process_s"] = round(time.monotonic() - started, 1)
    problems += [f"single: {s}" for s in summaries if isinstance(s, str)]
    problems += completeness(single.db_path, count)
    reference = story_rows(single.db_path)
    figures["min_host_gap_single_s"] = round(outlets.min_gap(started, time.monotonic()), 3)
    print(f"  single process: {figures['single_process_s']} s", flush=True)

    def worker_phase(name: str, workers: int) -> float:
        """The stories through `workers` process workers into their own Parquet folder, checked
        against the single process; its figures under `name`."""
        nonlocal problems
        settings = phase_settings(name, parquet=True, workers=workers)
        names = deploy_stories(files, POOL, settings)
        since, busy, service = time.monotonic(), machine_busy_s(), service_busy_s()
        elapsed, runs = run_with_workers(names, workers, env, work / f"{name}.log")
        # where the cores went: all of them, and the Prefect server with its database
        figures[f"{name}_cores_busy"] = round((machine_busy_s() - busy) / elapsed, 2)
        figures[f"{name}_server_cores"] = round((service_busy_s() - service) / elapsed, 2)
        states = [r.state for r in runs]
        figures[f"{name}_s"] = round(elapsed, 1)
        # a run's own time (its process running the flow) against the worker's time between runs
        figures[f"{name}_median_run_s"] = round(statistics.median(
            (r.end_time - r.start_time).total_seconds() for r in runs if r.start_time and r.end_time), 1)
        figures[f"min_host_gap_{name}_s"] = round(outlets.min_gap(since, time.monotonic()), 3)
        problems += [f"{name}: a run ended {s.type.value}" for s in states if not s.is_completed()]
        problems += same_as_reference(name, settings.db_path, count, reference)
        print(f"  {workers} worker(s): {figures[f'{name}_s']} s (a run: median {figures[f'{name}_median_run_s']} s)",
              flush=True)
        return elapsed

    times: dict[int, list[float]] = {1: [], 2: []}
    for round_no in range(rounds):
        for workers in (1, 2) if round_no % 2 == 0 else (2, 1):
            times[workers].append(worker_phase(phase_name(workers, round_no, rounds), workers))
    for workers, elapsed in times.items():
        figures[f"workers-{workers}_s"] = round(statistics.median(elapsed), 1)
        if rounds > 1:
            figures[f"workers-{workers}_rounds_s"] = [round(t, 1) for t in elapsed]
    figures["ratio_2_vs_1"] = round(figures["workers-2_s"] / figures["workers-1_s"], 2)
    if rounds > 1:
        figures["ratio_2_vs_1_rounds"] = [round(two / one, 2) for one, two in zip(times[1], times[2])]
        print(f"  process workers, medians of {rounds} rounds: {figures['workers-1_s']} s and {figures['workers-2_s']} s, "
              f"{figures['ratio_2_vs_1']}x", flush=True)

    for workers in (1, 2):  # task workers: one process each for all its stories, models loaded once
        name = f"task-workers-{workers}"
        settings = phase_settings(name, parquet=True, workers=workers)
        since, busy = time.monotonic(), machine_busy_s()
        figures[f"{name}_s"] = round(run_with_task_workers(files, workers, settings, env, work / f"{name}.log"), 1)
        figures[f"{name}_cores_busy"] = round((machine_busy_s() - busy) / (time.monotonic() - since), 2)
        figures[f"min_host_gap_{name}_s"] = round(outlets.min_gap(since, time.monotonic()), 3)
        problems += same_as_reference(name, settings.db_path, count, reference)
        print(f"  {workers} task worker(s): {figures[f'{name}_s']} s", flush=True)
    figures["ratio_task_2_vs_1"] = round(figures["task-workers-2_s"] / figures["task-workers-1_s"], 2)

    first_two = phase_settings(phase_name(2, 0, rounds), parquet=True, workers=2)  # a folder with results
    problems += killed_and_retried(files[0], first_two, outlets, env, work, figures)
    gap = base.fetch.min_host_delay_s
    for key in [k for k in figures if k.startswith("min_host_gap")]:
        if figures[key] < gap:
            problems.append(f"{key}: two requests to one outlet {figures[key]} s apart (< {gap} s)")
    figures["problems"] = problems
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    print("scale demo: " + ("all checks passed" if not problems else f"{len(problems)} check(s) failed"))
    return 1 if problems else 0


def killed_and_retried(story_file: str, settings, outlets: Outlets, env: dict, work: Path, figures: dict) -> list[str]:
    """The first story changes; its run is killed with its worker after fetching, then retried."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.states import Crashed

    from flows.deploy import deploy_stories
    from storydiff.store import Store

    def story_text(db: Path) -> tuple[int, int, bool]:
        with Store.open(db, read_only=True) as store:
            stored, promised, late = store.con.sql(
                "SELECT (SELECT count(*) FROM sentences WHERE story_id = 'scale-01'),"
                " (SELECT sum(n_sentences) FROM story_articles WHERE story_id = 'scale-01'),"
                " (SELECT count(*) > 0 FROM sentences WHERE story_id = 'scale-01' AND text LIKE '%fifth suspect%')"
            ).fetchall()[0]
        return stored, promised, late

    problems = []
    before = story_text(settings.db_path)
    outlets.revised.add(1)
    (name,) = deploy_stories([story_file], POOL, settings)
    fetched = settings.parquet_dir / "fetches" / "all"
    seen = set(fetched.glob("*.parquet"))
    run = run_deployment(name, timeout=0)
    worker = start_worker(env, work / "killed.log")
    deadline = time.monotonic() + 600
    while not set(fetched.glob("*.parquet")) - seen and time.monotonic() < deadline:
        time.sleep(0.1)  # its pages are stored: the run is past fetching
    kill_tree(worker)
    after_kill = story_text(settings.db_path)
    figures["killed_run"] = {"before": before, "after_kill": after_kill}
    if after_kill != before:
        problems.append(f"killed run: story changed from {before} to {after_kill} (stored, promised, new text)")
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(run.id, Crashed(message="worker killed by the scale demo"), force=True)
    elapsed, runs = run_with_workers([name], 1, env, work / "retried.log")
    states = [r.state for r in runs]
    retried = story_text(settings.db_path)
    figures["killed_run"]["after_retry"] = retried
    if not states[0].is_completed() or not (retried[0] == retried[1] and retried[2]):
        problems.append(f"retried run: {states[0].type.value}, (stored, promised, new text) = {retried}")
    return problems


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    sys.exit(main())
