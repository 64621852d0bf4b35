"""Align stage: match sentences across outlets and group them into claims.

Similarities are computed in numpy, a block of rows at a time, so memory stays at
block_rows x n_sentences floats however many outlets a story has; a text that several articles
carry (wire copies) gets one row, not one per copy. Above 20,000 sentences an
approximate search (k-means clusters) keeps the work sub-quadratic. Only the pairs that survive
(each sentence's best match in every other article, among its nearest) leave this module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from .classify import Conflict, ConflictDetector, Judgement, PairJudge
from .fact_links import FactLink, link_facts, shown
from .facts import Fact, same_moment
from .languages import ENGLISH
from .settings import AlignSettings, FactSettings


# The model reads a figure reported in other words ("16.97%" / "nearly 17%") or a toll that rose
# as a contradiction; where the figures of two sentences are linked, they decide instead.
DECIDED_BY_FIGURES = Judgement("neutral", None, "figures", None)
# a pair with a sentence not in English: the English model and rules say nothing of it
NOT_JUDGED = Judgement("neutral", None, "language", None)


@dataclass(frozen=True)
class Match:
    a: int  # sentence rows, a < b, in different articles
    b: int
    similarity: float
    # from the NLI judgement: 'equivalent' (each entails the other), 'a says more' (a entails b
    # only), 'b says more', or None (matched on cosine or quantities alone)
    relation: str | None = None


@dataclass(frozen=True)
class Alignment:
    matches: list[Match]  # pairs that put two sentences into one claim
    conflicts: list[tuple[Match, Conflict]]
    claim_of: list[int]  # claim number per sentence row
    source_of: list[int]  # per article: the article whose text it republishes (itself if none)
    sentence_pairs: int = 0  # distinct pairs of texts judged (by rules, the model or both)
    unjudged_pairs: int = 0  # of those, left to the rules: the model budget was spent
    facts: Sequence[Sequence[Fact]] = ()  # per sentence row
    fact_links: Sequence[FactLink] = ()
    also_in: Sequence[tuple[int, int]] = ()  # (row, claim): a sentence that states other claims too
    languages: Sequence[str | None] = ()  # per sentence row, when known


def candidate_pairs(
    vectors: np.ndarray,
    article_of: Sequence[int],
    min_similarity: float,
    block_rows: int = 1024,
    max_per_sentence: int = 32,
    exact_limit: int = 20_000,
    probes: int = 8,
) -> list[Match]:
    """Each sentence's best match in every other article, kept when >= min_similarity; with more
    than `max_per_sentence` other articles, in the `max_per_sentence` articles where that best is
    highest (so the work after this stays linear in sentences however many outlets there are).

    Rows must be grouped by article. Up to `exact_limit` sentences the search is exact, a block
    of rows at a time; beyond it, each sentence is compared with the sentences of the `probes`
    k-means clusters nearest to its own (approximate: bench/run.py measures its recall).
    """
    article_of = np.asarray(article_of)
    n = len(article_of)
    if n == 0:
        return []
    if n <= exact_limit:
        found = list(_exact_search(vectors, article_of, min_similarity, block_rows, max_per_sentence))
    else:
        found = [_best_per_article(vectors, article_of, rows, cols, min_similarity, max_per_sentence)
                 for rows, cols in _cluster_searches(vectors, probes, block_rows)]
    if not found:
        return []
    a = np.concatenate([f[0] for f in found])
    b = np.concatenate([f[1] for f in found])
    sim = np.concatenate([f[2] for f in found])
    order = np.lexsort((-sim, b, a))  # each pair once, at its highest similarity
    a, b, sim = a[order], b[order], sim[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return list(map(Match, a[first].tolist(), b[first].tolist(), np.round(sim[first].astype(np.float64), 4).tolist()))


def _exact_search(vectors, article_of, min_similarity, block_rows, max_articles):
    """(a, b, similarity) arrays per block: each row's best sentence in each of the max_articles
    other articles whose best is nearest.

    Identical vectors (wire copies, repeated boilerplate) are compared with everything once:
    their row of similarities is the same wherever they appear, only their own article differs.
    Rows are grouped by article, so one maximum per article is a reduceat over contiguous columns.
    """
    n = len(article_of)
    starts = np.flatnonzero(np.r_[True, article_of[1:] != article_of[:-1]])
    ends = np.r_[starts[1:], n]
    article_index = np.searchsorted(starts, np.arange(n), side="right") - 1
    contiguous = np.ascontiguousarray(vectors)
    keys = contiguous.view(np.dtype((np.void, contiguous.dtype.itemsize * contiguous.shape[1]))).ravel()
    _, first_row, distinct_of = np.unique(keys, return_index=True, return_inverse=True)
    distinct_of = distinct_of.ravel()
    rows_by_distinct = np.argsort(distinct_of, kind="stable")
    bounds = np.searchsorted(distinct_of[rows_by_distinct], np.arange(0, len(first_row) + block_rows, block_rows))
    for block, d0 in enumerate(range(0, len(first_row), block_rows)):
        sims = vectors[first_row[d0:d0 + block_rows]] @ vectors.T
        best = np.maximum.reduceat(sims, starts, axis=1)  # distinct rows x articles
        story_rows = rows_by_distinct[bounds[block]:bounds[block + 1]]
        for c0 in range(0, len(story_rows), block_rows):  # bounded memory however many copies
            rows = story_rows[c0:c0 + block_rows]
            local = distinct_of[rows] - d0
            row_best = best[local]
            row_best[np.arange(len(rows)), article_index[rows]] = -np.inf  # never its own article
            # the nearest articles, the earlier one first on a tie (copies tie at cosine 1)
            nearest = np.argsort(-row_best, axis=1, kind="stable")[:, :max_articles]
            nearest_sims = np.take_along_axis(row_best, nearest, axis=1)
            picked, slot = np.nonzero(nearest_sims >= min_similarity)
            if not len(picked):
                continue
            articles = nearest[picked, slot]
            # the column of each chosen maximum: argmax over that article's columns, padded to the longest
            lengths = (ends - starts)[articles]
            offsets = np.arange(int(lengths.max()))
            cols = starts[articles][:, None] + np.minimum(offsets[None, :], lengths[:, None] - 1)
            values = sims[local[picked][:, None], cols]
            chosen = cols[np.arange(len(picked)), values.argmax(axis=1)]
            yield np.minimum(rows[picked], chosen), np.maximum(rows[picked], chosen), nearest_sims[picked, slot]


def _best_per_article(vectors, article_of, rows, cols, min_similarity, max_per_sentence):
    """(a, b, similarity) arrays: for each row, its best sentence per other article among its
    nearest max_per_sentence of the candidate rows `cols` (the approximate search)."""
    col_ids = cols
    sims = vectors[rows] @ vectors[col_ids].T
    sims[article_of[rows][:, None] == article_of[col_ids][None, :]] = -np.inf
    k = min(max_per_sentence, sims.shape[1])
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    top_sims = np.take_along_axis(sims, top, axis=1).ravel()
    r = np.repeat(rows, k)
    c = col_ids[top.ravel()]
    keep = top_sims >= min_similarity
    r, c, top_sims = r[keep], c[keep], top_sims[keep]
    order = np.lexsort((c, -top_sims, article_of[c], r))
    r, c, top_sims = r[order], c[order], top_sims[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (article_of[c][1:] != article_of[c][:-1])
    r, c, top_sims = r[first], c[first], top_sims[first]
    return np.minimum(r, c), np.maximum(r, c), top_sims


def _cluster_searches(vectors: np.ndarray, probes: int, block_rows: int, seed: int = 0):
    """(query rows, candidate rows) per k-means cluster: its members against the members of the
    `probes` clusters whose centroids are nearest to its own."""
    n = len(vectors)
    n_clusters = max(2, int(np.sqrt(n)))
    rng = np.random.default_rng(seed)
    sample = vectors[rng.choice(n, size=min(n, 50 * n_clusters), replace=False)]
    centroids = sample[rng.choice(len(sample), size=n_clusters, replace=False)]
    for _ in range(10):  # Lloyd's iterations on the sample, on the unit sphere
        nearest = (sample @ centroids.T).argmax(axis=1)
        for c in range(n_clusters):
            members = sample[nearest == c]
            if len(members):
                centroid = members.sum(axis=0)
                centroids[c] = centroid / max(np.linalg.norm(centroid), 1e-12)
    assignment = np.concatenate([(vectors[r0:r0 + 8192] @ centroids.T).argmax(axis=1)
                                 for r0 in range(0, n, 8192)])
    members = [np.flatnonzero(assignment == c) for c in range(n_clusters)]
    neighbours = np.argsort(-(centroids @ centroids.T), axis=1)[:, :probes]
    for c in range(n_clusters):
        if not len(members[c]):
            continue
        candidates = np.concatenate([members[m] for m in neighbours[c]])
        for r0 in range(0, len(members[c]), block_rows):
            yield members[c][r0:r0 + block_rows], candidates


def find_copies(
    matches: Iterable[Match],
    article_of: Sequence[int],
    n_articles: int,
    copy_similarity: float,
    copy_share: float,
) -> list[int]:
    """Per article, the first article (story order) whose text it republishes, else itself."""
    sizes = np.bincount(np.asarray(article_of, dtype=int), minlength=n_articles)
    copied: dict[tuple[int, int], set[int]] = {}
    for match in matches:
        if match.similarity >= copy_similarity:
            pair = tuple(sorted((article_of[match.a], article_of[match.b])))
            copied.setdefault(pair, set()).update((match.a, match.b))
    parent = list(range(n_articles))
    for (x, y), rows in copied.items():
        rows_x = sum(1 for r in rows if article_of[r] == x)
        rows_y = len(rows) - rows_x
        if min(rows_x, rows_y) >= copy_share * min(sizes[x], sizes[y]):
            _union(parent, x, y)
    return [_find(parent, a) for a in range(n_articles)]


def group_claims(
    vectors: np.ndarray,
    article_of: Sequence[int],
    forced: Iterable[tuple[int, int]],
    candidates: Iterable[Match],
    match_threshold: float,
    languages: Sequence[str | None] | None = None,
    cross_language_offset: float = 0.0,
) -> list[int]:
    """Claims as groups of sentences, at most one per article, numbered by their first sentence.

    Forced pairs (a conflict, or the same quantity of the same thing) join first. Then candidate
    pairs join, strongest first, only while the mean similarity across the two groups stays at or
    above match_threshold: average linkage, so "Two thieves raided the Louvre" cannot chain the
    claim about the thieves into the claim about what was stolen. Pairs of sentences in two
    languages count `cross_language_offset` more (a fact and its translation sit lower).
    """
    n = len(article_of)
    group_of = list(range(n))
    members: dict[int, list[int]] = {row: [row] for row in range(n)}
    articles: dict[int, set[int]] = {row: {article_of[row]} for row in range(n)}
    # The mean cosine over all cross pairs of two groups equals sum_x . sum_y / (|x| |y|) for
    # these unit vectors: a merge test costs one dot product, however large the groups.
    sums: dict[int, np.ndarray] = {row: vectors[row].astype(np.float64) for row in range(n)}
    spoken: dict[int, Counter] = {row: Counter([languages[row] if languages else None]) for row in range(n)}

    def merge(x: int, y: int, linkage: float | None) -> None:
        gx, gy = group_of[x], group_of[y]
        if gx == gy or not articles[gx].isdisjoint(articles[gy]):
            return
        if linkage is not None:
            pairs = len(members[gx]) * len(members[gy])
            cross = pairs - sum(count * spoken[gy][language] for language, count in spoken[gx].items())
            mean = (float(sums[gx] @ sums[gy]) + cross_language_offset * cross) / pairs
            if mean < linkage:
                return
        keep, drop = min(gx, gy), max(gx, gy)
        for row in members[drop]:
            group_of[row] = keep
        members[keep] += members.pop(drop)
        articles[keep] |= articles.pop(drop)
        sums[keep] = sums[keep] + sums.pop(drop)
        spoken[keep] = spoken[keep] + spoken.pop(drop)

    for a, b in forced:
        merge(a, b, None)
    for match in sorted(candidates, key=lambda m: -m.similarity):
        if match.similarity >= match_threshold:
            merge(match.a, match.b, match_threshold)
    numbering: dict[int, int] = {}
    return [numbering.setdefault(group_of[row], len(numbering)) for row in range(n)]


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _union(parent: list[int], x: int, y: int) -> None:
    rx, ry = _find(parent, x), _find(parent, y)
    if rx != ry:
        parent[max(rx, ry)] = min(rx, ry)  # the earlier article stays the root


def align_story(
    vectors: np.ndarray,
    article_of: Sequence[int],
    texts: Sequence[str],
    n_articles: int,
    detector: ConflictDetector,
    settings: AlignSettings,
    published_of: Sequence[str | None] | None = None,
    facts: Sequence[Sequence[Fact]] | None = None,
    fact_vectors: np.ndarray | None = None,
    fact_settings: FactSettings | None = None,
    languages: Sequence[str | None] | None = None,
    gate_vectors: np.ndarray | None = None,
) -> Alignment:
    """Claims and conflicts of one story. Only candidate pairs are judged, never all pairs.

    With a PairJudge, a pair where either sentence entails the other joins one claim even below
    the cosine threshold; a contradiction from the model alone (no rule) counts only between
    sentences about one moment (_nli_meaningful). `published_of` (per
    article, ISO dates) turns a number conflict where the later article gives the larger figure
    into kind 'number-update': a rising toll, not an error. `facts` (per sentence row, facts.py;
    `fact_vectors` embed their masked contexts) are linked across articles (fact_links.py):
    figures of the same thing that disagree are conflicts wherever their sentences sit, and
    sentences whose figures agree join one claim. `languages` (per sentence row): the NLI model
    and the negation rule read English, so they judge only pairs of two English sentences;
    `gate_vectors` (the English model's, when `vectors` are a multilingual model's) are the
    cosines a model-only contradiction is gated by, the scale that gate was chosen on.
    """
    offset = settings.cross_language_offset if languages is not None else 0.0
    candidates = candidate_pairs(vectors, article_of, settings.candidate_threshold - offset, settings.block_rows,
                                 settings.max_candidates, settings.exact_search_limit, settings.search_probes)
    # a translation is another outlet's own telling, not a copy: copies are found on the cosines
    source_of = find_copies(candidates, article_of, n_articles, settings.copy_similarity, settings.copy_share)
    if offset:
        candidates = [replace(m, similarity=m.similarity + offset) if languages[m.a] != languages[m.b] else m
                      for m in candidates]
        candidates = [m for m in candidates if m.similarity >= settings.candidate_threshold]
    pairs = [(texts[m.a], texts[m.b]) for m in candidates]
    judgeable = [languages is None or languages[m.a] == languages[m.b] == ENGLISH for m in candidates]
    # copies repeat pairs: each distinct one is judged once, in the order a model budget is spent
    budget = isinstance(detector, PairJudge) and detector.max_model_pairs
    distinct = list(dict.fromkeys(pairs[i] for i in (_priority_order(candidates) if budget else range(len(pairs)))
                                  if judgeable[i]))
    fact_links = link_facts(facts, fact_vectors, vectors, article_of, source_of, published_of or [None] * n_articles,
                            fact_settings or FactSettings(), texts) if facts else []
    if isinstance(detector, PairJudge):
        # where the figures of two sentences are linked they decide, and both sentences are in one
        # claim already: the model's answer could change nothing, so it is not asked
        by_figures = {(texts[link.a.row], texts[link.b.row]) for link in fact_links}
        asked = [p for p in distinct if p not in by_figures]
        judged = dict(zip(asked, detector.judge(asked)))
        judgements = [judged.get(p, DECIDED_BY_FIGURES) if ok else NOT_JUDGED for p, ok in zip(pairs, judgeable)]
        verdicts = [
            j.conflict if j.label == "contradiction" and (j.kind != "nli" or _nli_meaningful(m, texts, settings, gate_vectors))
            else None
            for m, j in zip(candidates, judgements)
        ]
        relation = {(m.a, m.b): j.relation for m, j in zip(candidates, judgements)}
        entailing = {pair for pair, r in relation.items() if r}
        unjudged = sum(1 for j in judged.values() if j.kind == "unjudged")
    else:
        checked = dict(zip(distinct, detector.check_pairs(distinct)))
        verdicts = [checked[p] if ok else None for p, ok in zip(pairs, judgeable)]
        entailing, relation, unjudged = set(), {}, 0
    dates = [_parse_date(d) for d in published_of] if published_of is not None else [None] * n_articles
    conflicts = [
        (match, _as_update(verdict, dates[article_of[match.a]], dates[article_of[match.b]]))
        for match, verdict in zip(candidates, verdicts)
        if verdict is not None and source_of[article_of[match.a]] != source_of[article_of[match.b]]
    ]
    conflicts = _with_fact_conflicts(conflicts, fact_links)
    conflicting = {(m.a, m.b) for m, _ in conflicts}
    agreeing = {(m.a, m.b) for m in candidates if (m.a, m.b) not in conflicting and (m.a, m.b) in entailing}
    agreeing |= {(link.a.row, link.b.row) for link in fact_links
                 if link.relation == "agrees" and (link.a.row, link.b.row) not in conflicting}
    forced = sorted(conflicting | agreeing)
    claim_of = group_claims(vectors, article_of, forced, candidates, settings.match_threshold, languages, offset)
    matches = [
        replace(m, relation=relation.get((m.a, m.b))) for m in candidates
        if claim_of[m.a] == claim_of[m.b] and (m.similarity >= settings.match_threshold or (m.a, m.b) in agreeing)
    ]
    stated_with = [(m.a, m.b) for m in candidates if m.similarity >= settings.match_threshold and (m.a, m.b) not in conflicting]
    also_in = _also_in(claim_of, article_of, agreeing | set(stated_with))
    return Alignment(matches, conflicts, claim_of, source_of, len(distinct), unjudged, facts or (), fact_links, also_in,
                     languages or ())


def _also_in(claim_of: Sequence[int], article_of: Sequence[int], pairs) -> list[tuple[int, int]]:
    """(row, claim) memberships beyond each sentence's own claim. A sentence that says several
    things ("36 people were killed and 279 are missing") states the claim of every sentence it
    matches or whose figure it gives, though it is grouped with only one of them."""
    extra = set()
    for a, b in pairs:
        if claim_of[a] != claim_of[b] and article_of[a] != article_of[b]:
            extra.add((a, claim_of[b]))
            extra.add((b, claim_of[a]))
    return sorted(extra)


def _nli_meaningful(match: Match, texts: Sequence[str], settings: AlignSettings,
                    gate_vectors: np.ndarray | None = None) -> bool:
    """The model's contradiction counts only between sentences about one moment of the story:
    close (cosine) and sharing a content verb and a name. On the development stories, the
    model alone was right on 12 of 221 rows it flagged between sentences merely on one story."""
    similarity = match.similarity if gate_vectors is None else float(gate_vectors[match.a] @ gate_vectors[match.b])
    return similarity >= settings.nli_min_similarity and same_moment(texts[match.a], texts[match.b])


def _with_fact_conflicts(conflicts, fact_links: Sequence[FactLink]):
    """The sentence-level conflicts, then one per sentence pair from the figures (a contradiction
    before an update: "14 killed" / "11 killed" a day apart must not hide the same two
    sentences' four sources against two; then the most confident); a pair a rule or the model
    already flagged keeps that verdict. (link_facts links figures of different sources only.)"""
    by_pair = {(m.a, m.b): (m, c) for m, c in conflicts}
    for link in sorted(fact_links, key=lambda l: (not l.contradicts, -l.confidence)):
        key = (link.a.row, link.b.row)
        if link.relation == "agrees" or key in by_pair:
            continue
        label, value_a, value_b = shown(link)
        conflict = Conflict(link.relation, link.confidence, (link.a.start, link.a.end), (link.b.start, link.b.end),
                            link.b.low > link.a.high, label, link.confidence, value_a, value_b)
        by_pair[key] = (Match(link.a.row, link.b.row, link.similarity), conflict)
    return sorted(by_pair.values(), key=lambda item: (item[0].a, item[0].b))


def _priority_order(candidates: Sequence[Match]) -> np.ndarray:
    """Candidate indices, each sentence's nearest matches first: pairs ranked by the better of
    their rank among the candidates of either sentence, then by similarity. A limited NLI
    budget then reaches every sentence's closest counterparts before going deeper for any."""
    if not candidates:
        return np.zeros(0, dtype=int)
    a = np.fromiter((m.a for m in candidates), dtype=np.int64, count=len(candidates))
    b = np.fromiter((m.b for m in candidates), dtype=np.int64, count=len(candidates))
    sim = np.fromiter((m.similarity for m in candidates), dtype=np.float64, count=len(candidates))
    sentence = np.r_[a, b]  # each pair listed under both of its sentences
    pair = np.r_[np.arange(len(a)), np.arange(len(a))]
    order = np.lexsort((-np.r_[sim, sim], sentence))
    grouped = sentence[order]
    group_start = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    position = np.arange(len(order)) - np.repeat(group_start, np.diff(np.r_[group_start, len(order)]))
    rank = np.full(len(a), len(a))
    np.minimum.at(rank, pair[order], position)
    return np.lexsort((-sim, rank))


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _as_update(conflict: Conflict, date_a: date | None, date_b: date | None) -> Conflict:
    if conflict.kind != "number" or conflict.b_is_higher is None or not date_a or not date_b or date_a == date_b:
        return conflict
    later_is_higher = (date_b > date_a) == conflict.b_is_higher
    return replace(conflict, kind="number-update") if later_is_higher else conflict
