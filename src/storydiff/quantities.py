"""Quantities in a sentence: value interval, unit and where they sit in the text.

"at least three boats" -> [3, inf) boats; "about seven minutes" -> [6.65, 7.35] minutes;
"two dozen staff" -> [24, 24] staff; "€88 million" -> [8.75e7, 8.85e7] euro (the rounding of its
last digit); "US$600 billion" -> dollars, "NZ$1.05 trillion" -> "nz dollar" (never the same);
"a third term" -> [3, 3] of the unit "ordinal term" (never the same thing as "three terms");
"October 19" / "19 October" -> the day as a number, unit "date" (years alone are ignored).
"12 people were killed" / "killing 12 people" -> 12 people, outcome "dead": a count of people
killed is not a count of people injured.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from dataclasses import dataclass

SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "a dozen": 12, "dozen": 12, "half a dozen": 6,
}
SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6, "bn": 1e9, "b": 1e9}
CURRENCY_SYMBOL = {"$": "dollar", "€": "euro", "£": "pound"}
CURRENCY_WORD = {"dollar": "dollar", "euro": "euro", "pound": "pound", "usd": "dollar", "eur": "euro"}
# "about 4,000" and a round "$600bn" cover this share of their value either way, "nearly 2,000"
# this share below it (the editors' rule on the development stories: "$600bn" vs "$589 billion"
# and "almost 800" vs 767 are rounding, "about 4,000" vs "about 4,800" and "1,800" vs "nearly
# 2,000" are different figures).
ROUND_FIGURE_SHARE = 0.05
# qualifier -> how it turns a value v into an interval
QUALIFIERS = {
    "at least": "min", "more than": "above", "over": "above", "upwards of": "min", "in excess of": "above",
    "at most": "max", "up to": "max", "no more than": "max", "fewer than": "below",
    "less than": "below", "under": "below", "nearly": "near_below", "almost": "near_below",
    "just under": "near_below", "about": "approx", "around": "approx", "approximately": "approx",
    "roughly": "approx", "some": "approx", "an estimated": "approx", "estimated": "approx",
    "close to": "near_below", "just over": "near_above",
}
ADMIN_AREAS = {"province", "district", "county", "region", "prefecture", "municipality", "governorate",
               "department", "canton", "oblast", "subdistrict", "village", "town", "city", "state"}
# "eight of the bordering districts": a share of a set of places is a count of those places
PLACES_OF = re.compile(r"\s+of\s+the\s+(?:[a-z-]+\s+)?(?P<area>[a-z]+)\b", re.IGNORECASE)

STOP = {
    "of", "the", "a", "an", "and", "or", "to", "in", "on", "at", "for", "from", "by", "with",
    "more", "than", "other", "them", "their", "its", "his", "her", "were", "was", "are", "is",
    "had", "have", "has", "who", "that", "which", "as", "times", "such", "new", "this",
}

# What happened to the things counted, where the sentence says it next to the count. Two counts
# of the same unit with different outcomes are different facts; synonyms share an outcome.
OUTCOMES = {
    "killed": "dead", "killing": "dead", "dead": "dead", "died": "dead", "perished": "dead",
    "injured": "injured", "injuring": "injured", "wounded": "injured", "wounding": "injured", "hurt": "injured",
    "missing": "missing", "unaccounted": "missing",
    "arrested": "arrested", "arresting": "arrested", "detained": "arrested", "detaining": "arrested",
    "released": "released", "freed": "released",
    "evacuated": "evacuated", "evacuating": "evacuated", "displaced": "displaced",
    "rescued": "rescued", "rescuing": "rescued",
    "hospitalised": "hospitalised", "hospitalized": "hospitalised",
    "destroyed": "destroyed", "destroying": "destroyed", "damaged": "damaged", "damaging": "damaged",
    "charged": "charged", "convicted": "convicted",
}
# Words between a count and its outcome: "12 people were reportedly killed", "are feared dead".
OUTCOME_GAP = {
    "were", "was", "are", "is", "be", "been", "being", "have", "has", "had", "to", "reportedly",
    "also", "later", "now", "still", "all", "confirmed", "believed", "feared", "thought", "said",
}

_word_numbers = "|".join(sorted((re.escape(w) for w in SMALL), key=len, reverse=True))
_qualifiers = "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True))
QUANTITY = re.compile(
    rf"""(?<![\w.,:](?!(?<=US|NZ|HK|AU|CA)))
    (?:(?P<qual>{_qualifiers})\s+)?
    (?P<currency>(?:US|A|AU|C|CA|HK|NZ|S)?[$€£])?\s?
    (?:
        (?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)
      | (?P<words>(?:(?:{_word_numbers})[\s-]){{0,1}}(?:{_word_numbers}))
    )
    (?:\s?(?P<scale>thousand|million|billion|trillion|bn|m|b)\b)?
    (?P<percent>\s?%|\s+per\s?cent\b)?
    (?![\w:])""",
    re.IGNORECASE | re.VERBOSE,
)
FOLLOWING_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}
ORDINAL = re.compile(
    r"\b(?:(?P<word>" + "|".join(ORDINAL_WORDS) + r")|(?P<digits>\d{1,3})(?:st|nd|rd|th))\b[\s-]+(?=[A-Za-z])",
    re.IGNORECASE,
)
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
_months = "|".join(m.capitalize() for m in MONTHS)
DATE = re.compile(
    rf"\b(?:(?P<month>{_months})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>{_months}))\b"
)

# A figure said with a verb: "more than doubled the previous record" is a multiple above 2.
MULTIPLES = {"doubl": 2.0, "tripl": 3.0, "quadrupl": 4.0, "halv": 0.5}
MULTIPLE = re.compile(rf"\b(?:(?P<qual>{_qualifiers})\s+)?(?P<verb>{'|'.join(MULTIPLES)})(?:e|ed|es|ing)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    low: float
    high: float
    unit: frozenset[str]  # a currency, "percent", or the nouns that follow the number
    start: int
    end: int
    outcome: str | None = None  # what happened to what is counted (OUTCOMES), when the text says


def extract_quantities(text: str) -> list[Quantity]:
    """Quantities of a sentence with their units and spans; remembered, since a sentence is
    compared with many others."""
    return list(_quantities(text))


# "2.51pm", "3 p.m.": a time of day (clock_times.py), not a count of anything
CLOCK_TIME = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?\s?m\b\.?", re.I)


@lru_cache(maxsize=100_000)
def _quantities(text: str) -> tuple[Quantity, ...]:
    found = _dates(text)
    clock = [m.span() for m in CLOCK_TIME.finditer(text)]
    taken = [(q.start, q.end) for q in found] + clock
    found += [q for q in _ordinals(text) if not _inside(q, taken)]
    found += _multiples(text)
    taken = [(q.start, q.end) for q in found] + clock
    for match in QUANTITY.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        value = _value(match)
        if value is None:
            continue
        raw = match.group("digits")
        is_year = raw and re.fullmatch(r"1[89]\d\d|20\d\d", raw) and not match.group("currency")
        if is_year:
            continue
        unit, unit_end = _unit(match, text)
        if not unit:
            continue
        low, high = _interval(value, match.group("qual"), _rounding(match, value))
        found.append(Quantity(low, high, unit, match.start(), match.end(), _outcome(text, match.start(), unit_end, unit)))
    return tuple(found)


def _inside(quantity: Quantity, spans: list[tuple[int, int]]) -> bool:
    return any(start <= quantity.start < end for start, end in spans)


def _dates(text: str) -> list[Quantity]:
    found = []
    for match in DATE.finditer(text):
        month = MONTHS.index((match.group("month") or match.group("month2")).lower()) + 1
        day = int(match.group("day") or match.group("day2"))
        if 1 <= day <= 31:
            value = float(month * 100 + day)
            found.append(Quantity(value, value, frozenset({"date"}), match.start(), match.end()))
    return found


def _multiples(text: str) -> list[Quantity]:
    """"Nearly doubled", "more than tripled": a multiple of what came before, unit "times"."""
    found = []
    for match in MULTIPLE.finditer(text):
        low, high = _interval(MULTIPLES[match.group("verb").lower()], match.group("qual"))
        found.append(Quantity(low, high, frozenset({"times"}), match.start(), match.end()))
    return found


def _ordinals(text: str) -> list[Quantity]:
    found = []
    for match in ORDINAL.finditer(text):
        value = ORDINAL_WORDS.get((match.group("word") or "").lower()) or int(match.group("digits") or 0)
        nouns = []
        for word in FOLLOWING_WORD.finditer(text, match.end(), min(len(text), match.end() + 30)):
            token = word.group().lower().rstrip("s")
            if token in STOP:
                break
            nouns.append("ordinal " + token)
            if len(nouns) == 2:
                break
        if value and nouns:
            end = match.start() + len(match.group().rstrip(" -"))
            found.append(Quantity(float(value), float(value), frozenset(nouns), match.start(), end))
    return found


def _value(match: re.Match) -> float | None:
    if match.group("digits"):
        value = float(match.group("digits").replace(",", ""))
    else:
        parts = re.split(r"[\s-]+", match.group("words").lower())
        words = match.group("words").lower().replace("-", " ")
        if words in SMALL:
            value = float(SMALL[words])
        elif len(parts) == 2 and parts[1] in ("dozen", "hundred") and parts[0] in SMALL:
            value = float(SMALL[parts[0]] * SMALL[parts[1]])
        elif len(parts) == 2 and parts[0] in SMALL and parts[1] in SMALL and SMALL[parts[1]] < 10:
            value = float(SMALL[parts[0]] + SMALL[parts[1]])  # twenty-four
        else:
            return None
    scale = match.group("scale")
    if scale:
        value *= SCALE[scale.lower()]
    return value


def _unit(match: re.Match, text: str) -> tuple[frozenset[str], int]:
    """The unit, and where its words end."""
    if match.group("percent"):
        return frozenset({"percent"}), match.end()
    if match.group("currency"):
        currency = match.group("currency")
        country = currency[:-1].upper()
        # US$ is the dollar; NZ$, HK$... are other currencies, never compared with it
        name = CURRENCY_SYMBOL[currency[-1]] if country in ("", "US") else f"{country.lower()} dollar"
        return frozenset({name}), match.end()
    places = PLACES_OF.match(text, match.end())
    area = _singular(places.group("area").lower()) if places else ""
    if area in ADMIN_AREAS:
        return frozenset({area}), places.end()
    words, end = [], match.end()
    for word in FOLLOWING_WORD.finditer(text, match.end(), min(len(text), match.end() + 40)):
        token = word.group().lower().rstrip("s")
        if token in CURRENCY_WORD:
            return frozenset({CURRENCY_WORD[token]}), word.end()
        if token in STOP or not token:
            break  # "one of the thieves" counts no thieves
        words.append(token)
        end = word.end()
        if len(words) == 2:
            break
    return frozenset(words), end


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def _outcome(text: str, start: int, unit_end: int, unit: frozenset[str]) -> str | None:
    """"40 injured", "40 people were (reportedly) injured", else "injuring 40 people"."""
    for token in unit:
        if token in OUTCOMES:
            return OUTCOMES[token]
    for word in FOLLOWING_WORD.finditer(text, unit_end, min(len(text), unit_end + 60)):
        if text[unit_end:word.start()].strip(" "):
            break  # punctuation ends the clause
        token = word.group().lower()
        if token in OUTCOMES:
            return OUTCOMES[token]
        if token not in OUTCOME_GAP:
            break
        unit_end = word.end()
    before = re.search(r"([A-Za-z]+)\s+$", text[max(0, start - 30):start])
    return OUTCOMES.get(before.group(1).lower()) if before else None


def _rounding(match: re.Match, value: float) -> float:
    """How far a figure may be from what it states: half a unit of its last digit where it gives
    decimals or a unit of its own ("16.97%" is 16.965 to 16.975, "$21bn" $20.5bn to $21.5bn), 5 %
    for a round figure ("$600bn" covers $589bn, "4,000" does not reach 4,800). Counts with fewer
    than two trailing zeros ("19 people", "20 fatalities", "260 dead") are exact: a reporter who
    writes 260 means 260."""
    digits = (match.group("digits") or "").replace(",", "")
    if not digits:
        return 0.0
    scale = SCALE[match.group("scale").lower()] if match.group("scale") else 1.0
    if "." in digits:
        # just under half a unit: "$103.7bn" and "$103.6bn" must not meet at 103.65
        return 0.499 * 10.0 ** -len(digits.split(".")[1]) * scale
    trailing_zeros = len(digits) - len(digits.rstrip("0"))
    if digits.strip("0") and (trailing_zeros >= 2 or (trailing_zeros and match.group("scale"))):
        return ROUND_FIGURE_SHARE * value
    if match.group("scale") or match.group("percent") or match.group("currency"):
        return 0.499 * scale
    return 0.0


def _interval(value: float, qualifier: str | None, rounding: float = 0.0) -> tuple[float, float]:
    rule = QUALIFIERS.get((qualifier or "").lower())
    if rule == "approx":
        slack = max(rounding, ROUND_FIGURE_SHARE * value)
        return value - slack, value + slack
    if rule == "near_below":  # "almost 800" is under 800 (767 is almost 800; 1,800 is not nearly 2,000)
        return value * (1 - ROUND_FIGURE_SHARE), value
    if rule == "near_above":
        return value, value * (1 + ROUND_FIGURE_SHARE)
    if rule is None:
        return value - rounding, value + rounding
    if rule == "min":
        return value, math.inf
    if rule == "above":
        return math.nextafter(value, math.inf), math.inf
    if rule == "max":
        return 0.0, value
    if rule == "below":
        return 0.0, math.nextafter(value, -math.inf)
    return value, value
