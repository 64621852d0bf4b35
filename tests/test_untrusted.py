"""Text from the web stays data: escaped in reports, bound in SQL, never a path outside the report dir."""

import json

import pytest

from storydiff import report
from storydiff.cli import main
from storydiff.errors import StorydiffError
from storydiff.store import Store

from conftest import write_story

PAYLOAD = "<script>alert('x')</script>"


def test_script_payloads_in_title_outlet_and_sentence_are_escaped(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>&lt;script&gt;alert('page title')&lt;/script&gt;</title></head><body><article>"
        "<h1>&lt;script&gt;alert('headline')&lt;/script&gt;</h1>"
        "<p>The attackers wrote &lt;script&gt;alert('x')&lt;/script&gt; on the museum wall on Sunday.</p>"
        "<p>Police said the message appeared overnight near the main entrance of the building.</p>"
        "</article></body></html>", encoding="utf-8")
    outlet = "<img src=x onerror=alert(1)> Outlet'; DROP TABLE sentences; --"
    story = write_story(tmp_path / "evil.toml", "evil", [(outlet, "page.html")], title=PAYLOAD)
    db = tmp_path / "e.duckdb"
    reports = tmp_path / "reports"
    assert main(["run", str(story), "--db", str(db), "--report-dir", str(reports)]) == 0
    capsys.readouterr()

    html = (reports / "evil.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html  # title and sentence, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index.lower() and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in index

    assert main(["report", "evil", "--db", str(db), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "<script" not in markdown.lower() and "<img" not in markdown.lower()
    assert main(["report", "evil", "--db", str(db), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["articles"][0]["outlet"] == outlet  # JSON keeps the text exactly

    with Store.open(db, read_only=True) as store:  # bound, not spliced: the outlet name is just a value
        assert store.con.sql("SELECT outlet FROM articles").fetchall() == [(outlet,)]
        assert store.con.sql("SELECT count(*) FROM sentences").fetchall()[0][0] == 2


@pytest.mark.parametrize("story_id", ["../../escape", "a/b", "/etc/passwd", "..", "UPPER", ""])
def test_report_paths_stay_in_the_report_dir(tmp_path, story_id):
    with Store.open(tmp_path / "s.duckdb") as store, pytest.raises(StorydiffError, match="no report written"):
        report.write_html(store, story_id, tmp_path / "reports")
    assert not any(tmp_path.rglob("*.html"))


def test_many_outlets_get_a_claim_list_instead_of_a_column_each():
    from datetime import datetime, timezone

    outlets = [f"<i>Outlet {n}</i>" for n in range(30)]
    articles = [{"article_no": n, "outlet": o, "url": f"u{n}", "status": "ok", "truncation": None,
                 "language": "en", "source_article_no": n} for n, o in enumerate(outlets)]
    claims = [{"claim_id": 0, "status": "shared", "n_outlets": 30, "outlets": outlets, "text": PAYLOAD,
               "sentences": {n: [PAYLOAD] for n in range(30)}}]
    data = report.ReportData("many", "Many", datetime.now(timezone.utc), articles, claims, [], [], [])
    html = report.render_html(data)
    assert "Claims side by side" not in html and "30: &lt;i&gt;Outlet 0&lt;/i&gt;" in html
    assert "and 18 more" in html and "<script" not in html and "<i>" not in html
