"""Evaluation: the readers of the public sets, the scoring, and `storydiff eval` end to end.

`make test` runs these on small files written here. The real MRPC and SICK files are read only
in the opt-in evaluation run (STORYDIFF_EVAL=1), never by default.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from storydiff.cli import main
from storydiff.errors import StorydiffError
from storydiff.evaluate import MRPC_FILE, SICK_FILE, binary_scores, read_mrpc, read_sick

MRPC_HEADER = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
MRPC_ROWS = [
    "1\t1\t2\tThe ferry ran aground near the harbour on Tuesday.\tOn Tuesday the ferry ran aground close to the harbour.",
    "0\t3\t4\tThe council approved the budget.\tThe striker signed a three-year contract.",
    "1\t5\t6\tFour people were hurt in the crash, police said.\tPolice said four people were injured in the crash.",
]
SICK_ROWS = [
    "1\tA man is playing a guitar\tA man is playing an instrument\t4.5\tENTAILMENT",
    "2\tA man is playing a guitar\tNobody is playing a guitar\t3.6\tCONTRADICTION",
    "3\tA dog runs in a field\tA cat sleeps on a sofa\t1.2\tNEUTRAL",
]


def write_sets(folder: Path) -> Path:
    (folder / MRPC_FILE).write_text(MRPC_HEADER + "\n".join(MRPC_ROWS), encoding="utf-8-sig")
    (folder / SICK_FILE).write_text("\n".join(SICK_ROWS) + "\n", encoding="utf-8")
    return folder


def test_readers(tmp_path):
    write_sets(tmp_path)
    mrpc = read_mrpc(tmp_path / MRPC_FILE)
    assert [p.label for p in mrpc] == ["same", "different", "same"]
    assert mrpc[0].a.startswith("The ferry")  # the byte-order mark is gone
    assert [p.label for p in read_sick(tmp_path / SICK_FILE)] == ["entailment", "contradiction", "neutral"]


def test_bad_evaluation_file_names_file_and_line(tmp_path):
    bad = tmp_path / MRPC_FILE
    bad.write_text(MRPC_HEADER + "yes\tonly three\tfields\n", encoding="utf-8")
    with pytest.raises(StorydiffError, match=rf"{MRPC_FILE}:2: expected 5"):
        read_mrpc(bad)
    with pytest.raises(StorydiffError, match="cannot read evaluation file"):
        read_sick(tmp_path / "missing.txt")


def test_binary_scores():
    scores = binary_scores([True, True, False, False], [True, False, True, False])
    assert scores == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "accuracy": 0.5, "pairs": 4}


def test_eval_command_writes_results(tmp_path, capsys):
    out = tmp_path / "results.json"
    assert main(["eval", "--data", str(write_sets(tmp_path)), "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["mrpc_test"]["same_claim"]["pairs"] == 3
    assert results["sick_test"]["pairs"] == 3
    assert results["throughput"]["nli_pairs_per_s"] > 0
    assert results["sample_story_gold"]["contradicted"]["sentences"] == 14
    printed = capsys.readouterr().out
    assert "MRPC test" in printed and "SICK test" in printed and "sample gold" in printed


def test_eval_reports_missing_sets_as_skipped(tmp_path):
    out = tmp_path / "results.json"
    assert main(["eval", "--data", str(tmp_path / "nowhere"), "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["mrpc_test"].startswith("skipped") and results["sick_test"].startswith("skipped")


SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.mark.evaluation
@pytest.mark.skipif(os.environ.get("STORYDIFF_EVAL") != "1" or not SHARED.exists(),
                    reason="opt-in: STORYDIFF_EVAL=1 with ../shared/data present")
def test_public_sets_read_in_full():
    assert len(read_mrpc(SHARED / MRPC_FILE)) == 1725
    sick = read_sick(SHARED / SICK_FILE)
    assert len(sick) == 4927
    assert sum(p.label == "contradiction" for p in sick) == 720


RTE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<entailment-corpus>
<pair id="1" entailment="YES" task="IE"><t>Police said four people were hurt in the crash on Tuesday.</t><h>Four people were hurt.</h></pair>
<pair id="2" entailment="NO" task="IE"><t>The ferry ran aground near the harbour.</t><h>The ferry did not run aground.</h></pair>
<pair id="3" entailment="UNKNOWN" task="QA"><t>The council approved the budget.</t><h>The mayor resigned.</h></pair>
</entailment-corpus>
"""


def test_rte_reader_and_scores(tmp_path):
    from storydiff.evaluate import read_rte

    path = tmp_path / "rte.xml"
    path.write_text(RTE_XML, encoding="utf-8")
    assert [p.label for p in read_rte(path)] == ["entailment", "contradiction", "neutral"]
    assert read_rte(path)[0].b == "Four people were hurt."
    path.write_text("<entailment-corpus><pair id='9'><t>a</t><h>b</h></pair></entailment-corpus>", encoding="utf-8")
    with pytest.raises(StorydiffError, match="pair 9 has no entailment or contradiction label"):
        read_rte(path)
