"""The bench's corpus and its timing: README "Performance" rests on them."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from corpus import LOCAL, make_story, write_story  # noqa: E402
from run import side_by_side  # noqa: E402

from storydiff.extract import extract_article  # noqa: E402
from storydiff.segment import split_sentences  # noqa: E402
from storydiff.story import load_story  # noqa: E402


def test_stories_are_seeded():
    assert make_story(12, 30) == make_story(12, 30)
    assert make_story(12, 30) != make_story(12, 30, seed=8)


def test_wire_copies_republish_the_wire_and_the_others_reword_it():
    articles = make_story(200, 20)
    wire = set(articles[0].sentences)
    copies = [a for a in articles[1:] if a.wire_copy]
    own = [a for a in articles[1:] if not a.wire_copy]
    assert 0.3 < len(copies) / (len(articles) - 1) < 0.5
    for copy in copies:
        assert set(copy.sentences) <= wire | set(LOCAL)
        assert len(set(copy.sentences) & wire) >= 10
    assert not any(set(article.sentences) & wire for article in own)
    assert all(len(article.sentences) == 20 for article in own)


def test_written_story_reads_back_as_its_sentences(tmp_path):
    articles = make_story(3, 12)
    story = load_story(write_story(articles, tmp_path, "bench-3"))
    assert [ref.outlet for ref in story.articles] == [a.outlet for a in articles]
    for ref, article in zip(story.articles, articles):
        extracted = extract_article(Path(ref.location).read_text(encoding="utf-8"))
        sentences = [s.text for s in split_sentences(extracted.text, extracted.title)]
        assert sentences == article.sentences  # no menu, byline or footer among them


def test_side_by_side_takes_turns():
    calls = []
    seconds = side_by_side({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, rounds=3)
    assert calls == ["a", "b", "a", "b", "a", "b"]
    assert set(seconds) == {"a", "b"} and all(s >= 0 for s in seconds.values())
