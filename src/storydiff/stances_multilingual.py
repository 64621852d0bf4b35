"""Where a party stands on talks or a ceasefire (stances.py) in Spanish, French, German and
Portuguese sentences, read from word lists as statuses_multilingual.py reads statuses: "a
Tailândia estava aberta a negociações" against "Bangkok has rejected third-party mediation".

A stance is a verb of rejecting or accepting, or "open to" ("abierto a", "ouvert aux", "offen
für"), with a word for talks or a ceasefire in its clause, after the verb (or, in German, where
the verb may close the clause, on either side). Its party is the nearest name before the verb
in that clause: a country or its capital in any of the five languages (places.py), or, outside
German (where every noun is capitalised), any capitalised word ("Hamas", "Maduro") but the words
that open sentences ("El", "Según"). A clause with no party states nothing, as in English. A
negation next to the verb ("no rechazó", "n'est pas ouvert", "lehnte ... nicht ab") turns the
stance round.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .facts import YEAR, Fact, status_fact
from .places import country_name
from .stances import CEASEFIRE, STANCE_UNITS, STANCES, TALKS
from .statuses_multilingual import negated_near

OPEN, REJECTS = 0, 1
TOPIC_WORDS = {
    "es": {TALKS: ("negociaci", "diálogo", "dialogo", "conversaciones", "mediación", "mediacion"),
           CEASEFIRE: ("alto el fuego", "cese al fuego", "cese del fuego", "tregua")},
    "pt": {TALKS: ("negociaç", "diálogo", "dialogo", "conversas", "mediação", "mediacao"),
           CEASEFIRE: ("cessar-fogo", "cessar fogo", "trégua")},
    "fr": {TALKS: ("négociation", "pourparlers", "dialogue", "médiation"), CEASEFIRE: ("cessez-le-feu", "trêve")},
    "de": {TALKS: ("verhandlung", "gespräch", "dialog", "vermittlung"),
           CEASEFIRE: ("waffenruhe", "waffenstillstand", "feuerpause")},
}
VERBS = {
    "es": {OPEN: r"abiert[oa]s?\s+(?:a|al)|dispuest[oa]s?\s+a|acept\w*|respald\w*",
           REJECTS: r"rechaz\w*|se neg\w*\s+a|descart\w*"},
    "pt": {OPEN: r"abert[oa]s?\s+(?:a|à|ao|às)|dispost[oa]s?\s+a|aceit\w*", REJECTS: r"rejeit\w*|recus\w*"},
    "fr": {OPEN: r"(?:ouvert|prêt|disposé)e?s?\s+(?:à|aux?)|accept\w*", REJECTS: r"rejet\w*|refus\w*"},
    "de": {OPEN: r"(?:offen|bereit)\s+(?:für|zu)|akzeptiert\w*|angenommen|annahm\w*|stimmt\w*\s+\w+\s+zu|zugestimmt",
           REJECTS: r"lehnt\w*|abgelehnt|weigert\w*|verweigert\w*|zurückgewiesen"},
}
CLAUSE_END = re.compile(r"[,;:.!?()—–]")
OBJECT_WORDS = 8  # how far after the verb its object (the talks) may be named
NAME = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’-]+")
# capitalised only because they open the sentence: no party
OPENERS = {
    "es": {"el", "la", "los", "las", "un", "una", "unos", "unas", "este", "esta", "estos", "estas", "ese", "esa",
           "según", "durante", "tras", "ante", "también", "sin", "pero", "además", "luego", "ya", "ayer", "hoy"},
    "pt": {"o", "a", "os", "as", "um", "uma", "uns", "umas", "este", "esta", "esse", "essa", "segundo", "durante",
           "após", "também", "mas", "além", "já", "ontem", "hoje"},
    "fr": {"le", "la", "les", "l'", "un", "une", "des", "ce", "cette", "ces", "selon", "pendant", "après", "aussi",
           "mais", "en", "il", "elle", "ils", "elles", "on", "hier", "aujourd'hui"},
    "de": set(),
}


def read_stances(text: str, language: str, row: int = 0) -> list[Fact]:
    """The stances on talks or a ceasefire a sentence in `language` states of a named party."""
    if language not in VERBS:
        return []
    lowered = text.lower()
    if not any(word in lowered for words in TOPIC_WORDS[language].values() for word in words):
        return []
    years = frozenset(int(y) for y in YEAR.findall(text))
    found = []
    for value, pattern in VERBS[language].items():
        for match in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", text, re.IGNORECASE):
            unit = _topic(text, match, language)
            party = _party(text, match.start(), language) if unit else ""
            if not party:
                continue
            stance = 1 - value if negated_near(text, match.start(), match.end(), language, 3) else value
            fact = status_fact(text, stance, STANCES[stance], unit, STANCE_UNITS[unit], frozenset({party}),
                               match.start(), match.end(), "stand", False, years, frozenset())
            found.append(replace(fact, row=row))
    return found


def _topic(text: str, verb: re.Match, language: str) -> str:
    after = text[verb.end():]
    end = CLAUSE_END.search(after)
    window = " ".join(after[:end.start() if end else len(after)].split()[:OBJECT_WORDS]).lower()
    if language == "de":  # "Thailand hat Verhandlungen abgelehnt": the verb closes the clause
        before = text[:verb.start()]
        window += " " + before[_clause_start(before):].lower()
    return next((unit for unit, words in TOPIC_WORDS[language].items() if any(w in window for w in words)), "")


def _clause_start(before: str) -> int:
    ends = list(CLAUSE_END.finditer(before))
    return ends[-1].end() if ends else 0


def _party(text: str, verb_start: int, language: str) -> str:
    """The nearest name before the verb in its clause, as a country where it names one."""
    before = text[:verb_start]
    start = _clause_start(before)
    for match in reversed(list(NAME.finditer(before, start))):
        country = country_name(match.group())
        if country != match.group():
            return country
        if language != "de" and match.group().lower() not in OPENERS[language]:
            return match.group().lower()
    return ""
