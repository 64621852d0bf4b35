"""Polarity rule: one sentence asserts a statement that the other denies.

"Authorities believe Jabbar acted alone" / "The FBI does not believe Jabbar acted alone": the
two sentences share a statement (a verb with what it says: believe + Jabbar, act, alone), and a
negation governs it in one of them only. Word overlap over whole sentences (NegationRule) misses
this when the sentences differ elsewhere (who believes, who stated it); the parse does not. A
negation reaches down through complements ("do not believe Jabbar acted alone" denies the acting
alone, as "believe Jabbar may not have acted alone" does, so those two agree) and through verbs
that deny ("declined to discuss"), but not into a question ("do not know whether") or past a
contrast ("did not see the fuss, but urged calm"). On the MRPC test pairs it flags no pair that
NegationRule does not (six before those limits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .classify import NEGATION_CUES, Conflict
from .facts import LIGHT_VERBS, load_parser

# a statement needs this many content words besides its verb, and the two sentences' statements
# this share of their words (Jaccard), to be one statement
MIN_STATEMENT_WORDS = 2
MIN_STATEMENT_OVERLAP = 0.75
SUBJECTS = ("nsubj", "nsubjpass")
CONTENT = {"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"}
CLAUSE_BREAKS = {"conj", "cc", "advcl", "parataxis", "relcl", "acl", "punct", "mark"}
COMPLEMENTS = {"ccomp", "xcomp", "pcomp"}
NEGATIONS = {"not", "n't", "never", "no", "neither", "nor", "nobody", "nothing", "none"}
NEGATING_VERBS = {"decline", "refuse", "deny", "fail", "reject"}
NEGATING_PREPOSITIONS = {"against", "without"}
QUESTION_MARKERS = {"whether", "if"}
CONTRASTS = {"but", "yet"}
# what NegationRule's cues miss of the words above: a pair with none of either is not parsed
OTHER_DENIALS = re.compile(r"n’t\b|\b(?:declin|refus|fail|against\b)", re.IGNORECASE)


Statement = tuple[str, frozenset[str], bool, int, int, str]
_parsed: dict[str, tuple[Statement, ...]] = {}
CACHE_SIZE = 20_000


def statements(text: str) -> tuple[Statement, ...]:
    """(verb lemma, the statement's content lemmas, negated, start, end of the first cue or of the
    verb, the statement as written without its negation) for each content verb of a sentence."""
    parse_all([text])
    return _parsed[text]


def parse_all(texts: Sequence[str]) -> None:
    """Parses the texts not parsed yet, in batches (twice as fast as one at a time)."""
    missing = list(dict.fromkeys(t for t in texts if t not in _parsed))
    if not missing:
        return
    if len(_parsed) + len(missing) > CACHE_SIZE:
        _parsed.clear()
    for text, doc in zip(missing, load_parser().pipe(missing, batch_size=64)):
        _parsed[text] = statements_of_doc(doc)


def statements_of_doc(doc) -> tuple[Statement, ...]:
    found = []
    for verb in doc:
        if verb.pos_ != "VERB" or verb.lemma_.lower() in LIGHT_VERBS:
            continue
        # who believes or says it is attribution, not what is said ("authorities believe that
        # ..."), and a pronoun says nothing; "the alarms did not go off" is about the alarms
        reports = any(child.dep_ in ("ccomp", "xcomp") for child in verb.children)
        tokens = _statement(verb, skip_subject=reports)
        words = frozenset(t.lemma_.lower() for t in tokens
                          if t is not verb and t.pos_ in CONTENT and t.is_alpha and not t.tag_.startswith("W")
                          and not _is_cue(t))
        # a negation inside what it says, or above it through the verbs it complements: "do not
        # believe he acted alone", "believe he may not have acted alone", "declined to discuss",
        # "decided against pursuing" all deny it; "did not see …, but urged" does not deny the urging
        cues = [t for t in tokens if _is_cue(t)]
        node = verb
        while _negation_reaches(node):
            # "neither admit nor deny": "neither" denies the first, "nor" the second
            shared = [t for t in node.head.children if _is_cue(t) and not (node.dep_ == "conj" and t.dep_ == "preconj")]
            node = node.head
            cues += shared
            if node.lemma_.lower() in NEGATING_VERBS or node.lower_ in NEGATING_PREPOSITIONS:
                cues.append(node)
        cue = min(cues, key=lambda t: t.i) if cues else verb
        said = " ".join(t.text for t in sorted(tokens, key=lambda t: t.i)
                        if t.dep_ not in ("aux", "auxpass") and not _is_cue(t) and not t.is_punct)
        found.append((verb.lemma_.lower(), words, len(cues) % 2 == 1, cue.idx, cue.idx + len(cue.text), said))
    return tuple(found)


def _negation_reaches(node) -> bool:
    """Does a negation of the word above `node` deny `node` too? Through a complement ("do not
    believe he acted"), but not into a question ("do not know whether that means two years"); and
    through coordination that shares the verb's negation ("did not admit or deny"), not past a
    contrast ("did not see the fuss, but urged")."""
    if node.head is node:
        return False
    children = list(node.children)
    if any(c.dep_ == "mark" and c.lower_ in QUESTION_MARKERS for c in children):
        return False
    if node.dep_ == "conj":
        siblings = list(node.head.children)
        return not any(c.dep_ in SUBJECTS or c.dep_ in ("aux", "auxpass") for c in children) and not any(
            c.dep_ == "cc" and c.lower_ in CONTRASTS for c in siblings + children)
    return node.dep_ in COMPLEMENTS


def _is_cue(token) -> bool:
    return token.dep_ == "neg" or token.lower_ in NEGATIONS


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
        # only a pair with a negation in it can deny anything: the others are not parsed
        denying = [any(NEGATION_CUES.search(t) or OTHER_DENIALS.search(t) for t in pair) for pair in pairs]
        parse_all([text for pair, deny in zip(pairs, denying) if deny for text in pair])
        return [self._check(a, b) if deny else None for (a, b), deny in zip(pairs, denying)]

    @staticmethod
    def _check(a: str, b: str) -> Conflict | None:
        best = None
        for lemma_a, words_a, negated_a, start_a, end_a, said_a in statements(a):
            if len(words_a) < MIN_STATEMENT_WORDS:
                continue
            for lemma_b, words_b, negated_b, start_b, end_b, said_b in statements(b):
                if lemma_a != lemma_b or negated_a == negated_b or len(words_b) < MIN_STATEMENT_WORDS:
                    continue
                overlap = len(words_a & words_b) / len(words_a | words_b)
                if overlap >= MIN_STATEMENT_OVERLAP and (best is None or overlap > best.score):
                    best = Conflict("negation", round(overlap, 3), (start_a, end_a), (start_b, end_b),
                                    what=said_b if negated_a else said_a, confidence=round(overlap, 3),
                                    value_a="denies it" if negated_a else "says so",
                                    value_b="denies it" if negated_b else "says so")
        return best
