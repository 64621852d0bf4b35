"""Lists that name every member of a set: "the districts where martial law is imposed are: A, B,
C, ..." / "eight districts: A, B, D, ...". A list after a colon names the whole set, so two
outlets that list one set with different members contradict each other (one names Khlung where
the other names Kaeng Hang Maew); a shorter list that leaves members out does not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .quantities import SMALL

MIN_MEMBERS = 3
MAX_MEMBERS = 30
# two spellings of one name ("Mueang Chanthaburi" / "Muang Chanthaburi") are one member
SAME_NAME_RATIO = 0.85
# "A, B, C and D in Trat province": a member is the run of capitalised words its piece begins with
NAME_RUN = re.compile(r"(?:[A-Z][\w'’.-]*)(?:\s+(?:[A-Z][\w'’.-]*|\d[\w.-]*|of|de|la|del|al|el))*")
# "Sports teams include: ...", "cities such as: ...": some of the members, not all
PARTIAL = re.compile(r"\b(?:includ\w*|among|such as|like|e\.g\.|for example|for instance|notably|especially)\W*$", re.I)
LIST_HINT = re.compile(r":\s*[A-Z][^:]*(?:,|\band\b)")
MEMBERS = "members"  # the kind of fact a full list is
SEPARATOR = ", "  # between the members in a fact's value_text (a member holds no comma: lists are split on them)


@dataclass(frozen=True)
class MemberList:
    noun: str  # lemma of the set's noun ("district")
    noun_text: str  # as written ("districts")
    members: tuple[str, ...]
    start: int  # where the list begins in the sentence
    end: int


def member_list(doc) -> MemberList | None:
    """The list a parsed sentence gives after a colon, of the set its plural noun names (the one
    counted, "eight districts:", or the subject, "the districts ... are:"), or None. A stated
    count must be the list's length."""
    colon = next((t for t in doc if t.text == ":"), None)
    if colon is None or not LIST_HINT.search(doc.text[colon.idx:]) or PARTIAL.search(doc.text[:colon.idx]):
        return None
    members = _members(doc.text[colon.idx + 1:])
    if members is None:
        return None
    nouns = [t for t in doc[:colon.i] if t.pos_ == "NOUN" and t.tag_ == "NNS"]
    counted = [(t, c) for t in nouns for c in t.children if c.dep_ == "nummod"]
    if counted:
        noun, number = counted[-1]
        value = _value(number.text)
        if value is not None and value != len(members):
            return None
    else:
        noun = next((t for t in reversed(nouns) if t.dep_ in ("nsubj", "nsubjpass")), None)
        if noun is None:
            return None
    start = colon.idx + 1 + (len(doc.text[colon.idx + 1:]) - len(doc.text[colon.idx + 1:].lstrip()))
    return MemberList(noun.lemma_.lower(), noun.text, members, start, len(doc.text.rstrip(". ")))


def _members(segment: str) -> tuple[str, ...] | None:
    pieces = [p for part in segment.strip().rstrip(".").split(",") for p in re.split(r"\s+(?:and|or)\s+|^(?:and|or)\s+", part.strip())]
    members = []
    for piece in (p.strip() for p in pieces):
        if not piece:
            continue
        run = NAME_RUN.match(piece)
        if run is None:
            return None  # a piece that names no one: not a list of names
        members.append(run.group().strip())
    if not MIN_MEMBERS <= len(members) <= MAX_MEMBERS:
        return None
    return tuple(members)


def _value(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return SMALL.get(word.lower())


def members_of(value_text: str) -> tuple[str, ...]:
    return tuple(value_text.split(SEPARATOR))


def same_member(x: str, y: str) -> bool:
    x, y = x.lower(), y.lower()
    return x == y or SequenceMatcher(None, x, y).ratio() >= SAME_NAME_RATIO


def unmatched(members: tuple[str, ...], others: tuple[str, ...]) -> list[str]:
    return [m for m in members if not any(same_member(m, o) for o in others)]


def lists_of_one_set(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two lists of one set share at least half the shorter one's members (and two at least)."""
    shared = len(a) - len(unmatched(a, b))
    return shared >= max(2, (min(len(a), len(b)) + 1) // 2)


def differing_members(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[list[str], list[str]] | None:
    """The members each list names and the other does not, when each names one the other lacks."""
    only_a, only_b = unmatched(a, b), unmatched(b, a)
    return (only_a, only_b) if only_a and only_b else None
