import numpy as np
import pytest

from storydiff.align import Match, candidate_pairs, find_copies, group_claims


def unit_rows(*rows):
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_blocked_candidates_equal_one_block_and_brute_force():
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(60, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    article_of = np.repeat(np.arange(6), 10)
    small_blocks = candidate_pairs(vectors, article_of, 0.1, block_rows=7)
    one_block = candidate_pairs(vectors, article_of, 0.1, block_rows=1000)
    assert small_blocks == one_block
    sims = vectors @ vectors.T
    expected = set()
    for row in range(60):
        for article in range(6):
            if article == article_of[row]:
                continue
            cols = np.where(article_of == article)[0]
            best = cols[sims[row, cols].argmax()]
            if sims[row, best] >= 0.1:
                expected.add((min(row, best), max(row, best)))
    assert {(m.a, m.b) for m in one_block} == expected
    assert all(article_of[m.a] != article_of[m.b] for m in one_block)


def test_average_linkage_stops_chaining_and_keeps_one_sentence_per_article():
    # 0 and 1 say the same; 2 (article 2) is close to 1 but far from 0 -> not one claim
    vectors = unit_rows([1, 0, 0], [0.9, 0.44, 0], [0.2, 0.98, 0], [1, 0.01, 0])
    article_of = [0, 1, 2, 0]
    candidates = [Match(0, 1, 0.9), Match(1, 2, 0.61), Match(1, 3, 0.9)]
    claims = group_claims(vectors, article_of, [], candidates, match_threshold=0.6)
    assert claims[0] == claims[1]
    assert claims[2] != claims[1]
    assert claims[3] != claims[1]  # article 0 already has a sentence in that claim


def test_forced_pairs_join_below_threshold():
    vectors = unit_rows([1, 0], [0, 1])
    claims = group_claims(vectors, [0, 1], [(0, 1)], [Match(0, 1, 0.0)], match_threshold=0.9)
    assert claims == [0, 0]


def test_copies_of_one_text_share_a_source():
    article_of = [0, 0, 0, 1, 1, 1, 1, 2, 2]
    matches = [Match(0, 3, 0.99), Match(1, 4, 0.98), Match(2, 5, 0.97), Match(0, 7, 0.8)]
    assert find_copies(matches, article_of, 3, copy_similarity=0.95, copy_share=0.6) == [0, 0, 2]


def test_candidates_per_sentence_are_capped_and_the_approximate_search_finds_most():
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(40, 32))
    article_of = np.repeat(np.arange(100), 20)  # 100 outlets: far more articles than the cap
    vectors = (centres[rng.integers(0, 40, len(article_of))] + 0.3 * rng.normal(size=(len(article_of), 32))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = candidate_pairs(vectors, article_of, 0.5, max_per_sentence=8)
    assert len(exact) <= 8 * len(article_of)  # at most 8 per sentence: linear, not outlets x sentences
    assert all(article_of[m.a] != article_of[m.b] and m.similarity >= 0.5 for m in exact)
    approximate = candidate_pairs(vectors, article_of, 0.5, max_per_sentence=8, exact_limit=0, probes=4)
    found = {(m.a, m.b) for m in approximate}
    assert sum((m.a, m.b) in found for m in exact) / len(exact) >= 0.9


def test_one_article_or_nothing_similar_gives_no_candidates():
    vectors = unit_rows([1, 0], [0, 1], [1, 1])
    assert candidate_pairs(vectors, [0, 0, 0], 0.1) == []
    assert candidate_pairs(vectors[:2], [0, 1], 0.5) == []
    assert candidate_pairs(vectors[:0], [], 0.5) == []


def brute_force_candidates(vectors, article_of, threshold, cap):
    """Each row's best column per other article; the `cap` best articles, earlier first on a tie."""
    sims = vectors @ vectors.T
    pairs = {}
    for row in range(len(vectors)):
        per_article = []
        for article in sorted(set(article_of) - {article_of[row]}):
            cols = np.flatnonzero(article_of == article)
            best = cols[sims[row, cols].argmax()]
            per_article.append((-sims[row, best], article, best))
        for negative, _, best in sorted(per_article)[:cap]:
            if -negative >= threshold:
                key = (min(row, best), max(row, best))
                pairs[key] = max(pairs.get(key, -np.inf), -negative)
    return pairs


def test_copies_are_searched_once_with_the_same_answer_as_brute_force():
    # small integer vectors: every dot product is exact, so copies tie exactly
    rng = np.random.default_rng(11)
    wire = rng.integers(-3, 4, size=(6, 8)).astype(np.float32)
    own = [rng.integers(-3, 4, size=(6, 8)).astype(np.float32) for _ in range(5)]
    articles = [wire, own[0], wire, own[1], wire[:4], own[2], wire, own[3], own[4], wire]  # four whole copies
    vectors = np.vstack(articles)
    article_of = np.repeat(np.arange(len(articles)), [len(a) for a in articles])
    expected = brute_force_candidates(vectors, article_of, threshold=5.0, cap=3)
    for block_rows in (2, 5, 1000):  # blocks smaller than the copies of one text, and one block
        found = candidate_pairs(vectors, article_of, 5.0, block_rows=block_rows, max_per_sentence=3)
        assert {(m.a, m.b): m.similarity for m in found} == pytest.approx(expected)


def test_each_sentence_nearest_matches_come_first():
    from storydiff.align import _priority_order

    # every pair but (1, 2) is the closest match of one of its sentences; (1, 2) is second-best
    # for both of its own, so the weak (5, 6), the only match of 5 and 6, goes before it
    candidates = [Match(1, 2, 0.9), Match(5, 6, 0.5), Match(0, 4, 0.92), Match(0, 1, 0.95), Match(0, 2, 0.94),
                  Match(0, 3, 0.93)]
    order = [(candidates[i].a, candidates[i].b) for i in _priority_order(candidates)]
    assert order == [(0, 1), (0, 2), (0, 3), (0, 4), (5, 6), (1, 2)]
    assert _priority_order([]).size == 0
