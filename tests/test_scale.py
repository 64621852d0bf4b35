"""The scale test (opt-in: `make test-scale`, STORYDIFF_SCALE=1; as root with PostgreSQL):
scripts/scale_demo.py on four stories, in its own process (it talks to its own Prefect server on
PostgreSQL, not the test session's). Every check it makes must pass: runs completed, stories
complete, the workers' results equal to one process's, per-host spacing across workers, a killed
worker's story left whole and then retried."""

import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.scale,
    pytest.mark.skipif(os.environ.get("STORYDIFF_SCALE") != "1", reason="opt-in: make test-scale"),
]


def test_workers_lose_nothing_duplicate_nothing_and_keep_spacing(tmp_path):
    if os.geteuid() != 0 or not shutil.which("pg_lsclusters"):
        pytest.skip("needs root and PostgreSQL (Debian's postgresql package)")
    out = tmp_path / "scale.json"
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "scale_demo.py"), "--stories", "4",
                           "--rounds", "2", "--work-dir", str(tmp_path / "work"), "--out", str(out)],
                          capture_output=True, text=True, timeout=1500, cwd=REPO)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert figures["problems"] == []
    assert figures["killed_run"]["after_kill"] == figures["killed_run"]["before"]
    assert len(figures["workers-1_rounds_s"]) == len(figures["ratio_2_vs_1_rounds"]) == 2
    assert abs(figures["workers-2_s"] - statistics.median(figures["workers-2_rounds_s"])) <= 0.1  # rounded apart
