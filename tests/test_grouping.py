"""Grouping articles into stories, and the `storydiff cluster` command, on articles written for these tests."""

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
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


def _stream(order):
    """Forty stories told twice, and one event (the 41st) told by the first and last articles of
    the stream; each article's vector is its story's axis. `order` puts them in stream order."""
    told = [(k, f"t{k}") for k in range(40) for _ in range(2)]
    told = [(40, "first")] + told + [(40, "last")]
    articles, vectors = [], np.zeros((len(told), 41), dtype=np.float32)
    for position, index in enumerate(order):
        story, name = told[index]
        articles.append(Article(f"{name}-{index}", f"outlet {index}", None, f"event{story} report",
                                f"event{story} details", None))
        vectors[position, story] = 1.0
    return articles, vectors


def test_an_undated_stream_in_published_order_keeps_a_story_together_in_time():
    from storydiff.discover.grouping import similarity, stream_window

    ordered, vectors = _stream(range(82))
    stories = group(ordered, vectors, GroupSettings())
    # each story's tellings lie one place apart: two articles more than four places apart never meet
    assert stream_window(similarity(ordered, vectors, replace(GroupSettings(), stream_window_factor=0)),
                         GroupSettings()) == 4
    assert stories[0] != stories[-1] and stories[1] == stories[2]
    assert len(set(group(ordered, vectors, replace(GroupSettings(), stream_window_factor=0)))) == 41
    # shuffled, the input shows no order in time: no window, and the event's two tellings meet
    shuffled, vectors = _stream(np.random.default_rng(3).permutation(82))
    assert stream_window(similarity(shuffled, vectors, replace(GroupSettings(), stream_window_factor=0)),
                         GroupSettings()) is None
    assert len(set(group(shuffled, vectors, GroupSettings()))) == 41


def test_an_undated_article_is_dated_by_its_place_among_dated_ones(embed):
    from storydiff.discover.grouping import publication_spans

    march = date(2025, 3, 1).toordinal()
    earliest, latest = publication_spans(np.array([march, 0, march + 1, 0, march + 10, 0]))
    assert earliest.tolist() == [march, march, march + 1, march + 1, march + 10, march + 10]
    assert latest.tolist()[:5] == [march, march + 1, march + 1, march + 10, march + 10] and latest[5] > march + 10**6
    # dated articles out of order: the input's order says nothing of the undated one's day
    earliest, latest = publication_spans(np.array([march + 5, 0, march, march + 9, march + 2]))
    assert earliest[1] < march - 10**6 and latest[1] > march + 10**6
    # in order but for one step back, just where the undated one stands: nothing said of it either
    earliest, latest = publication_spans(np.array([*range(march, march + 40), 0, *range(march, march + 40)]))
    assert earliest[40] < march - 10**6 and latest[40] > march + 10**6
    # the quake's third telling comes after a budget story of March 20: not the quake of March 1
    quake, budget = QUAKE_A, BUDGET[0]
    articles = [Article("q0", quake[0][0], None, quake[0][1], quake[0][2], date(2025, 3, 1)),
                Article("q1", quake[1][0], None, quake[1][1], quake[1][2], date(2025, 3, 1)),
                Article("b0", budget[0], None, budget[1], budget[2], date(2025, 3, 20)),
                Article("q2", quake[2][0], None, quake[2][1], quake[2][2], None)]
    stories = group(articles, embed(articles), GroupSettings())
    assert stories[0] == stories[1] and stories[3] not in (stories[0], stories[2])
    assert group(articles[:2] + articles[3:], embed(articles[:2] + articles[3:]), GroupSettings()) == ["q0"] * 3


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


