"""Task workers: `storydiff submit` queues a job per story; a `storydiff task-worker` process
(another process than the test's, against the session's Prefect server) takes the jobs, keeping
its models loaded between them, and writes each story into the DuckDB file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from prefect.settings import PREFECT_API_URL, PREFECT_LOCAL_STORAGE_PATH

from storydiff.cli import main
from storydiff.store import Store

REPO = Path(__file__).resolve().parents[1]
SAMPLE_STORY = REPO / "data" / "stories" / "louvre-heist.toml"
STORYDIFF = Path(sys.executable).with_name("storydiff")


def test_a_task_worker_takes_submitted_stories_and_reports_each(tmp_path, capsys):
    db, reports = tmp_path / "jobs.duckdb", tmp_path / "reports"
    second = tmp_path / "second.toml"  # the same articles under another id: two jobs for one worker
    second.write_text(SAMPLE_STORY.read_text().replace('id = "louvre-heist"', 'id = "louvre-heist-again"')
                      .replace('"louvre-heist/', f'"{SAMPLE_STORY.parent}/louvre-heist/'))
    unreachable = tmp_path / "unreachable.toml"  # every fetch refused (a loopback address): the job fails
    unreachable.write_text('id = "unreachable"\ntitle = "Nowhere"\n' + "".join(
        f'\n[[articles]]\noutlet = "Outlet {n}"\nurl = "http://127.0.0.1:9/{n}.html"\n' for n in range(2)))
    env = os.environ | {"PREFECT_API_URL": PREFECT_API_URL.value(),
                        "PREFECT_LOCAL_STORAGE_PATH": str(PREFECT_LOCAL_STORAGE_PATH.value())}
    worker = subprocess.Popen([str(STORYDIFF), "task-worker"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        code = main(["submit", str(SAMPLE_STORY), str(second), str(unreachable), "--db", str(db),
                     "--report-dir", str(reports), "--wait"])
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        log = worker.communicate(timeout=60)[0]
    out = capsys.readouterr().out.splitlines()
    assert code == 1, (out, log[-3000:])  # one story failed; the others were compared
    assert [line.split(":")[0] for line in out] == ["louvre-heist", "louvre-heist-again", str(unreachable)], out
    assert out[2].startswith(f"{unreachable}: failed: ") and "story unreachable: no article could be compared" in out[2]
    assert "6/6 articles" in out[0] and "contradicted" in out[0]
    with Store.open(db, read_only=True) as store:
        stored = store.con.sql("SELECT story_id FROM compared_stories ORDER BY 1").fetchall()
    assert stored == [("louvre-heist",), ("louvre-heist-again",)]
    assert (reports / "louvre-heist.html").exists()


def test_a_bad_story_file_is_refused_before_anything_is_queued(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("id = \n")
    assert main(["submit", str(SAMPLE_STORY), str(bad)]) != 0
    err = capsys.readouterr().err.strip()
    assert str(bad) in err and "\n" not in err


def test_without_a_prefect_server_submit_says_so_in_one_line(capsys):
    code = """
import sys
from storydiff.cli import main
sys.exit(main(["submit", sys.argv[1]]))
"""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", code, str(SAMPLE_STORY)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0
    assert done.stderr.strip().endswith("submit needs a Prefect server that the task workers use too: set "
                                        "PREFECT_API_URL (scripts/prefect-server-postgres.sh starts one)"), done.stderr
    assert "\n" not in done.stderr.strip()


def test_a_job_no_worker_takes_is_given_up_after_the_timeout_in_one_line(tmp_path, capsys):
    # no task worker runs here: the job stays queued (a worker that dies mid-story leaves it the same)
    code = main(["submit", str(SAMPLE_STORY), "--db", str(tmp_path / "none.duckdb"), "--wait", "--timeout", "2"])
    out = capsys.readouterr().out.strip()
    assert code == 1
    assert out.startswith(f"{SAMPLE_STORY}: not done after 2 s (task run "), out
    assert out.endswith("no task worker took it, or its worker stopped (a job is not queued again: submit it again)")


def test_a_job_runs_with_the_workers_cores_and_model_folder_and_the_submitters_results(tmp_path):
    from flows.story_jobs import on_this_worker
    from storydiff.settings import Settings

    job = Settings(db_path=tmp_path / "results.duckdb", threads=8, model_cache=tmp_path / "submitter-models")
    worker = Settings(db_path=tmp_path / "ignored.duckdb", threads=1, model_cache=tmp_path / "worker-models")
    taken = on_this_worker(job, worker)
    assert (taken.db_path, taken.threads, taken.model_cache) == (job.db_path, 1, worker.model_cache)
