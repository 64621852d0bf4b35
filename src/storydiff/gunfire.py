"""Counts of people shot, read beside the count of the hurt they are part of.

"Two officers were injured, one by gunfire and another when struck by the truck" and "he shot
and hurt two police officers" agree on the officers hurt (two) and disagree on the officers shot
(one against two). The fact layer keeps each count of the injured as it is and adds, where the
sentence says gunfire hurt them, a count of the same people with the role "shot":

- the count's own phrase: "officers who were shot", "wounded by gunfire";
- the verb its verb hangs from: "fired at officers, injuring two", "opened fire, wounding two",
  "shot and hurt two officers";
- a breakdown after a dash or colon: "two officers were injured: one by gunfire", "two officers
  were hurt: one was shot".

What shot the attacker ("before being fatally shot") is not what hurt the count: only the count's
own verb and the verbs above it are read, never a clause below them.
"""

from __future__ import annotations

from dataclasses import replace

from .quantities import SMALL

SHOT = "shot"
SHOOTING_VERBS = {"shoot", "fire", "gun"}  # "fired at the officers, injuring two"
GUNFIRE_NOUNS = {"gunfire", "gunshot", "bullet", "shooting", "shot"}  # "by gunfire"
# "opened fire", "returned fire"; a fire alone is a blaze ("five were injured by fire")
OPEN_FIRE_VERBS = {"open", "return", "exchange"}
# links from a verb to the verb it hangs from that keep one happening: "shot and hurt",
# "opened fire, wounding"
SAME_HAPPENING = {"conj", "advcl", "xcomp"}
HURT = "injured"
BREAKDOWN_MARKS = {"—", "–", ":", ",", "-"}


def shot_facts(doc, facts: list) -> list:
    """Counts with the role "shot" for the counts of the injured in `facts` (facts.Fact, of the
    parsed sentence `doc`) that gunfire hurt, and for the parts of one told by cause."""
    out = []
    for fact in facts:
        if fact.kind != "count" or fact.role != HURT:
            continue
        span = doc.char_span(fact.start, fact.end, alignment_mode="expand")
        if span is None:
            continue
        if _hurt_by_gunfire(span.root):
            out.append(replace(fact, role=SHOT))
        out += _parts_shot(doc, fact, span)
    return out


def _hurt_by_gunfire(number) -> bool:
    noun = number.head if number.dep_ == "nummod" else number
    if any(child.dep_ in ("relcl", "acl") and child.lemma_.lower() in SHOOTING_VERBS for child in noun.children):
        return True  # "two police officers who were shot"
    verb = noun.head
    for _ in range(3):
        # "the sniper shot and injured five": the parser may take "shot" for a noun
        if verb.lemma_.lower() in SHOOTING_VERBS or verb.lower_ == "shot" or _says_gunfire(verb):
            return True
        if verb.pos_ not in ("VERB", "AUX"):
            return False
        if verb.dep_ not in SAME_HAPPENING or verb.head is verb:
            return False
        verb = verb.head
    return False


def _says_gunfire(verb) -> bool:
    """"opened fire", "wounded by gunfire": the verb's object or agent is gunfire."""
    for child in verb.children:
        if child.dep_ == "dobj" and (child.lemma_.lower() in GUNFIRE_NOUNS or (
                child.lemma_.lower() == "fire" and verb.lemma_.lower() in OPEN_FIRE_VERBS)):
            return True
        if child.dep_ in ("agent", "prep") and child.lower_ == "by":
            if any(obj.lemma_.lower() in GUNFIRE_NOUNS for obj in child.children if obj.dep_ == "pobj"):
                return True
    return False


def _parts_shot(doc, total, span) -> list:
    """"Two officers were injured — one by gunfire and another when struck by the truck": the
    part after the mark that gunfire hurt, as a count of the total's people."""
    parts = []
    noun = span.root.head if span.root.dep_ == "nummod" else span.root
    after = [t for t in doc[span.end:] if t.i > span.end and doc[t.i - 1].text in BREAKDOWN_MARKS]
    for token in after:
        # "injured — one by gunfire" hangs the part on the verb, "hurt: one by gunfire" on the noun
        if not (token.like_num and (token.head in (noun, noun.head) or token.head.lemma_.lower() in SHOOTING_VERBS)):
            continue
        value = _number_value(token.lower_)
        if value is None or value >= total.low:
            continue
        told_shot = token.dep_ in ("nsubj", "nsubjpass") and token.head.lemma_.lower() in SHOOTING_VERBS
        if told_shot or _says_gunfire(token):
            parts.append(replace(total, low=value, high=value, role=SHOT, value_text=token.text,
                                 start=token.idx, end=token.idx + len(token.text)))
    return parts


def _number_value(word: str) -> float | None:
    if word.isdigit():
        return float(word)
    value = SMALL.get(word)
    return float(value) if value is not None else None
