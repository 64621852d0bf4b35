"""storydiff as people use it: `compare` on URLs, the notebook API, exports, the report index,
and a quiet first run. Real flow runs on a real DuckDB file, pages over HTTP on 127.0.0.1."""

import logging
import os
import re
import subprocess
import sys
from dataclasses import replace

import duckdb
import lxml.html
import polars as pl
import pytest

import storydiff
from storydiff import console
from storydiff.cli import main
from storydiff.errors import StorydiffError
from storydiff.store import PUBLIC_VIEWS
from storydiff.story import load_story

from conftest import REPO, SAMPLE_STORY

THREE = ("tribune", "metro", "capital")


@pytest.fixture(scope="module")
def compared_urls(http_server, tmp_path_factory):
    """`storydiff compare` on three URLs served on 127.0.0.1, as a user types it."""
    base, _ = http_server
    root = tmp_path_factory.mktemp("compare")
    urls = [f"{base}/articles/{name}.html" for name in THREE]
    argv = ["compare", *urls, "--db", str(root / "db.duckdb"), "--report-dir", str(root / "reports"),
            "--allow-private-networks"]
    return root, urls, argv


def test_compare_urls_prints_the_table_and_the_story_file(compared_urls, capsys, tmp_path):
    root, urls, argv = compared_urls
    assert main(argv) == 0
    out = capsys.readouterr().out
    story_id = "crown-jewels-stolen-from-the-louvre-in-seven-minute-raid"  # a slug of the first page's title
    assert f"{story_id}: 3/3 articles compared" in out
    assert re.search(r"^  contradicted +\d+ ", out, re.MULTILINE)
    assert f"report: {root / 'reports' / story_id}.html" in out
    # outlets named from the pages' site names, and a story file that `run` accepts
    story_file = tmp_path / "implied.toml"
    story_file.write_text(out[out.index("id = "):], encoding="utf-8")
    story = load_story(story_file)
    assert story.id == story_id and story.title == "Crown jewels stolen from the Louvre in seven-minute raid"
    assert [a.url for a in story.articles] == urls
    assert [a.outlet for a in story.articles] == ["Example Tribune", "Metro Bulletin", "Capital Morning Post"]
    # the same links again: the same story, updated in place
    assert main(argv) == 0
    assert f"{story_id}: 3/3" in capsys.readouterr().out
    with duckdb.connect(str(root / "db.duckdb"), read_only=True) as con:
        assert con.sql("SELECT story_id FROM stories").fetchall() == [(story_id,)]
        assert con.sql("SELECT source_file FROM stories").fetchall() == [("<command line>",)]


def test_compare_with_id_title_and_a_failed_link(compared_urls, capsys):
    root, urls, argv = compared_urls
    argv = argv[:1] + [urls[0], urls[1], urls[0].replace("tribune", "deleted")] + argv[4:]
    assert main(argv + ["--id", "heist", "--title", "The <heist>"]) == 0
    out = capsys.readouterr().out
    assert "heist: 2/3 articles compared" in out
    assert "failed: 127.0.0.1 <" in out and "HTTP 404" in out
    assert 'title = "The <heist>"' in out
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert "The &lt;heist&gt;" in index and "<heist>" not in index
    assert 'href="heist.html"' in index


