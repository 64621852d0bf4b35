"""The time of day a happening began: "the blaze started at around 2:51 p.m.", "las hostilidades
comenzaron a las 4:30 a.m.", "les combats ont débuté vers 7h30". Two outlets that put the start
of one happening at times that cannot both be right contradict each other; "2.51pm" and "around
2:51 p.m." agree. A time given in a named zone ("07:00 GMT", "0600 IST") is a conversion and is
left out, so "15:00 local time (07:00 GMT)" began at 15:00; a sentence with two local times of
day is left alone (which one is the start?)."""

from __future__ import annotations

import re

from .day_counts import BEGAN as BEGAN_STEMS, says_any
from .facts import Fact

TIME = "time"
BEGAN_ENGLISH = re.compile(r"\b(?:beg[au]n|begins?|start(?:ed|s)?|erupt(?:ed|s)?|br(?:oke|eaks?) out)\b", re.I)
# words that put a number on the clock: "at 4:30", "a las 4:30", "à 7h30", "um 4.30 Uhr", "around 3 a.m."
CUE = (r"(?:at|around|about|approximately|roughly|by|shortly after|just after|just before|before|after|"
       r"a las|a la|hacia las|alrededor de las|sobre las|cerca de las|às|por volta das|à|vers|aux alentours de|"
       r"um|gegen|etwa um|kurz nach|kurz vor)")
APPROXIMATE = re.compile(r"\b(?:around|about|approximately|roughly|some|circa|hacia|alrededor|cerca|sobre|"
                         r"aproximadamente|por volta|vers|aux alentours|environ|gegen|etwa|ungefähr)\b", re.I)
CLOCK = re.compile(
    rf"(?:(?P<cue>\b{CUE})\s+(?:(?:approximately|around|about|roughly|las|la|les)\s+)?)?"
    r"(?<![\d:.,])(?P<hour>\d{1,2})(?:[:.h](?P<minute>[0-5]\d))?\s*"
    r"(?:(?P<half>[ap])\.?\s?m\b\.?|(?P<unit>Uhr|horas|heures|hrs|h)\b)?", re.I)
ZONE = re.compile(r"\s*\(?\s*(?:GMT|UTC|CET|CEST|BST|EST|EDT|CST|CDT|PST|PDT|ET|PT|ICT|HKT|IST|JST|AEST|AEDT|MEZ)\b")
# an approximate time stands for this many minutes either way; an exact one on the quarter hour
# ("at 3 p.m.", "15:00") for a rounded one
APPROXIMATE_MINUTES = 30
ROUNDED_MINUTES = 15


def began_at(text: str, language: str | None, row: int = 0) -> list[Fact]:
    """The time the sentence says its happening began, as a fact (minutes after midnight), or none."""
    language = language or "en"
    if not _tells_a_beginning(text, language):
        return []
    times = [(m, minutes) for m in CLOCK.finditer(text)
             if (minutes := _minutes(m, language)) is not None and not ZONE.match(text, m.end())]
    if len(times) != 1:
        return []
    ((match, minutes),) = times
    before = text[max(0, match.start() - 30):match.start("hour")]
    slack = (APPROXIMATE_MINUTES if APPROXIMATE.search(before)
             else ROUNDED_MINUTES if minutes % ROUNDED_MINUTES == 0 else 0)
    start, end = match.start("hour"), match.end()
    shown = text[start:end].strip()
    return [Fact(row, TIME, float(minutes - slack), float(minutes + slack), TIME, "", "happened", frozenset(), "begin",
                 shown, start, start + len(shown), False, frozenset(), f"{text[:start]}then{text[start + len(shown):]}")]


def _tells_a_beginning(text: str, language: str) -> bool:
    if language == "en":
        return bool(BEGAN_ENGLISH.search(text))
    return says_any(text.lower(), BEGAN_STEMS)


def _minutes(match: re.Match, language: str) -> int | None:
    """Minutes after midnight, when the number is surely a time of day: "a.m."/"p.m.", or "Uhr"/"h",
    or a cue word and minutes (a 24-hour clock outside English, or past 12 in English)."""
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    half, unit = match.group("half"), match.group("unit")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
    elif not (unit or (match.group("cue") and match.group("minute") and (language != "en" or hour > 12))):
        return None
    if hour > 23:
        return None
    return hour * 60 + minute
