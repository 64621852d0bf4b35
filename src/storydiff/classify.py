"""Classify stage: judge aligned sentence pairs of different outlets.

Rules (numbers, negation) say precisely *why* two sentences are incompatible and where; the
NLI cross-encoder (nli.py) catches what the rules cannot phrase and says when one sentence
entails the other. `PairJudge` combines them, and `classify_pairs` is the public entry point:
the same judgement that labels stories, for notebooks and other tools.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .embed import text_hash
from .languages import ENGLISH, sentence_language

if TYPE_CHECKING:
    from .nli import NliModel


@dataclass(frozen=True)
class Conflict:
    kind: str  # 'number', 'date', 'status', 'unit', 'number-revised', 'number-update' (facts), 'negation', 'nli'
    score: float  # 0..1, how sure the detector is
    span_a: tuple[int, int] | None  # the differing text in each sentence, for highlighting
    span_b: tuple[int, int] | None
    b_is_higher: bool | None = None  # for 'number': the second sentence states the larger quantity
    what: str | None = None  # for figures: the thing counted ("people dead")
    confidence: float | None = None  # 0..1, how sure storydiff is that this is a real contradiction
    value_a: str | None = None  # for figures: each side's value as written ("19", "at least 15")
    value_b: str | None = None


class ConflictDetector(Protocol):
    def check_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Conflict | None]: ...


class NumberRule:
    """Two sentences out of context: figures of the same thing (the fact layer's slot test,
    facts.py and fact_links.py) whose intervals are incompatible ("four" vs "two" thieves). A
    count of people killed and one of people injured are not the same thing. In a story, the
    fact layer compares figures across all its sentences with their contexts and dates instead."""

    def check_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Conflict | None]:
        from .facts import extract_facts

        facts = extract_facts([text for pair in pairs for text in pair])
        return [self._check(facts[2 * i], facts[2 * i + 1]) for i in range(len(pairs))]

    @staticmethod
    def _check(facts_a, facts_b) -> Conflict | None:
        from .fact_links import figure_conflict

        return figure_conflict(facts_a, facts_b)


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
        return Conflict("negation", round(overlap, 3), span_a, span_b, confidence=round(overlap, 3))


@lru_cache(maxsize=100_000)
def _content_words(text: str) -> frozenset[str]:
    words = frozenset(WORD.findall(NEGATION_CUES.sub(" ", text.lower())))
    return words - FUNCTION_WORDS


class RuleDetector:
    """The rules in order; the first that fires decides the pair."""

    def __init__(self, rules: Sequence[ConflictDetector] | None = None):
        if rules is None:
            from .polarity import PolarityRule

            rules = [NumberRule(), NegationRule(), PolarityRule()]
        self.rules = list(rules)

    def check_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Conflict | None]:
        verdicts: list[Conflict | None] = [None] * len(pairs)
        for rule in self.rules:
            open_rows = [i for i, v in enumerate(verdicts) if v is None]
            if not open_rows:
                break
            for row, verdict in zip(open_rows, rule.check_pairs([pairs[i] for i in open_rows])):
                verdicts[row] = verdict
        return verdicts


@dataclass(frozen=True)
class Judgement:
    """What storydiff concludes about a (premise, hypothesis) pair.

    label: 'entailment', 'neutral' or 'contradiction'. scores: the NLI probabilities of the three
    labels, premise -> hypothesis. kind: what decided the label: 'number', 'date' or 'negation'
    (a rule found incompatible facts), 'nli' (the model alone), 'unjudged' (no rule fired and the
    judge's model budget was spent: counted as neutral), 'figures' (in a story: the two sentences'
    figures are linked and decide; the model was not asked), 'language' (a sentence not in English:
    the English model and rules are not asked). conflict: the rule's evidence spans.
    reverse_scores: the probabilities hypothesis -> premise. Both are None when a rule decided
    and the judge was told not to ask the model (stories: its answer would change nothing).
    """

    label: str
    scores: dict[str, float] | None
    kind: str
    reverse_scores: dict[str, float] | None
    conflict: Conflict | None = None

    @property
    def relation(self) -> str | None:
        """'equivalent' (each entails the other), 'a says more' (only premise -> hypothesis),
        'b says more' (only hypothesis -> premise), or None."""
        forward = self.label == "entailment"
        backward = (self.label != "contradiction" and self.reverse_scores is not None
                    and max(self.reverse_scores, key=self.reverse_scores.get) == "entailment")
        if forward and backward:
            return "equivalent"
        return "a says more" if forward else "b says more" if backward else None

    @property
    def entails_either_way(self) -> bool:
        return self.relation is not None


class PairJudge:
    """Rules first (they carry evidence spans), then the NLI model, asked both ways round.

    Contradiction is symmetric, so the model must say it both ways: the smaller of the two
    contradiction probabilities must reach `contradiction_threshold` (from the packaged model's
    calibration.json, chosen on development data). Asked one way only, a model trained on
    image captions calls many merely different statements about one scene contradictory.
    """

    def __init__(self, nli: "NliModel", rules: ConflictDetector | None = None,
                 contradiction_threshold: float | None = None,
                 known_scores: Mapping[tuple[str, str], np.ndarray] | None = None,
                 score_rule_conflicts: bool = True, max_model_pairs: int = 0):
        self.nli = nli
        # At most this many pairs per judge() go to the model (0: no limit); pairs come in
        # priority order, cached ones are free, and the rest are left to the rules.
        self.max_model_pairs = max_model_pairs
        # A rule's contradiction stands whatever the model says. Stories skip the model there (a
        # quarter of the pairs in the template-made bench stories); classify_pairs still scores them.
        self.score_rule_conflicts = score_rule_conflicts
        self.rules = rules if rules is not None else RuleDetector()
        self.contradiction_threshold = (
            contradiction_threshold if contradiction_threshold is not None
            else float(nli.calibration.get("contradiction_threshold", 0.5))
        )
        # NLI probabilities by (premise hash, hypothesis hash): those of earlier runs come in,
        # those computed here are kept in `fresh` for the caller to store.
        self.known = dict(known_scores or {})
        self.fresh: dict[tuple[str, str], np.ndarray] = {}

    def _probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Each distinct ordered pair goes through the model once, and never twice across runs."""
        keys = [(text_hash(a), text_hash(b)) for a, b in pairs]
        missing: dict[tuple[str, str], tuple[str, str]] = {}
        for key, (a, b) in zip(keys, pairs):
            if a != b and key not in self.known and key not in self.fresh:
                missing[key] = (a, b)
        if missing:
            self.fresh.update(zip(missing, self.nli.predict(list(missing.values()))))
        same = np.array([1.0, 0.0, 0.0], dtype=np.float32)  # a copy says exactly what it copies
        return np.array([same if a == b else self.known[k] if k in self.known else self.fresh[k]
                         for k, (a, b) in zip(keys, pairs)], dtype=np.float32).reshape(len(pairs), 3)

    def _known_both_ways(self, a: str, b: str) -> bool:
        def scored(key: tuple[str, str]) -> bool:
            return key in self.known or key in self.fresh

        return a == b or (scored((text_hash(a), text_hash(b))) and scored((text_hash(b), text_hash(a))))

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[Judgement]:
        from .nli import LABELS

        pairs = list(pairs)
        if not pairs:
            return []
        rules = self.rules.check_pairs(pairs)
        asked = [row for row, rule in enumerate(rules) if rule is None or self.score_rule_conflicts]
        if self.max_model_pairs:
            costly = [row for row in asked if not self._known_both_ways(*pairs[row])]
            over_budget = set(costly[self.max_model_pairs:])
            asked = [row for row in asked if row not in over_budget]
        forward = dict(zip(asked, self._probabilities([pairs[row] for row in asked])))
        backward = dict(zip(asked, self._probabilities([pairs[row][::-1] for row in asked])))
        contradiction = LABELS.index("contradiction")
        judgements = []
        for row, rule in enumerate(rules):
            if row not in forward:
                judgements.append(Judgement("contradiction", None, rule.kind, None, rule) if rule is not None
                                  else Judgement("neutral", None, "unjudged", None))
                continue
            scores = {label: round(float(p), 4) for label, p in zip(LABELS, forward[row])}
            reverse = {label: round(float(p), 4) for label, p in zip(LABELS, backward[row])}
            both_ways = float(min(forward[row][contradiction], backward[row][contradiction]))
            model_sure = both_ways >= self.contradiction_threshold
            if rule is not None:
                judgements.append(Judgement("contradiction", scores, rule.kind, reverse, rule))
            elif model_sure:
                judgements.append(Judgement("contradiction", scores, "nli", reverse,
                                            Conflict("nli", round(both_ways, 3), None, None, confidence=round(both_ways, 3))))
            else:
                label = "entailment" if scores["entailment"] >= scores["neutral"] else "neutral"
                judgements.append(Judgement(label, scores, "nli", reverse))
        return judgements

    def check_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Conflict | None]:
        """The ConflictDetector view of the judgement."""
        return [j.conflict if j.label == "contradiction" else None for j in self.judge(pairs)]