def test_compare_bad_input_is_one_line(capsys, tmp_path):
    assert main(["compare", "ftp://example.org/x", "--db", str(tmp_path / "db.duckdb")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "storydiff: error: 'ftp://example.org/x': unsupported URL scheme 'ftp' (http, https or a file path)"
    assert main(["compare", "no-such.html", "--id", "Bad Id", "--db", str(tmp_path / "db.duckdb")]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == "storydiff: error: no-such.html: no such file"


def test_db_option_before_the_command_is_kept(tmp_path, capsys):
    db = tmp_path / "before.duckdb"
    assert main(["--db", str(db), "sql", "SELECT 1"]) == 1  # no database there yet: the one given is the one opened
    assert str(db) in capsys.readouterr().err


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    """A notebook session: compare a story file, then connect to the database."""
    root = tmp_path_factory.mktemp("notebook")
    settings = replace(storydiff.Settings(), report_dir=root / "reports")
    result = storydiff.compare(SAMPLE_STORY, db=root / "nb.duckdb", settings=settings)
    return root, result


FRAMES = {"claims": "story_claims", "contradictions": "contradictions", "articles": "articles",
          "coverage": "outlet_coverage", "sentences": "claim_sentences", "figures": "figures",
          "updates": "updates", "richer_sentences": "richer_sentences", "versions": "article_versions",
          "stories": "compared_stories"}


def test_compare_and_connect_give_the_views_as_frames(notebook):
    root, result = notebook
    assert isinstance(result, storydiff.Comparison)
    assert result.story_id == "louvre-heist" and result.summary.failed == 0
    assert result.report_path == root / "reports" / "louvre-heist.html"
    db = storydiff.connect(root / "nb.duckdb")
    story = db.story("louvre-heist")
    with duckdb.connect(str(root / "nb.duckdb"), read_only=True) as con:
        for attribute, view in FRAMES.items():
            expected = con.sql(f"SELECT * FROM {view} WHERE story_id = 'louvre-heist'").pl()
            for frames in (result, story, db):
                frame = getattr(frames, attribute)
                assert isinstance(frame, pl.DataFrame)
                assert frame.columns == expected.columns, attribute
                assert frame.height == expected.height, attribute
    assert result.contradictions.height >= 5 and "explanation" in result.contradictions.columns
    assert set(result.claims["status"]) == {"contradicted", "shared", "unique"}
    assert result.figures.filter(pl.col("status") == "conflict").height > 0
    html = result.report_html()
    assert html.startswith("<!doctype html>") and "Four thieves" in html
    timeline = [[" ".join(td.text_content().split()) for td in row.xpath("td")]
                for row in lxml.html.fromstring(html).xpath("//table[@id='timeline']//tr[td]")]
    assert len(timeline) == 6 and timeline[0][0].endswith("(first)") and timeline[0][1:3] == ["en", "2025-10-19"]
    assert timeline[-1][:3] == ["Capital Morning Post", "en", "2025-10-20"]  # the one outlet a day late
    assert db.sql("SELECT count(*) AS n FROM stories")["n"][0] == 1


def test_api_errors_are_storydiff_errors(notebook, tmp_path):
    root, _ = notebook
    with pytest.raises(StorydiffError, match="no database here yet"):
        storydiff.connect(tmp_path / "none.duckdb")
    with pytest.raises(StorydiffError, match="'nope' is not in"):
        storydiff.connect(root / "nb.duckdb").story("nope")
    with pytest.raises(StorydiffError, match="cannot read story file"):
        storydiff.compare(tmp_path / "missing.toml", db=tmp_path / "x.duckdb")


def in_utc(frame: pl.DataFrame) -> pl.DataFrame:
    """The same instants under one zone name: duckdb reads a UTC timestamp as 'Etc/UTC', polars as 'UTC'."""
    zoned = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime) and dtype.time_zone]
    return frame.with_columns(pl.col(zoned).dt.convert_time_zone("UTC"))


def test_export_parquet_reads_back_identically(notebook, tmp_path, capsys):
    root, _ = notebook
    db = root / "nb.duckdb"
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "all")]) == 0
    written = capsys.readouterr().out.split()
    assert written == [str(tmp_path / "all" / f"{view}.parquet") for view in PUBLIC_VIEWS]
    with duckdb.connect(str(db), read_only=True) as con:
        for view in PUBLIC_VIEWS:
            path = tmp_path / "all" / f"{view}.parquet"
            from_duckdb = in_utc(con.sql("SELECT * FROM read_parquet(?)", params=[str(path)]).pl())
            from_polars = in_utc(pl.read_parquet(path))
            from_view = in_utc(con.sql(f"SELECT * FROM {view}").pl())
            assert from_duckdb.equals(from_polars), view
            assert from_polars.sort(from_polars.columns).equals(from_view.sort(from_view.columns)), view
    assert pl.read_parquet(tmp_path / "all" / "contradictions.parquet").height >= 5


