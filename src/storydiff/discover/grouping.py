"""Group articles into stories: same event, not just same topic.

Two articles are compared by the mean of two cosines: TF-IDF of title and text (rare words:
names, places, figures) and `article_vectors`, itself a mix of the sentence embedding of the
title (paraphrase), by the English model and by the multilingual one too (a second reading,
which also puts a title in another language next to its English telling), and the model's
token vectors summed over the whole text (token_vectors.py: as good as embedding the
text's start, at a quarter of the time). Dense neighbourhoods inflate
similarity (a week of one topic makes all its articles look alike), so each cosine pair is
lowered by a share of the mean of the two articles' similarity to their nearest neighbours
(hubness correction, as in CSLS), which lets one threshold serve a set of three-article stories
and one of twenty-article stories alike. Articles of one outlet are kept apart unless very
close (an outlet rarely files one event twice), articles published more than a window apart
never meet (with no dates at all, articles too far apart in an input that shows itself to be in
published order: stream_window), and the stories are cut from an average-linkage tree; a story
of one or two articles then joins a big story that is its nearest and falls just short of the
cut (_join_stragglers). All parameters were chosen on the development sets in
../shared/data/clusters (bench/cluster.py measures them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from ..settings import GroupSettings
from .token_vectors import TokenVectors

log = logging.getLogger("storydiff")
BLOCK = 1024  # rows at a time, where a whole n x n temporary would double the memory
# stream_window: the matches needed to tell an input in time order, how far below a shuffled
# input's (n/3) their median distance must be, and which of their distances the window stretches
STREAM_MIN_MATCHES = 30
STREAM_ORDERED_SHARE = 0.05
STREAM_QUANTILE = 0.5
# publication_spans: the share of dated articles that may come before an earlier-dated one in an
# input still taken to be in published order (a late correction, a time zone)
OUT_OF_ORDER_SHARE = 0.05
UNKNOWN_DAY = 10**8  # further than any date (ordinals are near 740,000), and within int32 when subtracted
STRAGGLER_ROUNDS = 3
UNTITLED_CHARS = 200  # of an untitled article's text, standing in for its title


@dataclass(frozen=True)
class Article:
    id: str
    outlet: str | None
    url: str | None
    title: str
    text: str
    published: date | None
    language: str | None = None

    def embedding_text(self, chars: int) -> str:
        """What the sentence model reads: the title and the text's first `chars` characters (the
        text's start alone when there is no title)."""
        if not self.title:
            return self.text[:chars or UNTITLED_CHARS]
        return f"{self.title}. {self.text[:chars]}" if chars else self.title

    @property
    def full_text(self) -> str:
        return f"{self.title} . {self.text}"


