"""Statuses (statuses.py) in Spanish, French, German and Portuguese sentences, read from word
lists as facts_multilingual.py reads their figures: what became of the story's event ("tuvo que
ser pospuesto", "a été annulé", "wurde verschoben") and the fate of each person a list of the
dead or injured names with an age ("Ceux qui ont été confirmés morts étaient … Nikyra Dedeaux,
18 ans"). A Spanish "postponed" then contradicts an English "cancelled" like two English ones.

An event status needs a word for a game or an event in the sentence ("partido", "match",
"Spiel", "jogo"): "vuelos cancelados" (flights) states none, as in English. Such a sentence
names no event, so it meets any event the English side names (the Sugar Bowl) or the event
the story is about ("the game", "it"). A word for another scheduled happening ("cumbre",
"sommet", "Gipfel", "reunião") files the status under that happening's English noun, as the
English layer does ("status of summit"); a sentence naming two such happenings states neither.
A negation just before the status word ("no fue aplazado", "n'a pas été reporté", "nicht
verschoben", "não foi adiado") states none.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .facts import YEAR, Fact, status_fact
from .statuses import FATES, PERSON_UNIT, STATUSES

STATUS_WORDS = {
    "es": {"postponed": ("pospuest", "aplazad", "postergad", "reprogramad"), "cancelled": ("cancelad", "anulad"),
           "went ahead": ("se celebró", "se disputó", "se jugó", "se llevó a cabo")},
    "fr": {"postponed": ("reporté", "ajourné", "décalé"), "cancelled": ("annulé",),
           "went ahead": ("s'est tenu", "s’est tenu", "s'est déroulé", "s’est déroulé", "s'est joué", "s’est joué")},
    "de": {"postponed": ("verschoben", "vertagt"), "cancelled": ("abgesagt",),
           "went ahead": ("fand statt", "fand wie geplant statt", "ausgetragen")},
    "pt": {"postponed": ("adiad",), "cancelled": ("cancelad",),
           "went ahead": ("foi realizad", "foi disputad", "aconteceu como previsto")},
}
EVENT_WORDS = {
    "es": ("partido", "juego", "evento", "encuentro"),
    "fr": ("match", "rencontre", "événement", "finale"),
    "de": ("spiel", "partie", "veranstaltung", "finale", "begegnung"),
    "pt": ("jogo", "partida", "evento"),
}
# Other scheduled happenings (statuses.SCHEDULED), by their English noun: a status of one is filed
# under "status of <noun>", as the English layer files "the summit was postponed"
SCHEDULED_WORDS = {
    "es": {"cumbre": "summit", "reunión": "meeting", "conferencia": "conference", "elecciones": "election",
           "elección": "election", "votación": "vote", "desfile": "parade", "concierto": "concert",
           "festival": "festival", "ceremonia": "ceremony", "juicio": "trial", "audiencia": "hearing",
           "visita": "visit", "manifestación": "rally", "vigilia": "vigil", "negociaciones": "talk",
           "conversaciones": "talk", "torneo": "tournament"},
    "pt": {"cúpula": "summit", "reunião": "meeting", "conferência": "conference", "eleição": "election",
           "eleições": "election", "votação": "vote", "desfile": "parade", "concerto": "concert", "show": "concert",
           "festival": "festival", "cerimônia": "ceremony", "cerimónia": "ceremony", "julgamento": "trial",
           "audiência": "hearing", "visita": "visit", "manifestação": "rally", "vigília": "vigil",
           "negociações": "talk", "conversas": "talk", "torneio": "tournament"},
    "fr": {"sommet": "summit", "réunion": "meeting", "conférence": "conference", "élection": "election",
           "élections": "election", "scrutin": "vote", "défilé": "parade", "concert": "concert",
           "festival": "festival", "cérémonie": "ceremony", "procès": "trial", "audience": "hearing",
           "visite": "visit", "manifestation": "rally", "veillée": "vigil", "pourparlers": "talk",
           "négociations": "talk", "tournoi": "tournament"},
    "de": {"gipfel": "summit", "gipfeltreffen": "summit", "treffen": "meeting", "konferenz": "conference",
           "wahl": "election", "wahlen": "election", "abstimmung": "vote", "parade": "parade", "konzert": "concert",
           "festival": "festival", "zeremonie": "ceremony", "prozess": "trial", "anhörung": "hearing",
           "besuch": "visit", "kundgebung": "rally", "mahnwache": "vigil", "verhandlungen": "talk",
           "gespräche": "talk", "turnier": "tournament"},
}
NEGATIONS = {"es": ("no", "nunca"), "fr": ("pas", "jamais"), "de": ("nicht", "nie", "kein", "keine"),
             "pt": ("não", "nunca")}
# "los muertos fueron", "confirmés morts étaient", "unter den Toten sind", "os mortos foram"
LISTED_FATE = {
    "es": re.compile(r"\b(?:(muert[oa]s|fallecid[oa]s)|(herid[oa]s))\s+(?:eran|fueron|son|incluyen)\b", re.I),
    "fr": re.compile(r"\b(?:(morts|tués|décédés)|(blessés))\s+(?:étaient|sont|figurent)\b", re.I),
    "de": re.compile(r"\b(?:(Toten|Getöteten)|(Verletzten))\s+(?:sind|waren|befinden sich)\b", re.I),
    "pt": re.compile(r"\b(?:(mort[oa]s)|(ferid[oa]s))\s+(?:eram|foram|são|incluem)\b", re.I),
}
# "Tiger Bech, de 27 años", "Nikyra Dedeaux, 18 ans" (facts_multilingual reads the ages with it too)
PERSON_NAME = r"(?P<name>(?:[A-ZÀ-ÖØ-Þ][\w'’-]+\s+){0,3}[A-ZÀ-ÖØ-Þ][\w'’-]+)"
NAMED_WITH_AGE = re.compile(PERSON_NAME + r",\s+(?:de\s+)?(?P<age>\d{1,3})\s+(?:años|ans|anos|Jahre|jahre)\b")


def negated_near(text: str, start: int, end: int, language: str, words_after: int) -> bool:
    """Is the word at text[start:end] negated: a negation among the three words before it, or
    among the `words_after` after it ("lehnte ... nicht ab")?"""
    near = text[max(0, start - 30):start].lower().split()[-3:]
    after = text[end:].lower().split()[:words_after]
    negations = NEGATIONS[language]
    return (any(w in negations or w.startswith(("n'", "n’")) for w in near)
            or any(w.strip(".,;") in negations for w in after))


def read_statuses(text: str, language: str, row: int = 0) -> list[Fact]:
    """The event statuses and the listed fates of people a sentence in `language` states."""
    if language not in STATUS_WORDS:
        return []
    years = frozenset(int(y) for y in YEAR.findall(text))
    return [replace(f, row=row) for f in _event_statuses(text, language, years) + _listed_fates(text, language, years)]


def _event_statuses(text: str, language: str, years: frozenset[int]) -> list[Fact]:
    lowered = text.lower()
    if any(_says(lowered, word) for word in EVENT_WORDS[language]):
        unit, what = "event", "the event"
    else:
        nouns = {noun for word, noun in SCHEDULED_WORDS[language].items() if _says(lowered, word)}
        if len(nouns) != 1:
            return []  # nothing scheduled named, or two things: which one's status?
        noun = nouns.pop()
        unit, what = f"status of {noun}", f"the {noun}"
    found = []
    for status, words in STATUS_WORDS[language].items():
        for word in words:
            for match in re.finditer(rf"(?<!\w){re.escape(word)}", lowered):
                before = lowered[:match.start()].split()[-3:]
                if any(w in NEGATIONS[language] or w.startswith("n'") or w.startswith("n’") for w in before):
                    continue
                found.append(status_fact(text, STATUSES.index(status), status, unit, what, frozenset(),
                                         match.start(), match.end(), status, False, years, frozenset()))
    # one sentence, two statuses of the event ("aplazado y luego cancelado"): it states no single one
    return found if len({f.value_text for f in found}) == 1 else []


def _says(lowered: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered) is not None


def _listed_fates(text: str, language: str, years: frozenset[int]) -> list[Fact]:
    cue = LISTED_FATE[language].search(text)
    if cue is None:
        return []
    fate = "dead" if cue.group(1) else "injured"
    return [status_fact(text, FATES.index(fate), fate, PERSON_UNIT, match.group("name"),
                        frozenset(word.lower() for word in match.group("name").split()),
                        match.start("name"), match.end("name"), "list", False, years, frozenset())
            for match in NAMED_WITH_AGE.finditer(text, cue.end())]
