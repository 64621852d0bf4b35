"""Classify stage: find conflicts between aligned sentences of different outlets.

A detector looks at sentence pairs in batches and says, per pair, whether the two are
incompatible and why. The rule detectors here (numbers, negation) are the first; a trained NLI
model plugs in through the same ConflictDetector protocol.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .quantities import Quantity, extract_quantities


@dataclass(frozen=True)
class Conflict:
    kind: str  # 'number', 'negation', later 'nli'
    score: float  # 0..1, how sure the detector is
    span_a: tuple[int, int] | None  # the differing text in each sentence, for highlighting
    span_b: tuple[int, int] | None


class ConflictDetector(Protocol):
    def check_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Conflict | None]: ...


class NumberRule:
    """Quantities about the same thing whose intervals do not overlap ("four" vs "two" thieves)."""

    def check_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Conflict | None]:
        return [self._check(a, b) for a, b in pairs]

    def _check(self, a: str, b: str) -> Conflict | None:
        quantities_a, quantities_b = extract_quantities(a), extract_quantities(b)
        for qa in quantities_a:
            same_thing = [qb for qb in quantities_b if qa.unit & qb.unit]
            if not same_thing or any(qa.overlaps(qb) for qb in same_thing):
                continue
            # Every quantity of this unit in `a` must disagree too: "four thieves, two of
            # whom ..." vs "two thieves" is not a conflict.
            others_a = [q for q in quantities_a if q.unit & qa.unit]
            if any(q.overlaps(qb) for q in others_a for qb in same_thing):
                continue
            qb = same_thing[0]
            return Conflict("number", _gap(qa, qb), (qa.start, qa.end), (qb.start, qb.end))
        return None


def _gap(qa: Quantity, qb: Quantity) -> float:
    """Relative distance between the two intervals, 0..1."""
    low, high = (qa, qb) if qa.high < qb.low else (qb, qa)
    top = high.low if high.low > 0 else 1.0
    return round(min(1.0, (high.low - low.high) / top), 3)


NEGATION_CUES = re.compile(
    r"\b(not|no|never|none|nobody|nothing|neither|nor|without|den(?:y|ies|ied|ying)|"
    r"reject(?:s|ed)?|refut(?:e|es|ed)|false(?:ly)?)\b|n't\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
FUNCTION_WORDS = {
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "and", "or", "that", "this", "it",
    "was", "were", "is", "are", "be", "been", "had", "has", "have", "did", "do", "does", "by",
    "with", "as", "said", "says", "say", "told", "according",
}


def quantities_agree(a: str, b: str) -> bool:
    """Both sentences give the same quantity of the same thing ("seven minutes" / "7 minutes")."""
    quantities_b = extract_quantities(b)
    return any(qa.unit & qb.unit and qa.overlaps(qb) for qa in extract_quantities(a) for qb in quantities_b)


class NegationRule:
    """Nearly the same words, but one sentence negates or denies what the other asserts."""

    def __init__(self, min_overlap: float = 0.6):
        self.min_overlap = min_overlap

    def check_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Conflict | None]:
        return [self._check(a, b) for a, b in pairs]

    def _check(self, a: str, b: str) -> Conflict | None:
        cues_a, cues_b = list(NEGATION_CUES.finditer(a)), list(NEGATION_CUES.finditer(b))
        if len(cues_a) % 2 == len(cues_b) % 2:
            return None
        words_a, words_b = _content_words(a), _content_words(b)
        if not words_a or not words_b:
            return None
        overlap = len(words_a & words_b) / len(words_a | words_b)
        if overlap < self.min_overlap:
            return None
        span_a = (cues_a[0].start(), cues_a[0].end()) if cues_a else None
        span_b = (cues_b[0].start(), cues_b[0].end()) if cues_b else None
        return Conflict("negation", round(overlap, 3), span_a, span_b)


def _content_words(text: str) -> set[str]:
    words = set(WORD.findall(NEGATION_CUES.sub(" ", text.lower())))
    return words - FUNCTION_WORDS


class RuleDetector:
    """The rules in order; the first that fires decides the pair."""

    def __init__(self, rules: Sequence[ConflictDetector] | None = None):
        self.rules = list(rules) if rules is not None else [NumberRule(), NegationRule()]

    def check_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Conflict | None]:
        verdicts: list[Conflict | None] = [None] * len(pairs)
        for rule in self.rules:
            open_rows = [i for i, v in enumerate(verdicts) if v is None]
            if not open_rows:
                break
            for row, verdict in zip(open_rows, rule.check_pairs([pairs[i] for i in open_rows])):
                verdicts[row] = verdict
        return verdicts
