"""Deployments any worker can run: one per story, in a Prefect work pool (a process pool by
default; docker and kubernetes pools take the same deployments, see the README).

`storydiff deploy STORY_FILE... --pool NAME` creates them on the Prefect server PREFECT_API_URL
names; `prefect worker start --pool NAME`, on every machine that has this checkout installed,
takes their runs. Workers load the models once per flow-run process and pass only story files and
settings between tasks and runs: nothing unpicklable crosses a boundary.
"""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import asdict, replace
from pathlib import Path

from flows.compare import _jsonable, compare_story
from storydiff.settings import Settings
from storydiff.story import load_story

ROOT = Path(__file__).resolve().parents[1]  # the checkout a process worker runs the flow code from
# A process worker given no command starts a workspace supervisor per run, a Python process
# that imports Prefect to run the deployment's pull steps and then starts the flow's own
# process; named, the engine is started directly and runs the pull steps itself: one process,
# about a second of CPU, less per run (scripts/scale_demo.py). The Python named is this one: a
# worker machine with the checkout elsewhere sets its own (README, "Workers").
ENGINE_COMMAND = {"command": f"{sys.executable} -m prefect.engine"}


def ensure_process_pool(name: str) -> str:
    """The work pool, created as a process pool when it does not exist yet (an existing pool of
    any type is used as it is); returns its type."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            return client.read_work_pool(name).type
        except ObjectNotFound:
            try:
                client.create_work_pool(WorkPoolCreate(name=name, type="process"))
            except ObjectAlreadyExists:
                return client.read_work_pool(name).type
            return "process"


def with_absolute_paths(settings: Settings) -> Settings:
    """Settings for a process elsewhere: the database, reports and Parquet folders made absolute."""
    return replace(settings, db_path=settings.db_path.resolve(), report_dir=settings.report_dir.resolve(),
                   parquet_dir=settings.parquet_dir.resolve() if settings.parquet_dir else None)


def deploy_stories(story_files: list[str], pool: str, settings: Settings, cron: str | None = None) -> list[str]:
    """A deployment of compare_story per story file (named "story-<id>"), in `pool`; returns
    their full names ("compare-story/story-<id>"). Story files are checked now."""
    settings = with_absolute_paths(settings)
    job_variables = ENGINE_COMMAND if ensure_process_pool(pool) == "process" else {}
    flow = compare_story.from_source(source=str(ROOT), entrypoint="flows/compare.py:compare_story")
    names = []
    for story_file in story_files:
        path = Path(story_file).resolve()
        story = load_story(str(path))
        name = f"story-{story.id}"
        with contextlib.redirect_stdout(io.StringIO()):  # Prefect's tables and tips: the CLI prints the names
            flow.deploy(name=name, work_pool_name=pool, build=False, push=False, cron=cron, print_next_steps=False,
                        ignore_warnings=True, job_variables=job_variables,
                        parameters={"story_file": str(path), "settings": _jsonable(asdict(settings))})
        names.append(f"{compare_story.name}/{name}")
    return names