def article_vectors(articles: Sequence[Article], encode_sentences: Callable[[list[str]], np.ndarray],
                    token_vectors: TokenVectors, settings: GroupSettings,
                    encode_multilingual: Callable[[list[str]], np.ndarray] | None = None) -> np.ndarray:
    """A row per article whose dot products are the weighted mean of cosines: the sentence
    model's, of the title (paraphrase), the multilingual model's of the title too (a second
    reading, and the only one of a title in another language), and the token vectors', of the
    whole text (topic)."""
    titles = [a.embedding_text(settings.embed_chars) for a in articles]
    texts = token_vectors.encode([a.full_text for a in articles])
    text_weight = settings.text_vector_weight
    title_weight = 1.0 - text_weight
    parts = [np.sqrt(text_weight) * texts]
    if encode_multilingual is not None and settings.multilingual_title_share > 0:
        share = settings.multilingual_title_share
        parts.append(np.sqrt(title_weight * share) * _unit(encode_multilingual(titles)))
        title_weight *= 1.0 - share
    parts.append(np.sqrt(title_weight) * encode_sentences(titles))
    return np.hstack(parts).astype(np.float32)


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def similarity(articles: Sequence[Article], vectors: np.ndarray, settings: GroupSettings) -> np.ndarray:
    """Pairwise similarity (float32, n x n) after the corrections above."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(articles)
    texts = [a.full_text for a in articles]
    # in place, a block of rows at a time: at 10,000 articles each n x n matrix is 400 MB (800 MB
    # in float64), and a temporary of that size is the peak of the whole grouping
    try:
        tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", dtype=np.float32).fit_transform(texts)
    except ValueError:  # no word left in any article (empty or stop words only)
        tfidf = None
    combined = np.empty((n, n), dtype=np.float32)
    vectors = vectors.astype(np.float32, copy=False)
    columns = tfidf.T.tocsr() if tfidf is not None else None
    for start in range(0, n, BLOCK):
        rows = slice(start, start + BLOCK)
        np.matmul(vectors[rows], vectors.T, out=combined[rows])
        if columns is not None:
            combined[rows] += (tfidf[rows] @ columns).toarray()
    combined *= 0.5
    if n > 1:
        k = min(settings.neighbours, n - 1)
        np.fill_diagonal(combined, -np.inf)
        nearest = np.concatenate([np.partition(combined[start:start + BLOCK], n - k, axis=1)[:, n - k:].sum(axis=1)
                                  for start in range(0, n, BLOCK)])
        np.fill_diagonal(combined, 1.0)
        # a small set has fewer neighbours than asked for: the missing ones count as unrelated
        # articles, so three articles of one story are not judged by each other alone
        hub = (nearest + (settings.neighbours - k) * settings.background_similarity) / settings.neighbours
        hub = (settings.hub_weight / 2 * hub).astype(np.float32)
        combined -= hub[:, None]
        combined -= hub[None, :]
    outlets = [a.outlet for a in articles]
    for outlet in {o for o in outlets if o}:
        rows = np.array([i for i, o in enumerate(outlets) if o == outlet])
        if len(rows) > 1:
            block = np.ix_(rows, rows)
            combined[block] -= settings.same_outlet_penalty
    days = np.array([a.published.toordinal() if a.published else 0 for a in articles], dtype=np.int32)
    dated = days > 0
    if settings.window_days is not None and dated.any():
        earliest, latest = publication_spans(days)
        for start in range(0, n, BLOCK):
            rows = slice(start, start + BLOCK)
            apart = np.subtract(earliest[None, :], latest[rows, None]) > settings.window_days
            apart |= np.subtract(earliest[rows, None], latest[None, :]) > settings.window_days
            combined[rows][apart] = -1.0
    elif settings.stream_window_factor and n > 1:
        window = stream_window(combined, settings)
        if window is None:
            log.info("no dates, and the input shows no order in time: no article kept apart by its position")
        else:
            log.info("no dates: the input is in published order, and articles more than %d lines apart never join",
                     window)
        if window is not None:
            positions = np.arange(n)
            for start in range(0, n, BLOCK):
                rows = slice(start, start + BLOCK)
                combined[rows][np.abs(positions[rows, None] - positions[None, :]) > window] = -1.0
    return combined


def publication_spans(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The earliest and latest day (ordinal) each article may have been published: its date, or,
    for an undated article in an input in published order, the days of the dated articles
    before and after it ("lines come in published order"). Unbounded where nothing says, and
    for every undated article when the dated ones are not in order."""
    dated = days > 0
    earliest = np.where(dated, days, -UNKNOWN_DAY).astype(np.int32)
    latest = np.where(dated, days, UNKNOWN_DAY).astype(np.int32)
    steps = np.diff(days[dated])
    if dated.all() or not len(steps) or (steps < 0).mean() > OUT_OF_ORDER_SHARE:
        return earliest, latest
    before = np.maximum.accumulate(earliest)  # the last dated day so far (in order: the latest)
    after = np.minimum.accumulate(latest[::-1])[::-1]  # the next dated day
    spanned = ~dated & (before <= after)  # where the order breaks (a later day before an earlier), nothing is said
    return np.where(spanned, before, earliest), np.where(spanned, after, latest)


def stream_window(combined: np.ndarray, settings: GroupSettings) -> int | None:
    """How far apart in the input two articles of one story may lie, when no article is dated
    but the input is in published order (as `storydiff cluster` asks of its input): a story's
    tellings then come close together, and its articles' position is the clock the dates would
    have been. Read from the data: each article's most similar other one, where that one is
    similar enough to share its story, lies a few places away in a stream in time order, and
    anywhere in a shuffled one. None (no window) when the data do not show that order: when those
    distances are not far below what a shuffled input gives, or too few articles have a match."""
    n = len(combined)
    diagonal = combined.diagonal().copy()
    np.fill_diagonal(combined, -np.inf)
    nearest = np.concatenate([combined[start:start + BLOCK].argmax(axis=1) for start in range(0, n, BLOCK)])
    best = combined[np.arange(n), nearest]
    np.fill_diagonal(combined, diagonal)
    distances = np.abs(nearest - np.arange(n))[best >= settings.threshold]
    # two places drawn at random lie about n/3 apart: in time order, a story's tellings far closer
    if len(distances) < STREAM_MIN_MATCHES or np.median(distances) > STREAM_ORDERED_SHARE * n:
        return None
    return int(np.ceil(settings.stream_window_factor * np.quantile(distances, STREAM_QUANTILE)))


# Two texts at or above this TF-IDF cosine are one text (a wire story and its copies, a few
# words changed); between different tellings of one event it stays far lower.
COPY_SIMILARITY = 0.9