def test_a_small_story_joins_the_big_story_nearest_to_it_and_nothing_else():
    from storydiff.discover.grouping import Triangle, _join_stragglers, _upper_triangle

    settings = GroupSettings(threshold=0.3, straggler_size=2, big_story=4, straggler_margin=0.06)
    # a big story (0-3); a lone article 0.04 short of the cut (4) and one 0.1 short (5); a pair
    # (6, 7) 0.03 short; a lone article (8) as near the big story as 4, but nearer another (9)
    similarity = np.zeros((10, 10))
    similarity[:4, :4] = 0.8
    for row, near in ((4, 0.26), (5, 0.2), (6, 0.27), (7, 0.27), (8, 0.26)):
        similarity[row, :4] = similarity[:4, row] = near
    similarity[6, 7] = similarity[7, 6] = 0.35
    similarity[8, 9] = similarity[9, 8] = 0.28
    np.fill_diagonal(similarity, 1.0)
    labels = np.array([1, 1, 1, 1, 2, 3, 4, 4, 5, 6])
    distance = Triangle(_upper_triangle(1.0 - similarity), 10)
    assert _join_stragglers(labels, distance, settings).tolist() == [1, 1, 1, 1, 1, 3, 1, 1, 5, 6]
    assert _join_stragglers(labels, distance, replace(settings, straggler_size=1)).tolist() == [
        1, 1, 1, 1, 1, 3, 4, 4, 5, 6]
    for off in (replace(settings, straggler_margin=0), replace(settings, big_story=5)):
        assert _join_stragglers(labels, distance, off).tolist() == labels.tolist()


def test_rows_read_from_the_upper_triangle_are_the_rows_of_the_square_matrix():
    from scipy.spatial.distance import squareform

    from storydiff.discover.grouping import Triangle, _upper_triangle

    rng = np.random.default_rng(7)
    square = rng.random((9, 9)).astype(np.float32)
    square = (square + square.T) / 2
    np.fill_diagonal(square, 0.0)
    condensed = _upper_triangle(square)
    assert condensed.dtype == np.float64 and np.allclose(condensed, squareform(square, checks=False))
    rows = np.array([0, 4, 8, 3])
    assert np.allclose(Triangle(condensed, 9)[rows], square[rows])


def test_the_bundled_sample_dump_groups_into_its_four_events(tmp_path, capsys):
    sample = Path(__file__).resolve().parents[1] / "data" / "articles.sample.jsonl"
    out = tmp_path / "stories.jsonl"
    assert main(["cluster", str(sample), "--out", str(out)]) == 0
    assert "12 articles in 4 stories" in capsys.readouterr().err
    story_of = {row["id"]: row["story"] for row in map(json.loads, out.read_text().splitlines())}
    events = {}
    for ident, story in story_of.items():
        events.setdefault(story, set()).add(ident)
    # two earthquakes a day apart stay two stories; a bare "what we know" joins its quake
    assert sorted(map(sorted, events.values())) == [["c1", "c2", "c3"], ["m1", "m2"], ["n1", "n2", "n3"],
                                                    ["q1", "q2", "q3", "q4"]]


QUAKE_A_ES = [
    ("Diario D", "Terremoto de magnitud 6,1 sacude Sumbawa, Indonesia",
     "Un terremoto de magnitud 6,1 sacudió el martes la isla indonesia de Sumbawa y dañó casas en Bima. "
     "La agencia meteorológica descartó la amenaza de tsunami."),
    ("Zeitung E", "Erdbeben der Stärke 6,1 erschüttert Sumbawa in Indonesien",
     "Ein Erdbeben der Stärke 6,1 hat am Dienstag die indonesische Insel Sumbawa erschüttert und Häuser in Bima "
     "beschädigt. Eine Tsunami-Warnung gab es nicht."),
]


def test_titles_are_read_by_the_multilingual_model_too():
    settings = Settings()
    mixed = articles_of([QUAKE_A + QUAKE_A_ES, QUAKE_B, BUDGET])
    embedder = load_embedder(settings.model, settings.embed_batch_size, settings.embed_backend, settings.model_cache,
                             settings.threads)
    token_vectors = load_token_vectors(settings.model, settings.model_cache, settings.threads)
    multilingual = load_embedder(settings.multilingual_model, threads=settings.threads)
    vectors = article_vectors(mixed, embedder.encode, token_vectors, settings.group, multilingual.encode)
    english_only = article_vectors(mixed, embedder.encode, token_vectors, settings.group)
    assert vectors.shape[1] == english_only.shape[1] + 512  # the multilingual model's reading of each title
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    # the Spanish and German tellings come nearer the English one than on the English model alone
    assert ((vectors @ vectors.T)[0, 3:5] > (english_only @ english_only.T)[0, 3:5] + 0.05).all()
    assert group(mixed, vectors, settings.group) == ["s0a0"] * 5 + ["s1a0"] * 2 + ["s2a0"] * 2
