"""Ad-hoc stories from URLs and paths: provisional refs, names from the pages, the implied story file."""

import pytest

from storydiff.adhoc import named_story, story_file_text, story_from_locations, unique_names
from storydiff.errors import StoryFileError
from storydiff.extract import ExtractedArticle
from storydiff.story import parse_story, tomllib


def page(title=None, site_name=None) -> ExtractedArticle:
    return ExtractedArticle(text="x", title=title, author=None, published=None, site_name=site_name)


def test_locations_become_refs_named_after_host_or_file(tmp_path):
    (tmp_path / "local-paper.html").write_text("<html></html>")
    story = story_from_locations(["https://www.example.org/a", "http://news.test/b?x=1", "local-paper.html"], cwd=tmp_path)
    assert [a.outlet for a in story.articles] == ["example.org", "news.test", "local-paper"]
    assert story.articles[2].location == str(tmp_path / "local-paper.html")
    assert story.articles[2].url == story.articles[2].location  # absolute: the same file from elsewhere is one article


@pytest.mark.parametrize("locations, message", [
    ([], "give at least one URL"),
    (["ftp://example.org/a"], "unsupported URL scheme 'ftp'"),
    (["https:///nohost"], "URL has no host"),
    (["missing.html"], "missing.html: no such file"),
    (["https://a.test/x", "https://a.test/x"], "https://a.test/x: given twice"),
])
def test_bad_locations_are_one_line_errors(tmp_path, locations, message):
    with pytest.raises(StoryFileError, match=message) as info:
        story_from_locations(locations, cwd=tmp_path)
    assert "\n" not in str(info.value)


def test_outlets_from_site_names_made_unique_and_id_from_title():
    story = story_from_locations(["https://a.test/1", "https://b.test/2", "https://c.test/3"])
    named = named_story(story, [page("Flood <b>hits</b> the Valley: 3 dead", "The Daily"), page(None, "The Daily"), None], {})
    assert [a.outlet for a in named.articles] == ["The Daily", "The Daily (2)", "c.test"]
    assert named.title == "Flood <b>hits</b> the Valley: 3 dead"
    assert named.id == "flood-b-hits-b-the-valley-3-dead"


def test_id_is_unique_unless_the_same_links_were_compared_before():
    story = story_from_locations(["https://a.test/1", "https://b.test/2"])
    pages = [page("Budget vote"), page("Other")]
    taken = {"budget-vote": frozenset({"https://z.test/9"})}
    assert named_story(story, pages, taken).id == "budget-vote-2"
    taken["budget-vote-2"] = frozenset({"https://a.test/1", "https://b.test/2"})
    assert named_story(story, pages, taken).id == "budget-vote-2"  # the same links: the same story, updated
    assert named_story(story, pages, {}, story_id="my-id", title="Mine").id == "my-id"
    with pytest.raises(StoryFileError, match="is not a slug"):
        named_story(story, pages, {}, story_id="Not A Slug")
    assert named_story(story, [None, None], {}).id == "untitled-story"


def test_unique_names():
    assert unique_names(["A", "B", "A", "A (2)", "A"]) == ["A", "B", "A (2)", "A (2) (2)", "A (3)"]


def test_implied_story_file_reads_back_as_the_same_story(tmp_path):
    story = story_from_locations(["https://a.test/1", "https://b.test/2"])
    named = named_story(story, [page('Quotes "and" \\ backslashes\nnewline', 'Outlet "One"'), page()], {})
    text = story_file_text(named)
    path = tmp_path / "story.toml"
    back = parse_story(tomllib.loads(text), path)
    assert (back.id, back.title) == (named.id, named.title)
    assert [(a.outlet, a.url) for a in back.articles] == [(a.outlet, a.url) for a in named.articles]