def independent_sources(articles: Sequence[Article]) -> int:
    """How many independent tellings a story has: outlets, with wire copies counted once."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(articles) < 2:
        return len({a.outlet for a in articles})
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for outlet in {a.outlet for a in articles}:  # one outlet is one source, however many articles
        rows = [i for i, a in enumerate(articles) if a.outlet == outlet]
        for row in rows[1:]:
            parent[root(row)] = root(rows[0])
    try:
        tfidf = TfidfVectorizer(sublinear_tf=True, dtype=np.float32).fit_transform(
            [a.full_text for a in articles])
        similar = np.argwhere(np.triu((tfidf @ tfidf.T).toarray() >= COPY_SIMILARITY, k=1))
    except ValueError:  # no words at all
        similar = []
    for a, b in similar:
        parent[root(int(a))] = root(int(b))
    return len({root(i) for i in range(len(articles))})


def group(articles: Sequence[Article], vectors: np.ndarray, settings: GroupSettings) -> list[str]:
    """A story key for each article: the id of the story's earliest article (input order), so a
    story keeps its key as later articles join it."""
    from scipy.cluster.hierarchy import fcluster, linkage

    n = len(articles)
    if n == 0:
        return []
    if n == 1:
        return [articles[0].id]
    distance = similarity(articles, vectors, settings)  # symmetric: every correction above is
    np.subtract(1.0, distance, out=distance)
    np.maximum(distance, 0.0, out=distance)
    # the tree needs the upper triangle as float64 and copies it again: the square matrix is
    # dropped first (at 10,000 articles, 400 MB less at the peak); stragglers read rows of the triangle
    condensed = _upper_triangle(distance)
    del distance
    tree = linkage(condensed, method="average")
    labels = _join_stragglers(fcluster(tree, t=1.0 - settings.threshold, criterion="distance"),
                              Triangle(condensed, n), settings)
    del condensed
    first: dict[int, str] = {}
    for article, label in zip(articles, labels):
        first.setdefault(int(label), article.id)
    return [first[int(label)] for label in labels]


def _upper_triangle(square: np.ndarray) -> np.ndarray:
    """The condensed form scipy's linkage reads (float64), filled row by row: no n x n temporary."""
    n = len(square)
    condensed = np.empty(n * (n - 1) // 2, dtype=np.float64)
    start = 0
    for i in range(n - 1):
        condensed[start:start + n - i - 1] = square[i, i + 1:]
        start += n - i - 1
    return condensed


@dataclass(frozen=True)
class Triangle:
    """Rows of a symmetric distance matrix with a zero diagonal, read from its condensed form."""

    condensed: np.ndarray
    n: int

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        n = self.n
        out = np.zeros((len(rows), n), dtype=np.float32)
        for k, i in enumerate(int(r) for r in rows):
            before = np.arange(i)  # pair (j, i) with j < i sits at n*j - j*(j+1)/2 + i - j - 1
            out[k, :i] = self.condensed[n * before - before * (before + 1) // 2 + i - before - 1]
            start = n * i - i * (i + 1) // 2
            out[k, i + 1:] = self.condensed[start:start + n - i - 1]
        return out


def _join_stragglers(labels: np.ndarray, distance: Triangle, settings: GroupSettings) -> np.ndarray:
    """A story too small to stand alone (at most `straggler_size` articles) joins the story
    closest to it on average when that story is big (at least `big_story` articles) and at most
    `straggler_margin` short of the threshold: the tree's cut again, a little lower, between a
    small story and a big one only. A story many outlets tell is told in many words, and its
    odd tellings (a blog's angle, a bare headline) fall just short of the cut; a small story
    closest to another small one stays as it is. Repeated until none moves (a story grown by a
    straggler may be the next one's nearest), at most STRAGGLER_ROUNDS times."""
    for _ in range(STRAGGLER_ROUNDS):
        joined = _join_once(labels, distance, settings)
        if np.array_equal(joined, labels):
            break
        labels = joined
    return labels


def _join_once(labels: np.ndarray, distance: Triangle, settings: GroupSettings) -> np.ndarray:
    from scipy.sparse import csr_matrix

    story_ids, story_of, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    small_rows = np.flatnonzero(sizes[story_of] <= settings.straggler_size)
    if settings.straggler_margin <= 0 or not len(small_rows) or sizes.max() < settings.big_story:
        return labels
    n = len(labels)
    # column s averages a row's distances over the articles of story s
    averaging = csr_matrix((1.0 / sizes[story_of], (np.arange(n), story_of)), shape=(n, len(story_ids)),
                           dtype=np.float32)
    small_rows = small_rows[np.argsort(story_of[small_rows], kind="stable")]  # each small story's rows together
    to_stories = np.vstack([np.asarray((averaging.T @ distance[small_rows[start:start + BLOCK]].T).T)
                            for start in range(0, len(small_rows), BLOCK)])
    small, first_row, counts = np.unique(story_of[small_rows], return_index=True, return_counts=True)
    mean_distance = np.add.reduceat(to_stories, first_row, axis=0) / counts[:, None]  # small x all stories
    mean_distance[np.arange(len(small)), small] = np.inf
    closest = mean_distance.argmin(axis=1)
    joins = mean_distance[np.arange(len(small)), closest] <= 1.0 - settings.threshold + settings.straggler_margin
    joins &= sizes[closest] >= settings.big_story
    new_story = np.arange(len(story_ids))
    new_story[small[joins]] = closest[joins]
    return story_ids[new_story[story_of]]