def test_export_csv_json_and_story_selection(notebook, tmp_path, capsys):
    root, _ = notebook
    db = root / "nb.duckdb"
    assert main(["export", "louvre-heist", "--format", "csv", "--db", str(db), "--out", str(tmp_path / "csv")]) == 0
    assert main(["export", "louvre-heist", "--format", "json", "--db", str(db), "--out", str(tmp_path / "json")]) == 0
    capsys.readouterr()
    with duckdb.connect(str(db), read_only=True) as con:
        n_claims = con.sql("SELECT count(*) FROM story_claims").fetchall()[0][0]
    assert pl.read_csv(tmp_path / "csv" / "story_claims.csv").height == n_claims
    assert pl.read_ndjson(tmp_path / "json" / "story_claims.json").height == n_claims
    assert main(["export", "no-such-story", "--db", str(db), "--out", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err.strip() == f"storydiff: error: story 'no-such-story' is not in {db} (run it first)"


def test_report_index_lists_every_story(notebook):
    root, _ = notebook
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'href="louvre-heist.html"' in index
    assert "Crown jewels stolen from the Louvre" in index
    (row,) = lxml.html.fromstring(index).xpath("//table[@id='stories']/tr[td]")
    cells = [" ".join(td.text_content().split()) for td in row.xpath("td")]
    assert cells[0] == "Crown jewels stolen from the Louvrelouvre-heist"  # the title, then the id under it
    assert cells[2:] == ["6", "0", "5", "7", "0", "15"]  # compared, failed, then claims per label


def test_progress_is_a_bar_on_a_terminal_and_log_lines_elsewhere(capsys, caplog, monkeypatch):
    console.configure(bars=True)
    try:
        with console.progress("embedding", 40, "sentence") as advance:
            for _ in range(40):
                advance(1)
        assert "embedding" in capsys.readouterr().err  # tqdm draws on stderr
        console.configure(bars=False)
        monkeypatch.setattr(console, "LOG_EVERY_S", 0.0)
        with caplog.at_level(logging.INFO, logger="storydiff"):
            with console.progress("judging", 40, "pair") as advance:
                for _ in range(40):
                    advance(10)
        assert "\r" not in capsys.readouterr().err
        assert [r.getMessage() for r in caplog.records] == ["judging: 10 of 40 pairs", "judging: 20 of 40 pairs",
                                                           "judging: 30 of 40 pairs"]
    finally:
        console.configure(bars=False)


def test_first_run_prints_no_warnings_or_progress_residue(tmp_path):
    """The CLI in a subprocess, as a user runs it first: a fresh model cache (the models are
    exported to ONNX and quantized in this run) and stderr not a terminal."""
    env = os.environ | {"STORYDIFF_CACHE_DIR": str(tmp_path / "cache"), "STORYDIFF_REPORT_DIR": str(tmp_path / "reports"),
                        "PREFECT_HOME": str(tmp_path / "prefect")}  # its own: the test harness's server holds ours
    env.pop("PREFECT_LOGGING_LEVEL", None)  # as a user's shell has it
    done = subprocess.run([sys.executable, "-m", "storydiff.cli", "run", str(SAMPLE_STORY), "--db", str(tmp_path / "db.duckdb")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cache" / "nli").is_dir() and (tmp_path / "cache" / "embedder").is_dir()
    for residue in ("Warning", "\r", "it/s", "%|", "Loading weights", "pre-processing"):
        assert residue not in done.stderr, (residue, done.stderr)
    assert done.stderr.splitlines()[-1].startswith("louvre-heist: report ")
    assert "louvre-heist: 6/6 articles compared" in done.stdout
