"""compare_story / compare_stories: story file in, DuckDB rows and an HTML report out."""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

import storydiff
from flows.dask_embed import DaskEmbedder
from storydiff import parquet_store, report
from storydiff.adhoc import COMMAND_LINE, named_story, story_file_text, story_from_locations
from storydiff.align import Alignment, align_story
from storydiff.classify import ConflictDetector, NegationRule, PairJudge, RuleDetector
from storydiff.console import progress
from storydiff.fact_links import context_vectors, contexts_to_embed
from storydiff.facts_multilingual import extract_story_facts
from storydiff.embed import embed_rows, embed_texts, embedder_name, load_embedder, text_hash
from storydiff.errors import ExtractError, FetchError, NothingToCompareError
from storydiff.extract import ExtractedArticle, extract_article, extractor_id
from storydiff.fetch import Fetcher, Page
from storydiff.nli import LazyNliModel
from storydiff.results import ArticleOutcome, StoryResult, sentence_rows
from storydiff.languages import ENGLISH, for_languages, segmenter_language, sentence_languages
from storydiff.polarity import PolarityRule
from storydiff.segment import split_sentences
from storydiff.settings import Settings
from storydiff.store import Store
from storydiff.story import ArticleRef, Story, load_story


log = logging.getLogger("storydiff")
FETCH_THREADS = 16  # waiting on the network, not computing: bench/refetch.py
ROBOTS_KEPT = timedelta(hours=24)  # RFC 9309: a robots.txt answer may be reused for a day


@dataclass(frozen=True)
class StorySummary:
    story_id: str
    articles: int
    failed: int
    claims: dict[str, int]  # status -> count
    report_path: str
    # work done by this run, not taken from the caches: pages extracted, sentences embedded,
    # sentence pairs through the NLI model (each direction counts)
    work: dict[str, int] = field(default_factory=dict)
    story_file: str | None = None  # TOML of a story given as URLs (compare_urls): save it to re-run


# Retries happen inside the fetcher, not here: it honours the wait a server asks for (Retry-After).
# A task per stage of a story, not per page: every task run costs the Prefect server that all
# workers share about 60 ms of CPU (bench/task_runs.py).
@task(name="fetch-pages", cache_policy=NO_CACHE)
def fetch_task(refs: list[ArticleRef], fetcher: Fetcher, previous: dict[str, Page | None]) -> list[Page | Exception]:
    """Each page, fetched in parallel threads (the fetcher keeps one request at a time per host),
    in the order of `refs`; a fetch that failed gives its exception in the page's place."""
    def fetch_one(ref: ArticleRef) -> Page | Exception:
        try:
            return fetcher.fetch(ref.location, previous.get(ref.location))
        except Exception as exc:  # recorded as the article's status, as a failed fetch is
            return exc

    # each thread runs in a copy of this one's context: the flow run's logger and Prefect settings
    with ThreadPoolExecutor(FETCH_THREADS) as pool, progress("fetching", len(refs), "page") as advance:
        futures = [pool.submit(contextvars.copy_context().run, fetch_one, ref) for ref in refs]
        for _ in as_completed(futures):
            advance(1)
        return [future.result() for future in futures]


@task(name="extract-and-segment", cache_policy=NO_CACHE)
def extract_task(outcomes: list[ArticleOutcome], settings: Settings) -> list[ArticleOutcome]:
    """Each page's text and sentences, set on its outcome; a page with no article text keeps the
    reason as its status."""
    for outcome in outcomes:
        try:
            extracted = extract_article(outcome.page.html, outcome.ref.location, settings.max_text_chars)
        except ExtractError as exc:
            outcome.status = exc.reason
            continue
        outcome.extracted = extracted
        outcome.sentences = split_sentences(
            extracted.text, extracted.title, settings.max_sentences_per_article, settings.max_sentence_chars,
            segmenter_language(extracted.language),
        )
        outcome.status = _status(extracted, outcome.sentences)
    return outcomes


def _status(extracted: ExtractedArticle, sentences: list) -> str:
    if not sentences:
        return "no sentences left after removing boilerplate"
    return "truncated" if extracted.truncated else "ok"


