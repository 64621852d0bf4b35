from pathlib import Path

import pytest

from storydiff.errors import StoryFileError
from storydiff.story import load_story

from conftest import SAMPLE_STORY


def test_sample_story_loads_with_paths_relative_to_the_file():
    story = load_story(SAMPLE_STORY)
    assert story.id == "louvre-heist"
    assert len(story.articles) == 6
    first = story.articles[0]
    assert not first.is_remote
    assert Path(first.location).is_file()
    assert first.url == "louvre-heist/tribune.html"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('title = "x"\n[[articles]]\noutlet = "A"\nurl = "a.html"\n', "missing 'id'"),
        ('id = "Bad Slug"\n[[articles]]\noutlet = "A"\nurl = "a.html"\n', "not a slug"),
        ('id = "s"\nauthor = "me"\n[[articles]]\noutlet = "A"\nurl = "a.html"\n', "unknown key(s) author"),
        ('id = "s"\n[[articles]]\noutlet = "A"\nurl = "a.html"\nlang = "fr"\n', "article 1: unknown key(s) lang"),
        ('id = "s"\n[[articles]]\noutlet = "A"\nurl = "a.html"\n[[articles]]\noutlet = "A"\nurl = "a.html"\n',
         "duplicate outlet+url"),
        ('id = "s"\n', "no [[articles]]"),
        ('id = "s"\n[[articles]]\noutlet = "A"\nurl = "ftp://example.org/a"\n', "unsupported URL scheme 'ftp'"),
        ('id = "s"\n[[articles]]\nurl = "a.html"\n', "article 1: missing 'outlet'"),
        ('id = "s\n', "invalid TOML"),
    ],
)
def test_bad_story_files_get_one_line_naming_file_and_problem(tmp_path, text, problem):
    path = tmp_path / "story.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoryFileError) as info:
        load_story(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert problem in message


def test_unreadable_story_file(tmp_path):
    with pytest.raises(StoryFileError, match="cannot read story file"):
        load_story(tmp_path / "missing.toml")
