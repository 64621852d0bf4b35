"""Align stage: match sentences across outlets and group them into claims.

Similarities are computed in numpy, a block of rows at a time, so memory stays at
block_rows x n_sentences floats however many outlets a story has. Only the pairs that survive
(each sentence's best match in every other article) leave this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from .classify import Conflict, ConflictDetector, PairJudge, quantities_agree
from .settings import AlignSettings


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


def candidate_pairs(
    vectors: np.ndarray, article_of: Sequence[int], min_similarity: float, block_rows: int = 1024
) -> list[Match]:
    """Each sentence's best match in every other article, kept when >= min_similarity.

    Rows must be grouped by article (all sentences of one article contiguous).
    """
    article_of = np.asarray(article_of)
    n = len(article_of)
    if n == 0:
        return []
    bounds = _article_bounds(article_of)
    best: dict[tuple[int, int], float] = {}
    for r0 in range(0, n, block_rows):
        r1 = min(n, r0 + block_rows)
        sims = vectors[r0:r1] @ vectors.T
        rows = np.arange(r0, r1)
        for article, (start, end) in bounds.items():
            others = article_of[r0:r1] != article
            if not others.any():
                continue
            segment = sims[:, start:end]
            top = segment.argmax(axis=1)
            top_sim = segment[np.arange(r1 - r0), top]
            keep = others & (top_sim >= min_similarity)
            for row, col, sim in zip(rows[keep], top[keep] + start, top_sim[keep]):
                key = (int(min(row, col)), int(max(row, col)))
                if float(sim) > best.get(key, -1.0):
                    best[key] = float(sim)
    return [Match(a, b, round(s, 4)) for (a, b), s in sorted(best.items())]


def _article_bounds(article_of: np.ndarray) -> dict[int, tuple[int, int]]:
    bounds: dict[int, tuple[int, int]] = {}
    for row, article in enumerate(article_of.tolist()):
        start, _ = bounds.get(article, (row, row))
        bounds[article] = (start, row + 1)
    return bounds


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
) -> list[int]:
    """Claims as groups of sentences, at most one per article, numbered by their first sentence.

    Forced pairs (a conflict, or the same quantity of the same thing) join first. Then candidate
    pairs join, strongest first, only while the mean similarity across the two groups stays at or
    above match_threshold: average linkage, so "Two thieves raided the Louvre" cannot chain the
    claim about the thieves into the claim about what was stolen.
    """
    n = len(article_of)
    members: dict[int, list[int]] = {row: [row] for row in range(n)}
    group_of = list(range(n))

    def merge(x: int, y: int, linkage: float | None) -> None:
        gx, gy = group_of[x], group_of[y]
        if gx == gy:
            return
        articles_x = {article_of[r] for r in members[gx]}
        if any(article_of[r] in articles_x for r in members[gy]):
            return
        if linkage is not None:
            mean = float((vectors[members[gx]] @ vectors[members[gy]].T).mean())
            if mean < linkage:
                return
        keep, drop = min(gx, gy), max(gx, gy)
        for row in members.pop(drop):
            group_of[row] = keep
            members[keep].append(row)

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
) -> Alignment:
    """Claims and conflicts of one story. Only candidate pairs are judged, never all pairs.

    With a PairJudge, a pair where either sentence entails the other joins one claim even below
    the cosine threshold; a contradiction from the model alone (no rule) counts only between
    sentences already about the same fact (cosine >= nli_min_similarity). `published_of` (per
    article, ISO dates) turns a number conflict where the later article gives the larger figure
    into kind 'number-update': a rising toll, not an error.
    """
    candidates = candidate_pairs(vectors, article_of, settings.candidate_threshold, settings.block_rows)
    source_of = find_copies(candidates, article_of, n_articles, settings.copy_similarity, settings.copy_share)
    pairs = [(texts[m.a], texts[m.b]) for m in candidates]
    if isinstance(detector, PairJudge):
        judgements = detector.judge(pairs)
        verdicts = [
            j.conflict if j.label == "contradiction" and (j.kind != "nli" or m.similarity >= settings.nli_min_similarity) else None
            for m, j in zip(candidates, judgements)
        ]
        relation = {(m.a, m.b): j.relation for m, j in zip(candidates, judgements)}
        entailing = {pair for pair, r in relation.items() if r}
    else:
        verdicts, entailing, relation = detector.check_pairs(pairs), set(), {}
    dates = [_parse_date(d) for d in published_of] if published_of is not None else [None] * n_articles
    conflicts = [
        (match, _as_update(verdict, dates[article_of[match.a]], dates[article_of[match.b]]))
        for match, verdict in zip(candidates, verdicts)
        if verdict is not None and source_of[article_of[match.a]] != source_of[article_of[match.b]]
    ]
    conflicting = {(m.a, m.b) for m, _ in conflicts}
    agreeing = {
        (m.a, m.b) for m in candidates
        if (m.a, m.b) not in conflicting and ((m.a, m.b) in entailing or quantities_agree(texts[m.a], texts[m.b]))
    }
    forced = sorted(conflicting | agreeing)
    claim_of = group_claims(vectors, article_of, forced, candidates, settings.match_threshold)
    matches = [
        replace(m, relation=relation.get((m.a, m.b))) for m in candidates
        if claim_of[m.a] == claim_of[m.b] and (m.similarity >= settings.match_threshold or (m.a, m.b) in agreeing)
    ]
    return Alignment(matches, conflicts, claim_of, source_of)


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