@task(name="embed", cache_policy=NO_CACHE)
def embed_task(texts: list[str], settings: Settings) -> tuple[np.ndarray, int]:
    name = embedder_name(settings.model, settings.embed_backend)
    with open_store(settings) as store:
        cached = store.cached_embeddings(name, (text_hash(t) for t in texts))
    def load_here():
        return load_embedder(settings.model, settings.embed_batch_size, settings.embed_backend, settings.model_cache,
                             settings.threads)

    vectors, fresh = embed_texts(texts, (lambda: DaskEmbedder(settings, load_here)) if settings.dask.address else load_here,
                                 cached)
    log.info("embedded %d new sentences, %d from cache (%s)", len(fresh), len(texts) - len(fresh), name)
    if fresh:
        with open_store(settings) as store:
            store.save_embeddings(name, fresh)
    return vectors, len(fresh)


def open_store(settings: Settings) -> Store:
    """The store for writing (the DuckDB file, or the Parquet folder), held only briefly so
    readers and other runs get their turn."""
    return parquet_store.open_store(settings)


@task(name="align-and-classify", cache_policy=NO_CACHE)
def align_task(result_rows, languages, vectors, facts, fact_vectors, outcomes: list[ArticleOutcome],
               detector: ConflictDetector, settings: Settings, gate_vectors: np.ndarray | None = None) -> Alignment:
    article_of = [article.article_no for article, _ in result_rows]
    texts = [sentence.text for _, sentence in result_rows]
    published = [o.extracted.published if o.extracted else None for o in outcomes]
    return align_story(vectors, article_of, texts, len(outcomes), detector, settings.align, published,
                       facts, fact_vectors, settings.facts, languages, gate_vectors)


def nli_cache_name(settings: Settings) -> str:
    """Keys the NLI score cache: backends give slightly different probabilities (int8 more so)."""
    backend = settings.nli_backend
    return settings.nli_model if backend == "torch" else f"{settings.nli_model} [{backend}]"


def conflict_detector(settings: Settings, known_scores=None) -> ConflictDetector:
    """The NLI judge (with the scores of earlier runs), or the rules alone when no model is set."""
    # figures are compared by the fact layer (facts.py, fact_links.py), not sentence by sentence
    rules = RuleDetector([NegationRule(), PolarityRule()])
    if not settings.nli_model:
        return rules
    return PairJudge(LazyNliModel(settings.nli_model, settings.nli_backend, settings.model_cache, settings.threads),
                     rules=rules, known_scores=known_scores, score_rule_conflicts=False,
                     max_model_pairs=settings.align.max_nli_pairs)


@flow(name="compare-story")
def compare_story(story_file: str, settings: Settings | None = None) -> StorySummary:
    """Fetch, extract, segment, embed, align and classify one story; store it; write its report.

    Stored results change only in the final transaction: a run that fails or is killed before
    it leaves the previous results of the story as they were."""
    settings = settings or Settings()
    story = load_story(story_file)
    outcomes, extracted = _read_articles(story, settings)
    return _compare_articles(story, outcomes, extracted, settings)


@flow(name="compare-urls")
def compare_urls(locations: list[str], story_id: str | None = None, title: str | None = None,
                 settings: Settings | None = None, outlets: list[str] | None = None) -> StorySummary:
    """compare_story for URLs or paths given directly: outlets are named after the pages' site
    names (else their hosts) unless `outlets` names them, the story after its title (else the
    first page's), as a slug."""
    settings = settings or Settings()
    provisional = story_from_locations(locations)
    outcomes, extracted = _read_articles(provisional, settings)
    with open_store(settings) as store:
        taken = store.story_urls()
    story = named_story(provisional, [o.extracted for o in outcomes], taken, story_id, title, outlets)
    for outcome, ref in zip(outcomes, story.articles):
        outcome.ref = ref
    return replace(_compare_articles(story, outcomes, extracted, settings), story_file=story_file_text(story))


def _read_articles(story: Story, settings: Settings) -> tuple[list[ArticleOutcome], int]:
    """Every article fetched (or read) and extracted; the pages newly extracted."""
    log.info("%s: fetching %d articles", story.id if story.path != COMMAND_LINE else "compare", len(story.articles))
    outcomes = _fetch_all(story.articles, settings)
    return outcomes, _extract_all(outcomes, settings)


