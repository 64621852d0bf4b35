"""The CLI in-process: real flow runs, real DuckDB, no mocks."""

import json

import pytest

from storydiff.cli import main

from conftest import SAMPLE_STORY, write_story


@pytest.fixture(scope="module")
def compared_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    db = root / "cli.duckdb"
    assert main(["run", str(SAMPLE_STORY), "--db", str(db), "--report-dir", str(root / "reports")]) == 0
    return db, root


def test_run_prints_claim_table_and_writes_report(compared_db, capsys):
    db, root = compared_db
    assert main(["--db", str(db), "run", str(SAMPLE_STORY), "--report-dir", str(root / "reports")]) == 0
    out = capsys.readouterr().out
    assert "louvre-heist: 6/6 articles compared" in out
    assert "contradicted" in out and "shared" in out and "unique" in out
    html = (root / "reports" / "louvre-heist.html").read_text(encoding="utf-8")
    assert "<mark>" in html and "Claims side by side" in html
    assert "republished by Riverside Daily" in html


def test_report_formats(compared_db, capsys, tmp_path):
    db, _ = compared_db
    assert main(["report", "louvre-heist", "--db", str(db), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["story_id"] == "louvre-heist"
    kinds = {c["kind"] for c in document["contradictions"]}
    assert {"number", "negation"} <= kinds
    spans = {(c["span_a"], c["span_b"]) for c in document["contradictions"] if c["kind"] == "number"}
    assert ("Four", "Two") in spans
    assert main(["report", "louvre-heist", "--db", str(db), "--format", "md", "--out", str(tmp_path / "r.md")]) == 0
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Crown jewels stolen from the Louvre")
    assert "## Contradictions" in markdown


def test_sql_command_outputs(compared_db, capsys):
    db, _ = compared_db
    query = "SELECT status, count(*) AS n FROM story_claims GROUP BY status ORDER BY status"
    assert main(["sql", query, "--db", str(db), "--csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "status,n" and lines[1].startswith("contradicted,")
    assert main(["sql", query, "--db", str(db), "--json"]) == 0
    assert {row["status"] for row in json.loads(capsys.readouterr().out)} == {"contradicted", "shared", "unique"}
    assert main(["sql", query, "--db", str(db)]) == 0
    assert "contradicted" in capsys.readouterr().out


def test_sql_is_read_only(compared_db, capsys):
    db, _ = compared_db
    assert main(["sql", "DELETE FROM sentences", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("storydiff: error: query failed") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "missing-story.toml"], "missing-story.toml: cannot read story file"),
        (["report", "no-such-story"], "story 'no-such-story' is not in"),
    ],
)
def test_errors_are_one_line(compared_db, capsys, argv, message):
    db, _ = compared_db
    assert main(argv + ["--db", str(db)]) == 1
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("storydiff: error:")]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in err


def test_run_fails_when_nothing_could_be_compared(tmp_path, capsys):
    story = write_story(tmp_path / "none.toml", "none", [("Nowhere", "absent.html")])
    assert main(["run", str(story), "--db", str(tmp_path / "n.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "story none: no article could be compared (Nowhere: cannot read file" in err


def test_web_text_is_escaped_in_html_report(tmp_path, capsys):
    page = tmp_path / "evil.html"
    page.write_text(
        "<html><head><title>Evil</title></head><body><article>"
        "<p>The attackers wrote &lt;script&gt;alert(1)&lt;/script&gt; on the museum wall on Sunday.</p>"
        "<p>Police said the message appeared overnight near the main entrance.</p></article></body></html>",
        encoding="utf-8")
    story = write_story(tmp_path / "evil.toml", "evil", [("Evil <b>Outlet</b>", "evil.html")])
    assert main(["run", str(story), "--db", str(tmp_path / "e.duckdb"), "--report-dir", str(tmp_path)]) == 0
    html = (tmp_path / "evil.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Evil &lt;b&gt;Outlet&lt;/b&gt;" in html


def test_a_spent_nli_budget_is_reported_everywhere(compared_db, monkeypatch, tmp_path, capsys):
    db, root = compared_db
    assert "budget" not in (root / "reports" / "louvre-heist.html").read_text(encoding="utf-8")
    monkeypatch.setenv("STORYDIFF_MAX_NLI_PAIRS", "10")
    budget_db = tmp_path / "budget.duckdb"
    assert main(["run", str(SAMPLE_STORY), "--db", str(budget_db), "--report-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "NLI budget spent:" in out and "checked by the rules only" in out
    assert main(["report", "louvre-heist", "--db", str(budget_db), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["unjudged_pairs"] > 0 and document["sentence_pairs"] > document["unjudged_pairs"]
    assert main(["sql", "SELECT count(DISTINCT premise_hash || hypothesis_hash) FROM nli_scores", "--db", str(budget_db),
                 "--csv"]) == 0
    assert int(capsys.readouterr().out.split()[-1]) <= 2 * 10  # ten pairs, each asked both ways
    html = (tmp_path / "louvre-heist.html").read_text(encoding="utf-8")
    assert f"{document['unjudged_pairs']:,} of {document['sentence_pairs']:,} sentence pairs" in html
    monkeypatch.setenv("STORYDIFF_MAX_NLI_PAIRS", "ten")
    assert main(["run", str(SAMPLE_STORY), "--db", str(budget_db)]) == 1
    assert "STORYDIFF_MAX_NLI_PAIRS='ten' is not a number" in capsys.readouterr().err
