"""Past one process: `storydiff deploy` puts one deployment per story in a work pool, and a
real `prefect worker` process (another process than the test's) runs it against the session's
Prefect server, writing the story into the DuckDB file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL

from storydiff.cli import main
from storydiff.store import Store

REPO = Path(__file__).resolve().parents[1]
SAMPLE_STORY = REPO / "data" / "stories" / "louvre-heist.toml"
PREFECT = Path(sys.executable).with_name("prefect")


def test_a_worker_process_runs_a_deployed_story(tmp_path, capsys):
    db, reports = tmp_path / "w.duckdb", tmp_path / "reports"
    assert main(["deploy", str(SAMPLE_STORY), "--pool", "storydiff-test", "--db", str(db),
                 "--report-dir", str(reports)]) == 0
    assert capsys.readouterr().out.split() == ["compare-story/story-louvre-heist"]
    with get_client(sync_client=True) as client:
        assert client.read_work_pool("storydiff-test").type == "process"
        deployment = client.read_deployment_by_name("compare-story/story-louvre-heist")
    # the engine started directly, without a workspace supervisor process before it
    assert deployment.job_variables["command"] == f"{sys.executable} -m prefect.engine"
    run = run_deployment("compare-story/story-louvre-heist", timeout=0)  # scheduled, for a worker to take
    env = os.environ | {"PREFECT_API_URL": PREFECT_API_URL.value()}
    worker = subprocess.run([str(PREFECT), "worker", "start", "--pool", "storydiff-test", "--run-once"],
                            env=env, capture_output=True, text=True, timeout=600)
    assert worker.returncode == 0, worker.stdout[-2000:] + worker.stderr[-2000:]
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run.id).state
    assert state.is_completed(), state
    with Store.open(db, read_only=True) as store:
        assert store.con.sql("SELECT story_id FROM compared_stories").fetchall() == [("louvre-heist",)]
        assert store.con.sql("SELECT count(*) FROM contradictions").fetchall()[0][0] > 0
    assert (reports / "louvre-heist.html").exists()


def test_a_pool_of_another_type_keeps_its_own_command(tmp_path):
    from prefect.client.schemas.actions import WorkPoolCreate

    from flows.deploy import deploy_stories
    from storydiff.settings import Settings

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="storydiff-test-k8s", type="kubernetes"))
        names = deploy_stories([str(SAMPLE_STORY)], "storydiff-test-k8s", Settings(db_path=tmp_path / "k.duckdb"))
        deployment = client.read_deployment_by_name(names[0])
    # a container's command is the image's business: this machine's Python path means nothing there
    assert "command" not in deployment.job_variables