def _compare_articles(story: Story, outcomes: list[ArticleOutcome], extracted: int, settings: Settings) -> StorySummary:
    usable = [o for o in outcomes if o.usable]
    log.info("%s: %d of %d articles usable", story.id, len(usable), len(outcomes))
    rows = sentence_rows(outcomes)
    languages = [language for outcome in usable for language in
                 sentence_languages(outcome.extracted.language, [s.text for s in outcome.sentences])]
    english = settings
    settings = for_languages(settings, languages)
    mixed = settings.model != english.model
    if not usable:
        reasons = "; ".join(f"{o.ref.outlet}: {o.status}" for o in outcomes)
        raise NothingToCompareError(f"story {story.id}: no article could be compared ({reasons})")
    fingerprint = story_fingerprint(story, outcomes, settings)
    with open_store(settings) as store:
        unchanged = store.stored_fingerprint(story.id) == fingerprint
        if unchanged:  # same articles, same texts, same settings: the stored results stand
            log.info("%s: unchanged since the last run; results kept", story.id)
            store.touch_story(story.id, datetime.now(timezone.utc))
            return _summary(store, story, outcomes, settings, {"pages_extracted": extracted, "sentences_embedded": 0,
                                                               "nli_pairs": 0})
    log.info("%s: embedding and aligning %d sentences", story.id, len(rows))
    texts = [s.text for _, s in rows]
    facts = extract_story_facts(texts, languages,
                                _unit_embedder(settings) if mixed else None)
    flat = [fact for row_facts in facts for fact in row_facts]
    compared = contexts_to_embed(facts, [article.article_no for article, _ in rows])
    vectors, embedded = embed_task(texts + [flat[i].context for i in compared], settings)
    vectors, fact_vectors = vectors[:len(texts)], context_vectors(len(flat), compared, vectors[len(texts):])
    known_scores = None
    if settings.nli_model:
        with open_store(settings) as store:
            known_scores = store.cached_nli_scores(nli_cache_name(settings), (text_hash(t) for t in texts))
    detector = conflict_detector(settings, known_scores)
    # the model-only contradiction gate was chosen on the English model's cosines: a story in
    # several languages keeps them for it; that gate only ever sees two English sentences, so
    # only those are embedded again
    gate_vectors = embed_rows(texts, [language == ENGLISH for language in languages],
                              lambda english_texts: embed_task(english_texts, english)[0]
                              ) if mixed and settings.nli_model else None
    alignment = align_task(rows, languages, vectors, facts, fact_vectors, outcomes, detector, settings, gate_vectors)
    fresh_scores = getattr(detector, "fresh", {})
    log.info("%s: judged %d new sentence pairs with the NLI model", story.id, len(fresh_scores))
    log.info("%s: storing results", story.id)
    with open_store(settings) as store:
        store.save_nli_scores(nli_cache_name(settings), fresh_scores)
        store.replace_story(StoryResult(story, outcomes, alignment, fingerprint))
        log.info("%s: stored", story.id)
        return _summary(store, story, outcomes, settings, {"pages_extracted": extracted, "sentences_embedded": embedded,
                                                           "nli_pairs": len(fresh_scores)})


def _unit_embedder(settings: Settings):
    """The multilingual model on bare nouns ("lanchas", "boat"): a handful per story, not cached."""
    return lambda words: load_embedder(settings.model, settings.embed_batch_size, settings.embed_backend,
                                       settings.model_cache, settings.threads).encode(words)


def _summary(store: Store, story, outcomes: list[ArticleOutcome], settings: Settings, work: dict[str, int]) -> StorySummary:
    report_path = report.write_html(store, story.id, settings.report_dir)
    report.write_index(store, settings.report_dir)
    claims = store.frame("claims_of_story", [story.id])
    log.info("%s: report %s", story.id, report_path)
    counts = claims.group_by("status").len().rows() if claims.height else []
    return StorySummary(
        story_id=story.id,
        articles=len(outcomes),
        failed=sum(1 for o in outcomes if not o.usable),
        claims={status: n for status, n in sorted(counts)},
        report_path=str(report_path),
        work=work,
    )


def story_fingerprint(story, outcomes: list[ArticleOutcome], settings: Settings) -> str:
    """Everything stored results depend on: articles, their texts and metadata, the settings,
    and storydiff's version (an upgrade may judge differently)."""
    digest = hashlib.sha256(json.dumps(
        [storydiff.__version__, story.title, settings.model, settings.embed_backend, settings.nli_model, settings.nli_backend,
         asdict(settings.align), asdict(settings.facts)]).encode())
    for o in outcomes:
        meta = [o.extracted.title, o.extracted.author, o.extracted.published, o.extracted.site_name,
                o.extracted.truncated] if o.extracted else None
        digest.update(json.dumps([o.ref.outlet, o.ref.url, o.status, meta, [s.text for s in o.sentences],
                                  [(s.start, s.end) for s in o.sentences]]).encode())
    return digest.hexdigest()


