"""Whether the attacker acted alone: a status outlets contradict in other words than each other's.

"Authorities believe Jabbar acted alone" / "Federal agents do not think Jabbar was solely
responsible" / "The attack was described as coordinated and involving multiple actors": the
polarity rule sets a statement against its own denial only ("do not believe Jabbar acted
alone"), and the NLI model never sees sentences this far apart. So each sentence that says how
many took part yields a status fact (kind 'status', unit LONE_ACTOR) that fact_links.py sets
against every other article's, as it does what became of an event: acted alone, or not.

A sentence says so through a statement of the parse (polarity.statements): acting alone, a lone
or sole attacker, being solely responsible, or several or multiple attackers taking part (other
attackers only when denied: "no other attackers were involved"), each denied or not by the
negations reaching it ("may not have acted alone" denies it); failing a statement (a copula has
none: "the gunman was a lone wolf"), a lone or sole attacker named in the text, denied by a
negation just before it. Talk of
accomplices alone says nothing certain ("initial reports suggested the possibility of
accomplices, officials now believe he acted alone"), and neither does a sentence that says both.
"""

from __future__ import annotations

import re

LONE_ACTOR = "whether the attacker acted alone"
LONE_ACTORS = ("acted alone", "not alone")
# not suspects: several may be arrested for one attacker's deed
PERPETRATORS = {"actor", "attacker", "assailant", "perpetrator", "gunman", "shooter", "culprit", "bomber"}
SEVERAL = {"multiple", "several", "many"}
ACTING = {"act", "work", "operate", "carry"}
# "no other attackers were involved" says he acted alone; "other attackers can now exploit the
# flaw" says nothing of who took part (the one false reading in 1,383 news articles)
OTHERS_DENIED = 2
# a quick look before parsing: only sentences with one of these words can say it
LONE_ACTOR_HINT = re.compile(r"\b(?:alone|lone|sole|solely)\b|\b(?:multiple|several|other|many)\s+(?:\w+\s+)?(?:actors?|"
                             r"attackers?|assailants?|perpetrators?|gunm[ae]n|shooters?|culprits?|bombers?)\b", re.I)


def _says(words: frozenset[str]) -> int | None:
    """0 when a statement (its verb's and content words' lemmas) says the attacker acted alone, 1 when it
    says others took part, OTHERS_DENIED for other attackers (which says something only denied),
    None when it says neither."""
    if "alone" in words and words & ACTING:
        return 0
    if {"solely", "responsible"} <= words or (words & {"lone", "sole"} and words & PERPETRATORS):
        return 0
    if words & SEVERAL and words & PERPETRATORS:
        return 1
    if "other" in words and words & PERPETRATORS:
        return OTHERS_DENIED
    return None


# "a lone wolf", "the sole attacker" said without a verb of their own ("the gunman was a lone
# wolf": the parse gives no statement for a copula), denied by a negation a few words before
LONE_PHRASE = re.compile(r"\b(?:lone[- ]wolf|lone\s+(?:actor|attacker|assailant|perpetrator|gunman|shooter|bomber)|"
                         r"sole\s+(?:perpetrator|attacker|assailant|gunman|shooter|culprit|bomber))\b", re.I)
DENIED_BEFORE = re.compile(r"\b(?:not|never|no)\b|n['’]t\b", re.I)
DENIAL_REACH = 40  # characters before the phrase


def lone_actor_claim(statements, text: str) -> tuple[int, frozenset[str], int, int] | None:
    """(index in LONE_ACTORS, the statement's words, start, end of its cue or verb) of what a
    sentence's statements (polarity.statements) say of the attacker acting alone, or failing
    them its `text` (LONE_PHRASE); None when they say nothing of it, or both."""
    claim = _claim_of_statements(statements)
    if claim is not None:
        return claim
    phrases = list(LONE_PHRASE.finditer(text))
    if len(phrases) != 1:
        return None
    match = phrases[0]
    denied = bool(DENIED_BEFORE.search(text[max(0, match.start() - DENIAL_REACH):match.start()]))
    return int(denied), frozenset(match.group().lower().replace("-", " ").split()), match.start(), match.end()


def _claim_of_statements(statements) -> tuple[int, frozenset[str], int, int] | None:
    said = []
    for verb, words, negated, start, end, _text in statements:
        words = words | {verb}
        value = _says(words)
        if value == OTHERS_DENIED:
            value = 0 if negated else None
        elif value is not None:
            value ^= negated
        if value is not None:
            said.append((value, words, start, end))
    # a statement holds those it complements ("believe Jabbar acted alone" holds "Jabbar acted
    # alone") and the negations that reach them: the innermost ones say it
    innermost = [s for s in said if not any(other[1] < s[1] for other in said)]
    if not innermost or len({value for value, *_ in innermost}) > 1:
        return None
    return innermost[0]
