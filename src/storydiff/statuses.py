"""What became of a scheduled event (postponed, cancelled or held as planned), of a named person
(killed or injured), and what the people arrested are suspected of (murder, manslaughter...).

Outlets contradict each other on this as plainly as on a figure ("the game has been postponed"
/ "it had to be cancelled" / "organisers decided to proceed with the event"), and the sentences
are rarely each other's best match, so a status is a fact (kind 'status') that fact_links.py
aligns across every pair of articles like a figure: two statuses of one event agree when they
are the same, and contradict otherwise.

An event is what the status verb is said of: the passive subject or the object ("officials
postponed the Sugar Bowl"), "proceed with" its object, or the subject a "had to be cancelled"
inherits. Named events ("the Sugar Bowl") are keyed by their names; "the game", "the match",
"the event" and "it" stand for the event the story is about and meet any named one; another
scheduled happening ("the parade") is met only by the same noun; anything else ("flights were
cancelled") states no status: such things are delayed and cancelled in part.

A named person killed in one report and injured in another of the same day is a contradiction
too (a person's fate comes from the parse, or from a list of the dead or injured that names each
with an age), and so are two charges for the same number of arrests.
"""

from __future__ import annotations

import re

STATUSES = ("postponed", "cancelled", "went ahead")
STATUS_VERBS = {
    **{verb: "postponed" for verb in ("postpone", "delay", "reschedule", "defer")},
    **{verb: "cancelled" for verb in ("cancel", "scrap", "scrub", "axe", "abandon")},
    "proceed": "went ahead",
}
PHRASAL = {("call", "off"): "cancelled", ("go", "ahead"): "went ahead", ("push", "back"): "postponed"}
GENERIC_EVENTS = {"game", "match", "event", "it", "contest", "fixture"}
SCHEDULED = {"parade", "concert", "festival", "ceremony", "summit", "meeting", "talk", "vote", "election", "race",
             "tournament", "show", "conference", "hearing", "trial", "visit", "celebration", "march", "rally",
             "service", "vigil", "launch", "final", "season"}
# a quick look before parsing: only sentences with one of these words can state a status
STATUS_HINT = re.compile(
    r"\b(postpon\w*|delay\w*|reschedul\w*|defer\w*|cancel\w*|scrap\w*|scrub\w*|ax(?:e|ed|es)|abandon\w*|"
    r"proceed\w*|call\w*(?: \w+)? off|go(?:es|ing)? ahead|went ahead|push\w* back|held|"  # events
    r"kill\w*|die[sd]?|injur\w*|wound\w*|hurt|among|"  # people
    r"suspicion of|charged with|charges? of)\b", re.I)  # arrests


def status_of(token) -> str | None:
    """The status a verb states, or None ("was not postponed" states none)."""
    if token.pos_ != "VERB":
        return None
    lemma = token.lemma_.lower()
    status = STATUS_VERBS.get(lemma)
    for child in token.children:
        if child.dep_ in ("prt", "advmod") and (lemma, child.lower_) in PHRASAL:
            status = PHRASAL[(lemma, child.lower_)]
    if lemma == "hold" and any(child.dep_ == "nsubjpass" for child in token.children):
        status = "went ahead"  # "the game was held"
    if status is None or _negated(token):
        return None
    return status


def event_of(verb):
    """The token naming what the status is said of, or None."""
    for deps in (("nsubjpass",), ("dobj",)):
        for child in verb.children:
            if child.dep_ in deps:
                return child
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "with":  # "proceed with the event"
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
    if verb.dep_ in ("xcomp", "ccomp") and verb.head is not verb:
        return event_of(verb.head)  # "it had to be cancelled": the subject of "had"
    return None


def event_unit(event) -> str | None:
    """The unit a status fact is filed under: 'event' for the story's event (a name, or "the
    game", "it"), 'status of <noun>' for another kind of scheduled happening ("the parade");
    None for anything else: flights, trains and classes are delayed and cancelled in part, so
    two outlets may both be right."""
    noun = event.lemma_.lower()
    if event.pos_ == "PROPN" or noun in GENERIC_EVENTS:
        return "event"
    if noun in SCHEDULED:
        return f"status of {noun}"
    return None


