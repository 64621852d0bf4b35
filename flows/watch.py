"""watch: poll the outlets' feeds, group new articles into stories, compare every story that
two outlets or more cover and that gained articles (through compare_urls: same results, caches
and reports as any other run)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.compare import FETCH_THREADS, ROBOTS_KEPT, StorySummary, compare_urls, embed_task, open_store
from storydiff.discover.grouping import Article, article_vectors, group, independent_sources
from storydiff.discover.naming import name_stories
from storydiff.discover.outlets import load_outlets
from storydiff.discover.poll import FeedState, PollResult, due, poll_feed
from storydiff.discover.token_vectors import load_token_vectors
from storydiff.errors import ExtractError, FetchError
from storydiff.extract import extract_article
from storydiff.fetch import Fetcher, Page
from storydiff.settings import Settings

log = logging.getLogger("storydiff")
MAX_DISCOVERY_ROUNDS = 2  # a homepage names feeds, a sitemap index names sitemaps: followed this deep


@dataclass(frozen=True)
class WatchSummary:
    feeds: dict[str, int]  # polled, not modified, unchanged, parsed, failed, disabled
    new_items: int
    stories: int  # stories in the window
    compared: list[StorySummary | str] = field(default_factory=list)  # a summary, or why it failed


@task(name="poll-feed", cache_policy=NO_CACHE)
def poll_task(fetcher: Fetcher, state: FeedState, now: datetime) -> PollResult:
    return poll_feed(fetcher, state, now)


@task(name="read-article", cache_policy=NO_CACHE)
def read_task(fetcher: Fetcher, url: str, settings: Settings) -> tuple[Page | None, str | None, str]:
    """The page, its extracted text and 'ok'; or why not (grouping then reads the feed's summary)."""
    try:
        page = fetcher.fetch(url)
        return page, extract_article(page.html, url, settings.max_text_chars).text, "ok"
    except (FetchError, ExtractError) as exc:
        return None, None, exc.reason


@flow(name="watch", task_runner=ThreadPoolTaskRunner(max_workers=FETCH_THREADS))
def watch(outlets_file: str, settings: Settings | None = None) -> WatchSummary:
    settings = settings or Settings()
    outlets = load_outlets(outlets_file)
    names = {o.name for o in outlets}
    now = datetime.now(timezone.utc)
    with open_store(settings) as store:
        store.add_feeds((url, o.name) for o in outlets for url in (*o.feeds, *([o.homepage] if o.homepage else [])))
        states = [s for s in store.feed_states() if s.outlet in names and due(s, now)]
        known_robots = store.cached_robots(now - ROBOTS_KEPT)
    results: list[PollResult] = []
    with Fetcher(settings.fetch, known_robots) as fetcher:
        for _ in range(MAX_DISCOVERY_ROUNDS + 1):
            if not states:
                break
            log.info("polling %d feeds", len(states))
            futures = [poll_task.submit(fetcher, state, now) for state in states]
            polled = [future.result() for future in futures]
            results += polled
            with open_store(settings) as store:
                known = {s.url for s in store.feed_states()}
                found = [(url, r.state.outlet) for r in polled for url in r.more_feeds if url not in known]
                store.add_feeds(found)
            states = [FeedState(url, outlet) for url, outlet in dict(found).items()]
        rows = [{"url": item.url, "outlet": r.state.outlet, "feed_url": r.state.url, "guid": item.guid,
                 "content_hash": item.content_hash, "title": item.title, "summary": item.summary,
                 "published": item.published, "first_seen": now} for r in results for item in r.items]
        with open_store(settings) as store:
            for result in results:
                store.save_feed_state(result.state, result.previous_url)
            new_urls = set(store.insert_feed_items(rows))
        # new articles are read now, to group them on their text; their pages are kept, so the
        # comparison that follows asks for them only conditionally
        log.info("reading %d new articles", len(new_urls))
        reads = {url: read_task.submit(fetcher, url, settings) for url in sorted(new_urls)}
        read = {url: future.result() for url, future in reads.items()}
        fresh_robots = fetcher.robots.fresh
    with open_store(settings) as store:
        store.save_robots(fresh_robots, now)
        for page, _, _ in read.values():
            if page is not None:
                store.save_page(page)
        store.set_item_texts({url: (text, status) for url, (_, text, status) in read.items()})
        days = settings.group.window_days or 2
        window = timedelta(days=days)
        recent = store.recent_feed_items(now - window).to_dicts()
    log.info("%d new items; grouping %d items of the last %d days", len(new_urls), len(recent), days)
    stories, merged = _group(recent, settings)
    with open_store(settings) as store:
        store.assign_stories({item["url"]: story for item, story in zip(recent, stories)})
        # a story with articles older than the window keeps them, and its id: not merged
        merged = {old: joined for old, joined in merged.items() if not store.story_has_items(old)}
        for old, joined in merged.items():
            log.info("story %s turned out to be %s: merged", old, joined)
            store.merge_story(old, joined, now)
    compared = []
    for story_id, members in _stories_to_compare(recent, stories, new_urls, set(merged.values())).items():
        state = compare_urls([m["url"] for m in members], story_id, members[0]["title"] or None, settings,
                             outlets=[m["outlet"] for m in members], return_state=True)
        value = state.result(raise_on_failure=False)
        compared.append(value if isinstance(value, StorySummary) else f"{story_id}: {value}")
    return WatchSummary(feeds=_tally(results), new_items=len(new_urls), stories=len(set(stories)), compared=compared)


def _group(items: list[dict], settings: Settings) -> tuple[list[str], dict[str, str]]:
    """A story id for each item, grouped on its title and text (the feed's summary when the page
    could not be read), and the stories merged into others (naming.py)."""
    if not items:
        return [], {}
    articles = [_article(i) for i in items]
    token_vectors = load_token_vectors(settings.model, settings.model_cache, settings.threads)
    # through the embedding cache: the window's items are grouped again at every run
    multilingual = replace(settings, model=settings.multilingual_model)
    vectors = article_vectors(articles, lambda texts: embed_task(texts, settings)[0], token_vectors, settings.group,
                              (lambda texts: embed_task(texts, multilingual)[0])
                              if settings.multilingual_model else None)
    return name_stories(items, group(articles, vectors, settings.group))


def _article(item: dict) -> Article:
    """A feed item as the grouping reads it: its page's text, else the feed's summary."""
    return Article(id=item["url"], outlet=item["outlet"], url=item["url"], title=item["title"] or "",
                   text=item["text"] or item["summary"] or "", published=(item["published"] or item["first_seen"]).date())


def _stories_to_compare(items: list[dict], stories: list[str], new_urls: set[str],
                        grown: set[str]) -> dict[str, list[dict]]:
    """Stories told by two independent outlets or more (a wire story and its copies are one) that
    gained an article in this run, or another story's articles (`grown`)."""
    members: dict[str, list[dict]] = {}
    for item, story in zip(items, stories):
        members.setdefault(story, []).append(item)
    return {story: group_items for story, group_items in members.items()
            if len({m["outlet"] for m in group_items}) >= 2
            and (story in grown or any(m["url"] in new_urls for m in group_items))
            and independent_sources([_article(m) for m in group_items]) >= 2}


def _tally(results: list[PollResult]) -> dict[str, int]:
    counts = Counter()
    for r in results:
        counts["polled"] += 1
        status = r.state.status
        if r.state.disabled:
            counts["disabled"] += 1
        elif status.startswith("failed"):
            counts["failed"] += 1
        elif status == "not modified":
            counts["not modified"] += 1
        elif status == "unchanged":
            counts["unchanged"] += 1
        else:
            counts["parsed"] += 1
    return dict(counts)


def build_watch_deployment(outlets_file: str, cron: str, name: str, settings: Settings):
    """The watch flow on a cron schedule; the outlets file is checked now."""
    from dataclasses import asdict

    from flows.compare import _jsonable

    path = str(Path(outlets_file).resolve())
    load_outlets(path)
    settings = replace(settings, db_path=settings.db_path.resolve(), report_dir=settings.report_dir.resolve())
    return watch.to_deployment(name=name, cron=cron, parameters={"outlets_file": path, "settings": _jsonable(asdict(settings))})
