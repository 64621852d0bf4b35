"""No data loss: SIGKILL real runs at several moments; a second writer waits, then fails clearly."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.compare import compare_story
from storydiff.cli import main
from storydiff.errors import DatabaseBusyError
from storydiff.store import Store

from conftest import REPO, SAMPLE_DIR, write_story

OLD = ["tribune", "capital"]
NEW = ["tribune", "capital", "metro", "quotidien"]
# log lines of the flow (printed with -v) at which the run is killed; None kills during start-up
MOMENTS = [None, "fetching 4 articles", "articles usable", "embedding and aligning", "storing results",
           ": stored"]


def _story(path: Path, names: list[str]) -> Path:
    return write_story(path, "killed", [(n.title(), str(SAMPLE_DIR / "louvre-heist" / f"{n}.html")) for n in names])


def _snapshot(db: Path) -> tuple[list[str], int, int]:
    with Store.open(db, read_only=True) as store:
        outlets = [r[0] for r in store.con.sql(
            "SELECT outlet FROM articles WHERE story_id = 'killed' ORDER BY outlet").fetchall()]
        stored = store.con.sql("SELECT count(*) FROM sentences WHERE story_id = 'killed'").fetchall()[0][0]
        promised = store.con.sql(
            "SELECT sum(n_sentences) FROM story_articles WHERE story_id = 'killed'").fetchall()[0][0]
    return outlets, stored, promised


def _env(tmp_path: Path) -> dict[str, str]:
    return os.environ | {"PREFECT_HOME": str(tmp_path / "prefect"), "PYTHONPATH": str(REPO),
                         "PREFECT_LOGGING_LEVEL": "INFO"}


def _kill_what_it_left(session: int) -> None:
    """SIGKILL reaches the run alone: its embedded Prefect server lives on, orphaned, and each
    would keep a share of a core and 200 MB for good."""
    try:
        os.killpg(session, signal.SIGKILL)
    except ProcessLookupError:
        pass  # killed during start-up, before the server


def test_sigkill_at_any_moment_keeps_the_previous_results(settings, tmp_path):
    compare_story(str(_story(tmp_path / "old.toml", OLD)), settings)
    old = _snapshot(settings.db_path)
    assert old[0] == sorted(n.title() for n in OLD) and old[1] == old[2] > 0
    new_story = _story(tmp_path / "new.toml", NEW)
    command = [sys.executable, "-m", "storydiff.cli", "-v", "run", str(new_story), "--db", str(settings.db_path),
               "--report-dir", str(settings.report_dir)]
    outcomes = []
    for moment in MOMENTS:
        # a session of its own, so that the Prefect server the run started can be killed after it
        process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                   env=_env(tmp_path), cwd=tmp_path, start_new_session=True)
        if moment is None:
            time.sleep(1.0)
        else:
            for line in process.stderr:
                if moment in line:
                    break
            else:
                pytest.fail(f"the run ended before logging {moment!r}")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        process.stderr.close()
        _kill_what_it_left(process.pid)
        outlets, stored, promised = _snapshot(settings.db_path)
        state = "old" if outlets == old[0] else "new" if outlets == sorted(n.title() for n in NEW) else "mixed"
        outcomes.append((moment, state))
        assert state != "mixed", outlets
        assert stored == promised  # sentences and articles come from one and the same run
    print("\nkilled at -> results found:", outcomes)
    assert outcomes[0][1] == "old" and outcomes[-1][1] == "new"  # committed before "stored" is logged
    summary = compare_story(str(new_story), settings)  # a re-run completes
    assert summary.failed == 0
    assert _snapshot(settings.db_path)[0] == sorted(n.title() for n in NEW)


def test_a_second_writer_waits_then_fails_clearly(settings, tmp_path, capsys, monkeypatch):
    compare_story(str(_story(tmp_path / "old.toml", OLD)), settings)
    before = _snapshot(settings.db_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('locked', flush=True); time.sleep(float(sys.argv[2]))",
         str(settings.db_path), "4"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(DatabaseBusyError, match=r"in use by another process \(PID \d+\); gave up after waiting 1s"):
            Store.open(settings.db_path, lock_timeout_s=1)
        assert 0.9 <= time.monotonic() - started < 3
        monkeypatch.setenv("STORYDIFF_LOCK_TIMEOUT", "0.5")  # readers wait too, then say why in one line
        assert main(["sql", "SELECT 1", "--db", str(settings.db_path)]) == 1
        error = capsys.readouterr().err
        assert error.startswith("storydiff: error: ") and "in use by another process" in error
        assert len(error.strip().splitlines()) == 1
        with Store.open(settings.db_path, lock_timeout_s=15) as store:  # waits for the holder to finish
            assert store.con.sql("SELECT count(*) FROM stories").fetchall()[0][0] == 1
    finally:
        holder.kill()
        holder.wait()
    assert _snapshot(settings.db_path) == before