def _extract_all(outcomes: list[ArticleOutcome], settings: Settings) -> int:
    """Extract and segment each fetched page; a page seen before is neither extracted nor
    segmented again."""
    extractor = (f"{extractor_id(settings.max_text_chars)}; segment {settings.max_sentences_per_article} x "
                 f"{settings.max_sentence_chars} chars")
    fetched = [o for o in outcomes if o.usable]
    with open_store(settings) as store:
        cached = store.cached_extractions(extractor, (o.page.sha256 for o in fetched))
    for outcome in fetched:
        if outcome.page.sha256 in cached:  # no work: a page seen before
            outcome.extracted, outcome.sentences = cached[outcome.page.sha256]
            outcome.status = _status(outcome.extracted, outcome.sentences)
    new_pages = [o for o in fetched if o.page.sha256 not in cached]
    if new_pages:
        extract_task(new_pages, settings)
    fresh = {o.page.sha256: (o.extracted, o.sentences) for o in fetched if o.extracted and o.page.sha256 not in cached}
    log.info("extracted %d pages, %d from cache", len(fresh), len(fetched) - len(fresh))
    if fresh:
        with open_store(settings) as store:
            store.save_extractions(extractor, fresh)
    return len(fresh)


def _fetch_all(refs, settings: Settings) -> list[ArticleOutcome]:
    """Every article, fetched in parallel (one request at a time per host). A URL fetched before
    is asked for conditionally, and robots.txt answers of the last 24 hours are not asked again."""
    outcomes = [ArticleOutcome(article_no=i, ref=ref) for i, ref in enumerate(refs)]
    now = datetime.now(timezone.utc)
    with open_store(settings) as store:
        # validators for the URLs; every page when none is fetched again (--no-refetch)
        previous = {o.ref.location: store.latest_page(o.ref.location) for o in outcomes
                    if o.ref.is_remote or not settings.fetch.refetch}
        known_robots = store.cached_robots(now - ROBOTS_KEPT)
    to_fetch = outcomes
    if not settings.fetch.refetch:
        for outcome in outcomes:
            outcome.page = previous[outcome.ref.location]
        to_fetch = [o for o in outcomes if o.page is None]
    robots_elsewhere = parquet_store.shared_robots(settings, now - ROBOTS_KEPT)
    with Fetcher(settings.fetch, known_robots, robots_elsewhere) as fetcher:
        for outcome in (o for o in to_fetch if not o.ref.is_remote):  # files: no network, no task
            try:
                outcome.page = fetcher.fetch(outcome.ref.location)
            except FetchError as exc:
                outcome.status = exc.reason
        remote = [o for o in to_fetch if o.ref.is_remote]
        if remote:
            for outcome, value in zip(remote, fetch_task([o.ref for o in remote], fetcher, previous)):
                if isinstance(value, Page):
                    outcome.page = value
                elif isinstance(value, FetchError):
                    outcome.status = value.reason
                else:
                    outcome.status = f"fetch failed ({type(value).__name__})"
        fresh_robots = fetcher.robots.fresh  # none when shared: each was kept as soon as fetched
    fetched = [o.page for o in to_fetch if o.page is not None]
    if fetched or fresh_robots:
        with open_store(settings) as store:  # kept even if a later stage fails
            for page in fetched:
                store.save_page(page)
            store.save_robots(fresh_robots, now)
    return outcomes


@flow(name="compare-stories")
def compare_stories(story_files: list[str], settings: Settings | None = None) -> list[StorySummary | str]:
    """Each story in turn; one story's failure is reported and does not stop the others."""
    summaries: list[StorySummary | str] = []
    for story_file in story_files:
        state = compare_story(story_file, settings, return_state=True)
        value = state.result(raise_on_failure=False)
        summaries.append(value if isinstance(value, StorySummary) else f"{story_file}: {value}")
    return summaries


def build_deployment(story_files: list[str], cron: str, name: str, settings: Settings):
    """A deployment of compare_stories on a cron schedule; story files are checked now, not at 3 a.m."""
    files = [str(Path(f).resolve()) for f in story_files]
    for story_file in files:
        load_story(story_file)
    settings = replace(settings, db_path=settings.db_path.resolve(), report_dir=settings.report_dir.resolve())
    return compare_stories.to_deployment(
        name=name, cron=cron, parameters={"story_files": files, "settings": _jsonable(asdict(settings))}
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return str(value) if isinstance(value, Path) else value