def classify_pairs(pairs: Sequence[tuple[str, str]], model: str | None = None,
                   backend: str | None = None) -> list[Judgement]:
    """Judge (premise, hypothesis) sentence pairs as storydiff judges aligned claims.

    >>> [j.label for j in classify_pairs([("Four thieves took part.", "Two thieves took part.")])]
    ['contradiction']

    Each sentence's language is detected: the NLI model and the rules read English, so a pair with
    a sentence in another language is judged by its figures alone (facts_multilingual.py).

    `model` names another NLI cross-encoder (a Hugging Face name or a local path); the default is
    storydiff's packaged model, which needs no network. `backend` ("torch", "onnx", "onnx-int8")
    defaults to the one stories use (Settings.nli_backend).
    """
    from .nli import PACKAGED_NLI_MODEL, load_nli_model
    from .settings import Settings

    settings = Settings()
    languages = [(sentence_language(a), sentence_language(b)) for a, b in pairs]
    english = [row for row, (a, b) in enumerate(languages) if a == b == ENGLISH]
    judged = {}
    if english:
        nli = load_nli_model(model or PACKAGED_NLI_MODEL, 32, backend or settings.nli_backend, settings.model_cache,
                             settings.threads)
        judged = dict(zip(english, PairJudge(nli).judge([pairs[row] for row in english])))
    return [judged[row] if row in judged else _judge_by_figures(pairs[row], languages[row]) for row in range(len(pairs))]


def _judge_by_figures(pair: tuple[str, str], languages: tuple[str, str]) -> Judgement:
    """A pair with a sentence not in English: its figures decide (the model and the negation
    rule read English); kind 'language' when they say nothing."""
    from .embed import MULTILINGUAL_MODEL, load_embedder
    from .fact_links import figure_conflict
    from .facts_multilingual import extract_story_facts

    facts_a, facts_b = extract_story_facts(list(pair), list(languages),
                                           lambda words: load_embedder(MULTILINGUAL_MODEL).encode(words))
    conflict = figure_conflict(facts_a, facts_b)
    return (Judgement("contradiction", None, conflict.kind, None, conflict) if conflict
            else Judgement("neutral", None, "language", None))
