"""Stable story ids for grouped articles, and the stories a regrouping merged away.

The grouping is run again over a window of recent articles at every watch run, so its keys
change; the ids users see must not. A story keeps the earliest id one of its articles already
had; a new story is named after its first article's title. When one story's articles all move
into another (a new article showed the two were one event), the first id is merged into the
second: its old comparison no longer stands and is removed (store.merge_story).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from slugify import slugify


def name_stories(items: Sequence[dict], keys: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """A story id per item (items have "url", "title" and their previous "story_id" or None;
    a key is the grouping's, the URL of the story's first item) and {merged id: id it joined}."""
    names: dict[str, str] = {}
    for item, key in zip(items, keys):  # the earliest id already given to one of its members wins
        if item["story_id"] and key not in names:
            names[key] = item["story_id"]
    by_url = {item["url"]: item for item in items}
    for key in keys:
        if key not in names:
            first = by_url[key]
            slug = slugify(first["title"] or "story", max_length=50, word_boundary=True) or "story"
            names[key] = f"{slug}-{hashlib.sha1(first['url'].encode()).hexdigest()[:6]}"
    stories = [names[key] for key in keys]
    kept = set(stories)
    moved: dict[str, Counter] = {}
    for item, story in zip(items, stories):
        if item["story_id"] and item["story_id"] not in kept:
            moved.setdefault(item["story_id"], Counter())[story] += 1
    return stories, {old: joined.most_common(1)[0][0] for old, joined in moved.items()}
