"""How many sentence pairs the NLI model judges as a story grows: candidate pairs, not all pairs.

    .venv/bin/python bench/judged_pairs_growth.py

Synthetic stories (seeded): each outlet writes M sentences, each a noisy version of one of the
story's facts, as unit vectors. Prints sentences, candidate pairs (each sentence's best match per
other article above the candidate threshold, what storydiff judges) and all cross-outlet pairs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from storydiff.align import candidate_pairs  # noqa: E402
from storydiff.settings import AlignSettings  # noqa: E402


def story_vectors(outlets: int, per_outlet: int, facts: int, rng: np.random.Generator) -> tuple[np.ndarray, list[int]]:
    centres = rng.normal(size=(facts, 384))
    rows, article_of = [], []
    for outlet in range(outlets):
        for fact in rng.choice(facts, size=per_outlet, replace=per_outlet > facts):
            rows.append(centres[fact] + rng.normal(scale=0.9, size=384))
            article_of.append(outlet)
    vectors = np.asarray(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), article_of


def main() -> None:
    rng = np.random.default_rng(7)
    threshold = AlignSettings().candidate_threshold
    print(f"{'outlets':>7} {'sent/outlet':>11} {'sentences':>9} {'judged pairs':>12} {'per sentence':>12} {'all pairs':>10}")
    for outlets, per_outlet in [(6, 10), (6, 20), (6, 40), (6, 80), (12, 20), (24, 20), (48, 20)]:
        vectors, article_of = story_vectors(outlets, per_outlet, facts=2 * per_outlet, rng=rng)
        n = len(article_of)
        judged = len(candidate_pairs(vectors, article_of, threshold))
        all_pairs = n * (n - per_outlet) // 2
        print(f"{outlets:>7} {per_outlet:>11} {n:>9} {judged:>12} {judged / n:>12.1f} {all_pairs:>10}")


if __name__ == "__main__":
    main()
