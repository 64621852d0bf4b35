"""Grouping articles into stories, and the `storydiff cluster` command, on articles written for these tests."""

import json
from dataclasses import replace
from datetime import date

import pytest

from storydiff.cli import main
from storydiff.discover.dump import DumpError, read_articles
from storydiff.discover.grouping import Article, article_vectors, group, independent_sources
from storydiff.discover.token_vectors import load_token_vectors
from storydiff.discover.naming import name_stories
from storydiff.embed import load_embedder
from storydiff.settings import GroupSettings, Settings

QUAKE_A = [
    ("Wire A", "Magnitude 6.1 earthquake strikes Sumbawa, Indonesia",
     "A magnitude 6.1 earthquake shook the Indonesian island of Sumbawa on Tuesday, damaging houses in Bima. "
     "The meteorology agency said there was no tsunami threat."),
    ("Daily B", "Strong quake hits Indonesia's Sumbawa island, houses damaged in Bima",
     "Hundreds of houses were damaged in Bima after a 6.1 magnitude quake struck Sumbawa, officials said. "
     "No tsunami warning was issued."),
    ("Post C", "Sumbawa earthquake: residents of Bima flee homes after 6.1 tremor",
     "Residents of Bima on Sumbawa spent the night outdoors after the 6.1 magnitude earthquake damaged homes."),
]
QUAKE_B = [
    ("Wire A", "Magnitude 5.4 earthquake rattles Napa Valley in California",
     "A 5.4 magnitude earthquake struck near Napa, California, on Sunday, breaking wine barrels and cracking roads. "
     "The US Geological Survey said aftershocks were likely."),
    ("Daily B", "Napa quake: California wineries count broken barrels after 5.4 tremor",
     "Wineries across the Napa Valley counted broken barrels after Sunday's 5.4 earthquake, the USGS said."),
]
BUDGET = [
    ("Post C", "Parliament passes budget after all-night session",
     "Lawmakers approved the annual budget early on Friday after an all-night session, with 212 votes in favour."),
    ("Daily B", "Budget approved by 212 votes after overnight debate in parliament",
     "The budget passed with 212 votes on Friday morning following a debate that lasted through the night."),
]


def articles_of(stories, published=None) -> list[Article]:
    made = []
    for s, story in enumerate(stories):
        for a, (outlet, title, text) in enumerate(story):
            made.append(Article(id=f"s{s}a{a}", outlet=outlet, url=None, title=title, text=text,
                                published=published[s] if published else None))
    return made


@pytest.fixture(scope="module")
def embed():
    settings = Settings()
    embedder = load_embedder(settings.model, settings.embed_batch_size, settings.embed_backend, settings.model_cache,
                             settings.threads)
    token_vectors = load_token_vectors(settings.model, settings.model_cache, settings.threads)
    return lambda articles: article_vectors(articles, embedder.encode, token_vectors, settings.group)


def test_same_event_grouped_similar_events_apart(embed):
    articles = articles_of([QUAKE_A, QUAKE_B, BUDGET])
    stories = group(articles, embed(articles), GroupSettings())
    assert stories == ["s0a0"] * 3 + ["s1a0"] * 2 + ["s2a0"] * 2  # keyed by each story's first article


def test_articles_far_apart_in_time_never_share_a_story(embed):
    articles = articles_of([QUAKE_A[:2], QUAKE_A[2:]], published=[date(2025, 3, 1), date(2025, 3, 20)])
    vectors = embed(articles)
    assert len(set(group(articles, vectors, GroupSettings()))) == 2
    assert len(set(group(articles, vectors, replace(GroupSettings(), window_days=None)))) == 1


def test_story_keys_do_not_depend_on_later_articles(embed):
    first = articles_of([QUAKE_A[:2], BUDGET])
    more = first + [Article("late", "Post C", None, QUAKE_A[2][1], QUAKE_A[2][2], None)]
    assert group(more, embed(more), GroupSettings())[:len(first)] == group(first, embed(first), GroupSettings())
    assert group([], embed([]), GroupSettings()) == []


def test_story_ids_stay_and_a_story_absorbed_by_another_is_merged():
    items = [{"url": f"u{i}", "title": title, "story_id": old} for i, (title, old) in enumerate([
        ("Quake hits Sumbawa", "quake-hits-sumbawa-1"), ("Sumbawa tremor", "quake-hits-sumbawa-1"),
        ("Bima houses damaged", "bima-houses-2"), ("Napa quake", None)])]
    # the grouping now puts the Bima article with the Sumbawa ones (a new article bridged them)
    names, merged = name_stories(items, ["u0", "u0", "u0", "u3"])
    assert names[:3] == ["quake-hits-sumbawa-1"] * 3
    assert names[3].startswith("napa-quake-")
    assert merged == {"bima-houses-2": "quake-hits-sumbawa-1"}
    assert name_stories(items, ["u0", "u0", "u2", "u3"])[1] == {}  # nothing moved: nothing merged


def test_wire_copies_count_once_among_a_storys_sources():
    wire, daily, post = QUAKE_A
    copy = ("Herald D", wire[1], wire[2].replace("on Tuesday", "on Tuesday morning"))  # the wire text, reprinted
    def sources(rows):
        return independent_sources([Article(f"a{i}", o, None, t, x, None) for i, (o, t, x) in enumerate(rows)])

    assert sources([wire, copy]) == 1  # two outlets, one text: not a story two outlets tell
    assert sources([wire, copy, daily]) == 2
    assert sources([wire, daily, post]) == 3  # three tellings of one event
    assert sources([wire, (wire[0], *daily[1:])]) == 1  # one outlet twice is one source
    assert sources([]) == 0


def test_cluster_command_reads_a_dump_and_writes_assignments(tmp_path, capsys):
    dump = tmp_path / "articles.jsonl"
    lines = [{"id": a.id, "outlet": a.outlet, "url": None, "title": a.title, "text": a.text,
              "published": "2025-03-01", "language": "en"} for a in articles_of([QUAKE_A, QUAKE_B, BUDGET])]
    dump.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    out = tmp_path / "assignments.jsonl"
    assert main(["cluster", str(dump), "--out", str(out)]) == 0
    assert "7 articles in 3 stories" in capsys.readouterr().err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [line["id"] for line in lines]
    assert len({r["story"] for r in rows}) == 3


@pytest.mark.parametrize("content, message", [
    ('{"id": "a", "title": "x"}\nnot json\n', ":2: not JSON"),
    ('{"title": "x"}\n', ":1: missing 'id'"),
    ('{"id": "a", "title": "", "text": ""}\n', "has neither title nor text"),
    ('{"id": "a", "title": "x"}\n{"id": "a", "title": "y"}\n', ":2: id 'a' given twice"),
    ('{"id": "a", "title": "x", "published": "last tuesday"}\n', "'published' 'last tuesday' is not an ISO date"),
    ('{"id": "a", "title": 3}\n', "'title' must be a string or null"),
])
def test_bad_dumps_are_one_line_errors(tmp_path, content, message):
    dump = tmp_path / "bad.jsonl"
    dump.write_text(content, encoding="utf-8")
    with pytest.raises(DumpError, match=message) as info:
        read_articles(dump)
    assert str(info.value).startswith(str(dump)) and "\n" not in str(info.value)
