"""Polarity rule: one sentence asserts a predication that the other negates.

"Authorities believe Jabbar acted alone" / "The FBI does not believe Jabbar acted alone": the
two sentences share a statement (the verb with what it says: believe + Jabbar, act, alone), and
a negation governs it in one of them only. Word overlap over whole sentences (NegationRule) misses
this when the sentences differ elsewhere (who believes, who stated it); the parse does not. A
negation anywhere above the verb counts ("they do not believe Jabbar acted alone" negates the
acting alone), so two sentences that both negate it agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from .classify import Conflict
from .facts import LIGHT_VERBS, load_parser

# a statement needs this many content words besides its verb, and the two sentences' statements
# this share of their words (Jaccard), to be one statement
MIN_STATEMENT_WORDS = 2
MIN_STATEMENT_OVERLAP = 0.75
SUBJECTS = ("nsubj", "nsubjpass")


CONTENT = {"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"}
CLAUSE_BREAKS = {"conj", "cc", "advcl", "parataxis", "relcl", "punct", "mark", "preconj"}


@lru_cache(maxsize=20_000)
def statements(text: str) -> tuple[tuple[str, frozenset[str], bool, int, int], ...]:
    """(verb lemma, the statement's content lemmas, negated, start, end of the first cue or of the
    verb) for each content verb of a sentence."""
    doc = load_parser()(text)
    found = []
    for verb in doc:
        if verb.pos_ != "VERB" or verb.lemma_.lower() in LIGHT_VERBS:
            continue
        # who believes or says it is attribution, not what is said ("authorities believe that
        # ..."), and a pronoun says nothing; "the alarms did not go off" is about the alarms
        reports = any(child.dep_ in ("ccomp", "xcomp") for child in verb.children)
        tokens = _statement(verb, skip_subject=reports)
        words = frozenset(t.lemma_.lower() for t in tokens
                          if t is not verb and t.pos_ in CONTENT and t.is_alpha and not t.tag_.startswith("W"))
        # a negation above the verb or inside what it says: "do not believe he acted alone" and
        # "believe he may not have acted alone" both deny that he acted alone
        cues = [t for t in tokens if t.dep_ == "neg"]
        cues += [t for node in verb.ancestors for t in node.children if t.dep_ == "neg"]
        cue = min(cues, key=lambda t: t.i) if cues else verb
        found.append((verb.lemma_.lower(), words, len(cues) % 2 == 1, cue.idx, cue.idx + len(cue.text)))
    return tuple(found)


def _statement(verb, skip_subject: bool) -> list:
    """The verb and its arguments, without the other clauses joined to it ("acted alone but
    continue to investigate") and, when asked, without its subject unless that names someone."""
    tokens, stack = [], [verb]
    while stack:
        token = stack.pop()
        tokens.append(token)
        for child in token.children:
            if child.dep_ in CLAUSE_BREAKS:
                continue
            if token is verb and child.dep_ in SUBJECTS and (child.pos_ == "PRON" or (
                    skip_subject and not any(t.pos_ == "PROPN" for t in child.subtree))):
                continue
            stack.append(child)
    return tokens


class PolarityRule:
    """The same statement, asserted in one sentence and negated in the other."""

    def check_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Conflict | None]:
        return [self._check(a, b) for a, b in pairs]

    @staticmethod
    def _check(a: str, b: str) -> Conflict | None:
        best = None
        for lemma_a, words_a, negated_a, start_a, end_a in statements(a):
            if len(words_a) < MIN_STATEMENT_WORDS:
                continue
            for lemma_b, words_b, negated_b, start_b, end_b in statements(b):
                if lemma_a != lemma_b or negated_a == negated_b or len(words_b) < MIN_STATEMENT_WORDS:
                    continue
                overlap = len(words_a & words_b) / len(words_a | words_b)
                if overlap >= MIN_STATEMENT_OVERLAP and (best is None or overlap > best.score):
                    best = Conflict("negation", round(overlap, 3), (start_a, end_a), (start_b, end_b),
                                    confidence=round(overlap, 3))
        return best
