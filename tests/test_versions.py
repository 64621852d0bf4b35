"""Article versions: a new version only when the extracted text changes, with what changed."""

import shutil
from dataclasses import replace

from flows.compare import compare_story
from storydiff.cli import main
from storydiff.settings import Settings
from storydiff.store import Store

from conftest import SAMPLE_DIR, write_story


def test_changed_text_is_a_new_version_with_its_changes(settings, tmp_path):
    page = tmp_path / "tribune.html"
    shutil.copy(SAMPLE_DIR / "louvre-heist" / "tribune.html", page)
    shutil.copy(SAMPLE_DIR / "louvre-heist" / "metro.html", tmp_path / "metro.html")
    story = write_story(tmp_path / "v.toml", "versions", [("Tribune", "tribune.html"), ("Metro", "metro.html")])
    compare_story(str(story), settings)
    compare_story(str(story), settings)  # unchanged: no new version
    original = page.read_text(encoding="utf-8")
    assert "Four thieves took part" in original and "nearly nine million visitors" in original
    page.write_text(
        original.replace("Four thieves took part", "Five thieves took part")
        .replace("The Louvre welcomed nearly nine million visitors last year, most of them foreign tourists.", "")
        .replace("</article>", "<p>A reward of 50,000 euros has been offered for information on the gang.</p></article>"),
        encoding="utf-8")
    compare_story(str(story), settings)

    with Store.open(settings.db_path, read_only=True) as store:
        versions = store.con.sql(
            "SELECT outlet, version, added, removed, edited, changes FROM article_versions "
            "WHERE story_id = 'versions' ORDER BY outlet, version").pl().to_dicts()
        columns = store.con.sql("SELECT * FROM article_versions LIMIT 0").pl().columns
    assert columns[:8] == ["story_id", "outlet", "url", "version", "fetched_at", "text_hash", "added", "removed"]
    assert [(v["outlet"], v["version"]) for v in versions] == [("Metro", 1), ("Tribune", 1), ("Tribune", 2)]
    first, second = versions[1], versions[2]
    assert first["added"] > 5 and first["removed"] == first["edited"] == 0
    assert (second["added"], second["removed"], second["edited"]) == (1, 1, 1)
    kinds = {c["kind"]: c for c in second["changes"]}
    assert kinds["edited"]["before"].startswith("Four thieves") and kinds["edited"]["after"].startswith("Five thieves")
    assert kinds["removed"]["before"].startswith("The Louvre welcomed")
    assert kinds["added"]["after"].startswith("A reward of 50,000 euros")

    html = (settings.report_dir / "versions.html").read_text(encoding="utf-8")
    assert "Updates since the first fetch" in html
    assert "<del>Four thieves took part" in html and "<ins>Five thieves took part" in html


def test_private_addresses_need_an_explicit_opt_in(http_server, tmp_path, capsys):
    base, _ = http_server
    story = write_story(tmp_path / "local.toml", "local", [("Wire", f"{base}/articles/wire.html")])
    args = ["run", str(story), "--db", str(tmp_path / "l.duckdb"), "--report-dir", str(tmp_path / "r")]
    assert main(args) == 1
    assert "Wire: refused: 127.0.0.1 resolves to 127.0.0.1, not a public address" in capsys.readouterr().err
    assert main(args + ["--allow-private-networks"]) == 0
    assert Settings.from_env({"STORYDIFF_ALLOW_PRIVATE_NETWORKS": "1"}).fetch.allow_private_networks
    assert not Settings.from_env({}).fetch.allow_private_networks
    assert replace(Settings().fetch, contact_url="https://news.example/contact").user_agent.endswith(
        "+https://news.example/contact)")
