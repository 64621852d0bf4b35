"""The day a happening began, told by counting its days: "July 26 — the two armies clashed for a
third day" says the fighting began on July 24, which another outlet may date June 24.

A sentence that counts the days of a happening and gives a date yields a `date` fact of the day it
began (role 'happened', verb 'begin'), marked DAY_COUNT so that it is set only against other days
a happening began (fact_links.py): "a third day on July 26" says nothing of the day it escalated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from .facts import Fact

DAY_COUNT = "the day it began"
# Stems of the verbs that say a happening began, in the languages read without a parse
# (facts_multilingual.py), as facts.py's "start", "begin", "erupt", "break out" do in English.
BEGAN = ("comenz", "empez", "inici", "estall", "começ", "eclod", "début", "commenc", "éclat", "begann",
         "begonnen", "beginn", "brach", "ausgebrochen")

# without a year said, a non-leap year: February has 28 days
YEAR_UNSAID = 2001

ORDINALS = {
    "en": {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
           "ninth": 9, "tenth": 10},
    "es": {"primer": 1, "primero": 1, "segundo": 2, "tercer": 3, "tercero": 3, "cuarto": 4, "quinto": 5,
           "sexto": 6, "séptimo": 7, "octavo": 8, "noveno": 9, "décimo": 10},
    "pt": {"primeiro": 1, "segundo": 2, "terceiro": 3, "quarto": 4, "quinto": 5, "sexto": 6, "sétimo": 7,
           "oitavo": 8, "nono": 9, "décimo": 10},
    "fr": {"premier": 1, "deuxième": 2, "second": 2, "troisième": 3, "quatrième": 4, "cinquième": 5,
           "sixième": 6, "septième": 7, "huitième": 8, "neuvième": 9, "dixième": 10},
    "de": {"ersten": 1, "zweiten": 2, "dritten": 3, "vierten": 4, "fünften": 5, "sechsten": 6, "siebten": 7,
           "achten": 8, "neunten": 9, "zehnten": 10},
}
DAY_WORD = {"en": "day", "es": "día", "pt": "dia", "fr": "jour", "de": "Tag"}
# "for a third straight day", "el tercer día consecutivo", "am dritten Tag in Folge"
IN_A_ROW = {"en": r"(?:(?:straight|consecutive|successive)\s+)?", "es": "", "pt": "", "fr": "", "de": ""}
_PATTERNS: dict[str, re.Pattern] = {}


def says_any(lowered: str, stems: Sequence[str]) -> bool:
    """Does a lower-cased text hold a word beginning with one of the stems?"""
    return any(re.search(rf"(?<!\w){stem}", lowered) for stem in stems)


def _pattern(language: str) -> re.Pattern:
    if language not in _PATTERNS:
        ordinal = rf"(?P<word>{'|'.join(sorted(map(re.escape, ORDINALS[language]), key=len, reverse=True))})"
        if language == "en":
            ordinal += r"|(?P<digits>\d{1,2})(?:st|nd|rd|th)"  # "its 10th day"
        _PATTERNS[language] = re.compile(
            rf"(?<!\w)(?:{ordinal})\s+{IN_A_ROW[language]}{DAY_WORD[language]}(?!\w)", re.IGNORECASE)
    return _PATTERNS[language]


def began_by_day_count(text: str, language: str | None, row_facts: Sequence[Fact]) -> list[Fact]:
    """The day a happening began, from the count of its days and the sentence's date nearest to
    the count; none when the sentence gives no date."""
    language = language or "en"
    if language not in ORDINALS:
        return []
    dates = [f for f in row_facts if f.kind == "date"]
    out = []
    for match in _pattern(language).finditer(text):
        if not dates:
            break
        nth = ORDINALS[language][match.group("word").lower()] if match.group("word") else int(match["digits"])
        if nth < 1:
            continue
        told = min(dates, key=lambda f: min(abs(f.start - match.end()), abs(match.start() - f.end)))
        month, day = divmod(int(told.low), 100)
        try:
            on = date(next(iter(told.years)) if len(told.years) == 1 else YEAR_UNSAID, month, day)
        except ValueError:
            continue
        began = on - timedelta(days=nth - 1)
        value = float(began.month * 100 + began.day)
        out.append(replace(told, low=value, high=value, counted=DAY_COUNT, role="happened", verb="begin",
                           value_text=f"{match.group()}, {told.value_text}", start=match.start(), end=match.end(),
                           months=frozenset({began.month})))
    return out
