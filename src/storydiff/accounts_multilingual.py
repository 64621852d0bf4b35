"""What a party says of the attack (accounts.py) in Spanish, French, German and Portuguese
sentences, read from word lists as stances_multilingual.py reads stances: "El Ministerio de
Defensa negó los ataques" against "The Defense Ministry confirmed the strikes".

An account is a verb of confirming or denying whose object is a word for the attack: the first
noun after the verb (past "haber", "ter", "avoir" and a participle), or in German, where the verb
may close the clause, the noun just before it; a negation next to the verb says neither. Its
party is read from the words of its clause before the verb (accounts.party_of), but for the
words that open sentences ("El", "Según"); in German, where every noun is capitalised, only a
country or an institution names one.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .accounts import ACCOUNT, ACCOUNTS, CONFIRMS, DENIES, party_of
from .facts import YEAR, Fact, status_fact
from .stances_multilingual import OPENERS
from .statuses_multilingual import negated_near

VERBS = {
    "es": {CONFIRMS: r"confirm(?:ó|aron|a|an|ado)|reconoci(?:ó|eron|do)|admiti(?:ó|eron|do)",
           DENIES: r"neg(?:ó|aron|ado)|niegan?|desmint(?:ió|ieron)|desmienten?|desmentido"},
    "pt": {CONFIRMS: r"confirm(?:ou|aram|a|am|ado)|reconhec(?:eu|eram|ido)|admit(?:iu|iram|ido)",
           DENIES: r"neg(?:ou|aram|a|am|ado)|desment(?:iu|iram|e|em|ido)"},
    "fr": {CONFIRMS: r"confirm(?:é|ée|és|e|ent)|reconnu|admis",
           DENIES: r"dément(?:i|ent)?|démenti|ni(?:é|e|ent)"},
    "de": {CONFIRMS: r"bestätig(?:t|te|ten)",
           DENIES: r"bestr(?:itt|itten|eitet|eiten)|dementier(?:t|te|ten)"},
}
TOPIC_WORDS = {
    "es": ("ataque", "bombardeo", "operación", "operacion", "incursión", "incursion", "ofensiva", "asalto"),
    "pt": ("ataque", "bombardeio", "operação", "operacao", "incursão", "incursao", "ofensiva", "assalto"),
    "fr": ("attaque", "frappe", "bombardement", "opération", "operation", "raid", "incursion", "offensive", "assaut"),
    "de": ("angriff", "schlag", "schläge", "einsatz", "operation", "bombardierung", "offensive", "beschuss"),
}
# words that may stand between the verb and the attack: "negó los ataques", "nia toute frappe"
DETERMINERS = {
    "es": {"el", "la", "los", "las", "un", "una", "unos", "unas", "cualquier", "todo", "todos", "toda", "todas",
           "ese", "esa", "esos", "esas", "este", "esta", "estos", "estas", "dicho", "dicha", "al", "del", "nuevo",
           "nuevos", "supuesto", "supuestos"},
    "pt": {"o", "a", "os", "as", "um", "uma", "qualquer", "todo", "todos", "toda", "todas", "esse", "essa",
           "esses", "essas", "este", "esta", "novo", "novos", "suposto", "supostos"},
    "fr": {"le", "la", "les", "l", "un", "une", "des", "tout", "toute", "tous", "toutes", "ce", "cette", "ces",
           "nouvelle", "nouvelles", "nouveau", "nouveaux"},
    "de": {"den", "die", "das", "der", "dem", "einen", "eine", "ein", "jeden", "jede", "jedes", "diesen", "diese",
           "dieses", "neuen", "neue", "angeblichen", "angebliche"},
}
# the auxiliary of a compound tense, between the party and the verb: "ha negado", "hat ... bestätigt"
FINITE_AUXILIARIES = {"es": {"ha", "han", "había", "habían"}, "pt": {"tem", "têm", "tinha", "tinham"},
                      "fr": {"a", "ont", "avait", "avaient"},
                      "de": {"hat", "haben", "hatte", "hatten", "ist", "sind", "war", "waren", "wurde", "wurden"}}
# an infinitive auxiliary before what was done: "negó haber iniciado el ataque"
AUXILIARIES = {"es": {"haber"}, "pt": {"ter", "haver"}, "fr": {"avoir"}, "de": set()}
CLAUSE_END = re.compile(r"[,;:.!?()—–]")
WORD = re.compile(r"[\w'’-]+")


def read_accounts(text: str, language: str, row: int = 0) -> list[Fact]:
    """The accounts of the attack a sentence in `language` gives of a party."""
    if language not in VERBS:
        return []
    lowered = text.lower()
    if not any(word in lowered for word in TOPIC_WORDS[language]):
        return []
    years = frozenset(int(y) for y in YEAR.findall(text))
    found = []
    for value, pattern in VERBS[language].items():
        for match in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", text, re.IGNORECASE):
            if not _about_the_attack(text, match, language) or negated_near(text, match.start(), match.end(),
                                                                            language, 2):
                continue
            before = text[:match.start()]
            ends = list(CLAUSE_END.finditer(before))
            subject = [w for w in WORD.findall(before[ends[-1].end() if ends else 0:])
                       if w.lower() not in OPENERS[language] | DETERMINERS[language] | FINITE_AUXILIARIES[language]
                       and not _is_topic(w.lower(), language)]
            # German capitalises every noun: no name there without a country or an institution
            party = party_of(subject, [w for w in subject if w[:1].isupper()] if language != "de" else [])
            if not party:
                continue
            fact = status_fact(text, value, ACCOUNTS[value], ACCOUNT, "the attack", frozenset({party}),
                               match.start(), match.end(), "say", False, years, frozenset())
            found.append(replace(fact, row=row))
    return found


def _about_the_attack(text: str, verb: re.Match, language: str) -> bool:
    """Is the verb's object the attack itself: its first noun after the verb ("negó los ataques",
    "negó haber iniciado el ataque"), or in German the noun just before a closing verb ("hat den
    Angriff bestätigt")? Not "negó cualquier vínculo con el ataque"."""
    after = text[verb.end():]
    end = CLAUSE_END.search(after)
    # "l'attaque", "d’une frappe": the elided article is no word of its own
    words = [re.split(r"['’]", w.lower())[-1] for w in WORD.findall(after[:end.start() if end else len(after)])]
    words = [w for w in words if w not in DETERMINERS[language]]
    if words and words[0] in AUXILIARIES[language]:
        words = words[2:]  # "haber iniciado", "ter lançado", "avoir mené": what was done comes next
    if words and _is_topic(words[0], language):
        return True
    if language == "de":
        before = WORD.findall(text[:verb.start()])
        return bool(before) and _is_topic(before[-1].lower(), language)
    return False


def _is_topic(word: str, language: str) -> bool:
    return any(word.startswith(topic) for topic in TOPIC_WORDS[language])
