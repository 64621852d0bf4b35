"""Stories as Prefect background tasks, for task workers that keep their process between stories.

A process work pool (flows/deploy.py) starts a Python process per story: Prefect and storydiff
imported again, the models loaded again: half the time of a story here. A *task worker*
(`storydiff task-worker`, Prefect's `prefect.task_worker.serve`) is one long-lived process that
takes story jobs as they come, through the Prefect server's websocket, and runs each as the same
`compare-story` flow (a flow run of its own, its fetches as tasks): the models load once per
worker process. `storydiff submit STORY_FILE...` queues the jobs; any number of task workers, on
any machine that talks to the server, share them.

A job's parameters travel through Prefect's result storage (PREFECT_LOCAL_STORAGE_PATH by
default): the submitting process and every task worker must see the same folder, as they see
the Parquet folder.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.compare import compare_story
from flows.deploy import with_absolute_paths
from storydiff.errors import StorydiffError
from storydiff.settings import Settings
from storydiff.story import load_story

JOB_NAME = "compare-story-job"


@task(name=JOB_NAME, cache_policy=NO_CACHE, persist_result=True)
def compare_story_job(story_file: str, settings: Settings) -> dict:
    """One story compared by whichever task worker takes it; returns its summary's figures."""
    summary = compare_story(story_file, on_this_worker(settings, Settings.from_env()))
    return {"story_id": summary.story_id, "articles": summary.articles, "failed": summary.failed,
            "claims": summary.claims, "report_path": summary.report_path}


def on_this_worker(job: Settings, worker: Settings) -> Settings:
    """The job says what to compare and where results go; the worker's machine says how to
    compute: its cores for the models (STORYDIFF_THREADS) and its folder of exported models
    (STORYDIFF_CACHE_DIR), which the submitting machine cannot know."""
    return replace(job, threads=worker.threads, model_cache=worker.model_cache)


def require_server(command: str) -> None:
    """Jobs and workers meet on a Prefect server: without PREFECT_API_URL each process would
    have a private one and a submitted job would wait for ever."""
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        raise StorydiffError(f"{command} needs a Prefect server that the task workers use too: set PREFECT_API_URL "
                             "(scripts/prefect-server-postgres.sh starts one)")


def submit_stories(story_files: list[str], settings: Settings) -> list:
    """Queue a job per story file (each checked first; paths made absolute); returns Prefect
    futures (`.task_run_id`, `.result()`)."""
    require_server("submit")
    paths = [str(Path(story_file).resolve()) for story_file in story_files]
    for path in paths:
        load_story(path)
    settings = with_absolute_paths(settings)
    return [compare_story_job.delay(path, settings) for path in paths]


def serve_story_jobs(limit: int = 1) -> None:
    """Run story jobs in this process until it is stopped, at most `limit` at a time."""
    from prefect.task_worker import serve

    require_server("task-worker")
    serve(compare_story_job, limit=limit)
