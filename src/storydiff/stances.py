"""Where a party stands on talks or a ceasefire: "Bangkok has rejected third-party mediation" /
"Bangkok was open to talks, possibly aided by Malaysia".

Conflict and diplomacy coverage states a side's stance in sentences about other things, and the
two tellings share no verb, so each stance is a status fact (kind 'status', unit "stance on
talks" or "stance on a ceasefire") that fact_links.py sets against every other article's: the
same named party open to talks in one and rejecting them in another contradict, when the two
reports are at most a day apart (later, it is a change of mind: an update).

A stance is read from the parse: a verb of rejecting (reject, refuse, decline, rebuff, dismiss,
spurn) or of accepting (accept, agree to, welcome, back, endorse, embrace) whose object speaks of talks
(talks, mediation, negotiations, dialogue: "proposals ... to facilitate negotiations") or of a
ceasefire (ceasefire, truce), or "open to" talks; a negation on the verb or its copula turns it
round ("was not open to talks"). Its subject must name the party ("Bangkok", "Thailand"): "it
rejected talks" could be either side, and says nothing here.
"""

from __future__ import annotations

import re

STANCES = ("open to it", "rejects it")
TALKS, CEASEFIRE = "stance on talks", "stance on a ceasefire"
# each unit and what it is a stance on, as the figures table names it
STANCE_UNITS = {TALKS: "the talks", CEASEFIRE: "a ceasefire"}
TOPICS = {
    **dict.fromkeys(("talk", "talks", "mediation", "negotiation", "negotiations", "dialogue", "mediator"), TALKS),
    **dict.fromkeys(("ceasefire", "truce", "armistice"), CEASEFIRE),
}
REJECTING = {"reject", "refuse", "decline", "rebuff", "dismiss", "spurn"}
ACCEPTING = {"accept", "agree", "welcome", "back", "endorse", "embrace"}
# a quick look before parsing: only sentences with one of these words can state a stance
STANCE_HINT = re.compile(r"\b(?:talks?|mediat\w*|negotiat\w*|dialogue|ceasefire|cease-fire|truce|armistice)\b", re.I)
# how far apart two reports of one stance may be and still tell one moment
SAME_MOMENT_DAYS = 1


def stance_claims(doc) -> list[tuple[int, str, object, int, int]]:
    """(index in STANCES, unit, the subject token, start, end of the verb) for each stance a
    parsed sentence states of a subject."""
    found = []
    for token in doc:
        stance = _stance_of(token)
        if stance is None:
            continue
        value, topic_unit, holder = stance
        subject = next((c for c in holder.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None and holder.dep_ in ("xcomp", "ccomp", "conj") and holder.head is not holder:
            subject = next((c for c in holder.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            found.append((value, topic_unit, subject, token.idx, token.idx + len(token.text)))
    return found


def _stance_of(token):
    """(value, unit, the token whose subject holds the stance) a word states, or None."""
    lemma = token.lemma_.lower()
    if token.pos_ == "ADJ" and lemma == "open":  # "Bangkok was open to talks"
        topic = _topic(c for prep in token.children if prep.dep_ == "prep" and prep.lower_ == "to"
                       for c in prep.subtree)
        holder = token.head if token.dep_ in ("acomp", "attr") else token
        return (_denied(0, token, holder), topic, holder) if topic else None
    if token.pos_ != "VERB" or lemma not in REJECTING | ACCEPTING:
        return None
    objects = [t for child in token.children
               if child.dep_ in ("dobj", "xcomp") or (child.dep_ == "prep" and child.lower_ in ("to", "on"))
               for t in child.subtree]
    topic = _topic(objects)
    if not topic:
        return None
    return _denied(1 if lemma in REJECTING else 0, token), topic, token


def _topic(tokens) -> str:
    return next((TOPICS[t.lemma_.lower()] for t in tokens if t.lemma_.lower() in TOPICS), "")


def _denied(value: int, *tokens) -> int:
    """The value, turned round when a negation sits on the word or its copula."""
    negated = any(child.dep_ == "neg" for token in tokens for child in token.children)
    return 1 - value if negated else value
