"""Watching outlets: feeds parsed from bytes, conditional polling against a real local feed
server, outlets files, and the watch flow end to end (poll, group, compare)."""

import re
from datetime import datetime, timezone

import duckdb
import pytest

import feed_server
from storydiff.cli import main
from storydiff.discover.feeds import FeedParseError, parse_feed
from storydiff.discover.outlets import OutletsFileError, load_outlets
from storydiff.discover.poll import FeedState, due, poll_feed
from storydiff.fetch import Fetcher

from conftest import FAST_FETCH

NOW = datetime(2025, 10, 19, 15, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def feeds():
    server, base = feed_server.start()
    yield base
    server.shutdown()


def test_parsing_rss_atom_sitemaps_and_homepages():
    base = "http://news.test"
    rss = parse_feed(feed_server.rss(base).encode(), f"{base}/rss.xml")
    assert rss.kind == "rss"
    assert [i.url for i in rss.items] == [f"{base}/a/tribune.html"] * 2 + [f"{base}/a/council.html"]  # no utm, no #
    assert rss.items[0].published == datetime(2025, 10, 19, 12, 0, tzinfo=timezone.utc)
    assert rss.items[1].published is None and rss.items[2].published is None  # missing, unreadable: never "now"
    atom = parse_feed(feed_server.atom(base).encode(), f"{base}/atom.xml")
    assert atom.kind == "atom" and atom.items[0].guid == "urn:metro:1"
    sitemap = parse_feed(feed_server.news_sitemap(base).encode(), f"{base}/news-sitemap.xml")
    assert sitemap.kind == "sitemap" and sitemap.items[0].title.startswith("Louvre heist")
    assert sitemap.items[0].published == datetime(2025, 10, 19, 14, 0, tzinfo=timezone.utc)
    index = parse_feed(feed_server.sitemap_index(base).encode(), f"{base}/sitemap-index.xml")
    assert index.kind == "sitemap-index" and index.sitemaps == [f"{base}/news-sitemap.xml"]
    home = parse_feed(b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed"></head></html>',
                      f"{base}/", "text/html")
    assert home.feeds == [f"{base}/feed"]
    with pytest.raises(FeedParseError, match="malformed feed"):
        parse_feed(b"<rss><channel><item><title>broken", f"{base}/x")
    with pytest.raises(FeedParseError, match="malformed sitemap"):
        parse_feed(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x', f"{base}/x")


def test_conditional_polling_and_its_outcomes(feeds):
    with Fetcher(FAST_FETCH) as fetcher:
        def poll(path, state=None):
            return poll_feed(fetcher, state or FeedState(f"{feeds}{path}", "Outlet"), NOW)

        first = poll("/rss.xml")
        assert first.parsed and first.state.etag == '"rss-v1"' and len(first.items) == 3
        again = poll("/rss.xml", first.state)
        assert again.state.status == "not modified" and not again.parsed and not again.items
        assert feed_server.FeedHandler.conditional[-1] == ("/rss.xml", '"rss-v1"', None)  # sent as received
        atom = poll("/atom.xml")
        assert poll("/atom.xml", atom.state).state.status == "not modified"
        sitemap = poll("/news-sitemap.xml")
        assert sitemap.parsed and poll("/news-sitemap.xml", sitemap.state).state.status == "unchanged"
        moved = poll("/old-feed.xml")
        assert moved.state.url == f"{feeds}/atom.xml" and moved.previous_url == f"{feeds}/old-feed.xml"
        temporary = poll("/temporary.xml")
        assert temporary.state.url == f"{feeds}/temporary.xml" and temporary.previous_url is None
        gone = poll("/gone.xml")
        assert gone.state.disabled and not due(gone.state, NOW)
        broken = poll("/malformed.xml")
        assert broken.state.status.startswith("failed: malformed feed") and broken.state.failures == 1
        assert not due(broken.state, NOW) and broken.state.next_poll_at > NOW  # backed off, alone
        slow = poll("/slow.xml")
        assert slow.state.status == "failed: timed out: no data for 0.5s"


def test_outlets_files(tmp_path):
    good = tmp_path / "outlets.toml"
    good.write_text('[[outlets]]\nname = "A"\nfeeds = ["https://a.test/rss"]\n\n'
                    '[[outlets]]\nname = "B"\nhomepage = "https://b.test/"\n', encoding="utf-8")
    assert [(o.name, o.feeds, o.homepage) for o in load_outlets(good)] == [
        ("A", ("https://a.test/rss",), None), ("B", (), "https://b.test/")]
    for content, message in [
        ('[[outlets]]\nname = "A"\n', "outlet 'A': give 'feeds' or a 'homepage'"),
        ('[[outlets]]\nname = "A"\nfeeds = ["ftp://a.test/x"]\n', "'ftp://a.test/x' is not an http(s) URL"),
        ('[[outlets]]\nfeeds = ["https://a.test/x"]\n', "outlet 1: missing 'name'"),
        ('[[outlets]]\nname = "A"\nfeed = "x"\n', "unknown key(s) feed"),
        ("outlets = [", "invalid TOML"),
    ]:
        bad = tmp_path / "bad.toml"
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(OutletsFileError, match=re.escape(message)) as info:
            load_outlets(bad)
        assert str(info.value).startswith(str(bad)) and "\n" not in str(info.value)


def test_watch_polls_groups_and_compares(feeds, settings, tmp_path, capsys):
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(f"""
[[outlets]]
name = "Example Tribune"
feeds = ["{feeds}/rss.xml"]

[[outlets]]
name = "Metro Bulletin"
homepage = "{feeds}/home"
feeds = ["{feeds}/old-feed.xml"]

[[outlets]]
name = "Capital Morning Post"
feeds = ["{feeds}/sitemap-index.xml"]

[[outlets]]
name = "Broken Times"
feeds = ["{feeds}/malformed.xml", "{feeds}/gone.xml"]
""", encoding="utf-8")
    argv = ["watch", str(outlets), "--db", str(settings.db_path), "--report-dir", str(settings.report_dir),
            "--allow-private-networks"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "4 new items" in out  # the Louvre story from three outlets, and the council item
    assert ": 3/3 articles compared" in out
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        stories = con.sql("SELECT n_articles, n_outlets, contradicted > 0 FROM discovered_stories "
                          "ORDER BY n_articles DESC").fetchall()
        assert stories == [(3, 3, True), (1, 1, None)]
        feeds_state = dict(con.sql("SELECT url, status FROM feeds").fetchall())
        assert feeds_state[f"{feeds}/gone.xml"] == "HTTP 410 (gone)"
        assert feeds_state[f"{feeds}/malformed.xml"].startswith("failed: malformed feed")
        assert f"{feeds}/atom.xml" in feeds_state and f"{feeds}/news-sitemap.xml" in feeds_state  # discovered
        assert f"{feeds}/old-feed.xml" not in feeds_state  # moved for good (301): kept under its new URL
        published = dict(con.sql("SELECT url, published FROM feed_items").fetchall())
        assert published[f"{feeds}/a/council.html"] is None
        read = {url: (status, text is not None) for url, status, text in
                con.sql("SELECT url, fetch_status, text FROM feed_items").fetchall()}
        assert read[f"{feeds}/a/metro.html"] == ("ok", True)  # grouped on the article's own text
        assert read[f"{feeds}/a/council.html"] == ("HTTP 404", False)  # on the feed's summary instead
    # nothing new: conditional requests only, no new items, nothing compared again
    parsed_before = feed_server.FeedHandler.hits.copy()
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "0 new items" in out and "articles compared" not in out
    assert feed_server.FeedHandler.hits.get("/gone.xml") == parsed_before.get("/gone.xml")  # disabled: not asked
    assert feed_server.FeedHandler.hits.get("/malformed.xml") == parsed_before.get("/malformed.xml")  # backed off