def _negated(token) -> bool:
    heads = [token, token.head] if token.dep_ in ("xcomp", "ccomp") else [token]
    return any(child.dep_ == "neg" for head in heads for child in head.children)


# What the arrested are suspected of or charged with: outlets that give the same number of
# arrests with two charges contradict each other ("three arrested on suspicion of manslaughter"
# / "three executives arrested on suspicion of murder"); with another number they may be other
# arrests (eight held by the anti-graft agency), so the number is part of the unit.
CHARGES = ("murder", "manslaughter", "homicide", "terrorism", "arson", "corruption", "fraud", "bribery", "assault",
           "negligence", "kidnapping", "robbery", "theft", "rape")
CHARGE = re.compile(r"\b(?:suspicion of|charged with|charges? of)\s+(?:\w+\s+){0,2}?(" + "|".join(CHARGES) + r")\b", re.I)


def charge_of(text: str) -> tuple[str, int, int] | None:
    """The charge a sentence states and its span, or None."""
    match = CHARGE.search(text)
    return (match.group(1).lower(), match.start(1), match.end(1)) if match else None


# What became of a named person: "Nikyra was killed" / "among the injured is Nikyra Dedeaux".
# Injured in an earlier report and dead in a later one is an update (fact_links.py).
FATES = ("dead", "injured")
FATE_VERBS = {"kill": "dead", "die": "dead", "injure": "injured", "wound": "injured", "hurt": "injured"}
FATE_GROUPS = {"dead": "dead", "killed": "dead", "injured": "injured", "wounded": "injured", "hurt": "injured"}
PERSON_UNIT = "fate of a person"


# A list of the dead or injured, each named with an age: "Also confirmed dead were Nicole Perez,
# 27, of Metairie; ... and Nikyra Dedeaux, 18, of Gulfport" (a parse of such lists goes astray).
LISTED_FATE = re.compile(r"\b(?:(dead|killed)|(injured|wounded))\s+(?:were|are|include[sd]?)\b"
                         r"|\bthose\s+(?:(killed|who died)|(injured|wounded))\s+(?:were|are|include[sd]?)\b", re.I)
_NAME_WORD = r"(?:[A-Z][\w'’-]+|[“\"][A-Z][\w'’-]+[”\"])"
NAMED_WITH_AGE = re.compile(rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}),\s+\d{{1,3}}\b")


def listed_fates(text: str) -> list[tuple[str, str, int, int]]:
    """(fate, name, start, end) for each person a list of the dead or injured names with an age."""
    cue = LISTED_FATE.search(text)
    if cue is None:
        return []
    fate = "dead" if cue.group(1) or cue.group(3) else "injured"
    return [(fate, match.group(1), match.start(1), match.end(1)) for match in NAMED_WITH_AGE.finditer(text, cue.end())]


def fate_of(token) -> tuple[str, list] | None:
    """(fate, subject tokens) a verb states of someone: "X was killed", "X died", "among the
    injured is X"; None otherwise (or when denied)."""
    if _negated(token):
        return None
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB" and lemma in FATE_VERBS:
        deps = ("nsubj",) if lemma == "die" else ("nsubjpass",)
        subjects = [child for child in token.children if child.dep_ in deps]
        if not subjects and token.dep_ == "conj":  # "was injured and later died": the first verb's subject
            subjects = [child for child in token.head.children if child.dep_ in ("nsubj", "nsubjpass")]
        return (FATE_VERBS[lemma], subjects) if subjects else None
    if lemma == "be":
        group = next((obj.lower_ for prep in token.children if prep.dep_ == "prep" and prep.lower_ == "among"
                      for obj in prep.children if obj.dep_ == "pobj" and obj.lower_ in FATE_GROUPS), None)
        subjects = [child for child in token.children if child.dep_ in ("nsubj", "attr")]
        return (FATE_GROUPS[group], subjects) if group and subjects else None
    return None
