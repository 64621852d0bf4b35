"""Facts of Spanish, French, German and Portuguese sentences, comparable with English ones.

facts.py reads English through spaCy's English parser, which turns "Al menos 15 personas
murieron" into a count of "menos". Here a sentence in another language is read with small
per-language word lists instead: its numbers ("138.000" and "300 000" are thousands, "3,5" is a
decimal, "quince", "zwei"), the qualifier before them ("al menos", "mindestens", "au moins",
"pelo menos"), and what is counted and what happened to it, as the English fact layer names
them ("people", "dead"), so a toll in one language is linked with the toll in another
(fact_links.py) by its masked context, embedded by the multilingual model.

Counts of people are kept only with their role (killed, injured, arrested, evacuated, missing):
"13 civiles" alone could be any of a story's tolls. Counts of perpetrators (thieves, suspects,
attackers) and of things ("cuatro lanchas", "dos fuentes") are kept with the word they count,
which unify_units turns into the English name the story uses for it. Percentages are kept when
they rose or fell, and sums of money in dollars, euros and pounds. Dates, days and ages of named
people are read too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from .accounts_multilingual import read_accounts
from .clock_times import began_at
from .day_counts import BEGAN, began_by_day_count, says_any
from .denials import story_statements
from .facts import YEAR, Fact, extract_facts
from .gunfire import SHOT
from .quantities import CURRENCY_SYMBOL, CURRENCY_WORD, ROUND_FIGURE_SHARE, _interval
from .stances_multilingual import read_stances
from .statuses_multilingual import NAMED_WITH_AGE, PERSON_NAME, read_statuses

READ = ("es", "fr", "de", "pt")

NUMBER_WORDS = {
    "es": {"dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
           "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
           "dieciséis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "treinta": 30,
           "cuarenta": 40, "cincuenta": 50, "cien": 100, "una docena": 12, "docena": 12},
    "pt": {"dois": 2, "duas": 2, "três": 3, "quatro": 4, "cinco": 5, "seis": 6, "sete": 7,
           "oito": 8, "nove": 9, "dez": 10, "onze": 11, "doze": 12, "treze": 13, "catorze": 14, "quinze": 15,
           "dezesseis": 16, "dezasseis": 16, "dezessete": 17, "dezoito": 18, "dezenove": 19, "vinte": 20,
           "trinta": 30, "quarenta": 40, "cinquenta": 50, "cem": 100, "uma dúzia": 12, "dúzia": 12},
    "fr": {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
           "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
           "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "vingt": 20, "trente": 30, "quarante": 40,
           "cinquante": 50, "cent": 100, "une douzaine": 12, "douzaine": 12},
    "de": {"zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
           "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14,
           "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20,
           "dreißig": 30, "vierzig": 40, "fünfzig": 50, "hundert": 100, "ein dutzend": 12, "dutzend": 12},
}
SCALES = {
    "es": {"mil": 1e3, "millón": 1e6, "millones": 1e6, "mil millones": 1e9},
    "pt": {"mil": 1e3, "milhão": 1e6, "milhões": 1e6, "mil milhões": 1e9, "bilhão": 1e9, "bilhões": 1e9},
    "fr": {"mille": 1e3, "million": 1e6, "millions": 1e6, "milliard": 1e9, "milliards": 1e9},
    "de": {"tausend": 1e3, "million": 1e6, "millionen": 1e6, "mio.": 1e6, "milliarde": 1e9, "milliarden": 1e9,
           "mrd.": 1e9},
}
# Money: a currency named after the number ("589.000 millones de dólares", "88 Millionen Euro") or
# its sign before it ("US$ 50 millones", "€88 millions"), as quantities.py names them in English.
CURRENCY_WORDS = {**CURRENCY_WORD, **CURRENCY_SYMBOL,
                  **dict.fromkeys(("dólares", "dólar", "dollars", "us-dollar"), "dollar"),
                  **dict.fromkeys(("euros",), "euro"),
                  **dict.fromkeys(("libras", "libra", "livres", "livre", "pfund"), "pound")}
CURRENCY_SIGNS = {"us$": "dollar", **CURRENCY_SYMBOL}
OF = {"de", "d'", "d’"}
# qualifier -> quantities.QUALIFIERS rule, by way of its English wording
QUALIFIERS = {
    "es": {"al menos": "at least", "por lo menos": "at least", "más de": "more than", "menos de": "fewer than",
           "casi": "nearly", "cerca de": "about", "unos": "about", "unas": "about", "alrededor de": "about",
           "aproximadamente": "about", "hasta": "up to"},
    "pt": {"ao menos": "at least", "pelo menos": "at least", "no mínimo": "at least", "mais de": "more than",
           "menos de": "fewer than", "quase": "nearly", "cerca de": "about", "aproximadamente": "about",
           "até": "up to"},
    "fr": {"au moins": "at least", "plus de": "more than", "moins de": "fewer than", "près de": "nearly",
           "presque": "nearly", "environ": "about", "quelque": "about", "quelques": "about",
           "jusqu'à": "up to", "jusqu’à": "up to"},
    "de": {"mindestens": "at least", "wenigstens": "at least", "mehr als": "more than", "über": "more than",
           "weniger als": "fewer than", "fast": "nearly", "beinahe": "nearly", "knapp": "nearly", "etwa": "about",
           "rund": "about", "ungefähr": "about", "circa": "about", "ca.": "about", "bis zu": "up to"},
}
# Word starts that say what happened to the people counted, as facts.ROLES names it.
ROLE_STEMS = {
    "dead": ("muert", "murier", "muri", "fallec", "mort", "tué", "tuée", "décéd", "décès", "tote", "toten",
             "getötet", "starben", "gestorben", "ums leben", "todesopfer", "morrer", "morreu", "óbito",
             "vítimas fatais",
             # who killed them: "mató a 11 personas", "matou 11 pessoas", "tuant 11 personnes", "tötete 11 Menschen"
             "mató", "mataron", "matando", "matado", "matou", "mataram", "tuant", "tötete", "töteten",
             # "perdieron la vida", "perderam a vida", "ont perdu la vie": lost their lives
             "perdieron la vida", "perdió la vida", "han perdido la vida", "perdido la vida", "perderam a vida",
             "perdeu a vida", "perdido a vida", "perdu la vie", "péri", "kamen ums",
             # shot dead: "dos atacantes abatidos", "abattus par la police", "erschossen"
             "abatid", "abattu", "erschossen"),
    "injured": ("herid", "hiri", "lesionad", "bless", "verletz", "ferid", "ferindo", "feriu", "feriram"),
    "arrested": ("detenid", "arrestad", "arrêt", "interpell", "festgenommen", "verhaftet", "presos", "presas",
                 "detid", "capturad", "aprehendid"),
    "evacuated": ("evacu", "évacu", "evakuier", "desalojad", "desplazad", "déplacé", "vertrieben", "umgesiedelt", "umsiedel", "deslocad",
                  "retirad"),
    "missing": ("desaparecid", "disparu", "vermisst"),
    # as the English layer names them (quantities.OUTCOMES)
    "hospitalised": ("hospitalizad", "hospitalisé", "ins krankenhaus", "in krankenhäuser", "im krankenhaus"),
    # not "rescate"/"resgate" alone: that is also a ransom
    "rescued": ("rescatad", "rescató", "rescataron", "rescatando", "secouru", "gerettet", "resgatad", "resgatou",
                "resgataram", "resgatando"),
    "released": ("liberad", "liberó", "liberaron", "liberando", "libéré", "libérant", "freigelassen", "freiließ",
                 "libertad", "libertou", "libertaram", "soltad", "soltó", "soltaron"),
}
# Words that count people, and the noun the English fact layer counts them by (facts.py lemmas).
PEOPLE = {
    **dict.fromkeys(("persona", "personas", "personne", "personnes", "mensch", "menschen", "pessoa", "pessoas",
                     "gente", "víctima", "víctimas", "victime", "victimes", "opfer", "todesopfer", "vítima", "vítimas",
                     "individuos", "individus", "muertos", "muertas", "muertes", "fallecidos", "morts", "mortes",
                     "décès", "tote", "toten", "mortos", "mortas", "heridos", "heridas", "blessés", "blessées",
                     "verletzte", "verletzten", "feridos", "feridas", "detenidos", "detenidas", "presos"), "people"),
    **dict.fromkeys(("civiles", "civils", "zivilisten", "civis"), "civilian"),
    **dict.fromkeys(("soldados", "soldats", "soldaten"), "soldier"),
    **dict.fromkeys(("militares", "militaires"), "military"),
    **dict.fromkeys(("habitantes", "habitants", "einwohner", "residentes", "résidents"), "resident"),
    **dict.fromkeys(("niños", "enfants", "kinder", "crianças"), "child"),
    **dict.fromkeys(("policías", "policiers", "polizisten", "policiais", "agentes", "oficiales"), "officer"),
    # the multilingual model puts these at 0.51 to 0.57 from "hostage", under UNIT_SIMILARITY
    **dict.fromkeys(("rehenes", "rehén", "otages", "otage", "geiseln", "geisel", "reféns", "refém"), "hostage"),
}
# Words that count who did it: facts.UNIT_SYNONYMS's "perpetrator" ("two thieves", "four suspects").
PERPETRATORS = ("ladrones", "ladrón", "sospechosos", "atacantes", "asaltantes", "voleurs", "cambrioleurs",
                "suspects", "assaillants", "malfaiteurs", "diebe", "täter", "verdächtige", "angreifer", "einbrecher",
                "ladrões", "suspeitos", "assaltantes")
# Gunfire told before a count of the injured ("disparó contra los oficiales, hiriendo a dos") or
# just after it ("heridos de bala", "blessés par balle"): the count is also one of the shot, as
# gunfire.py reads English.
SHOOTING = ("dispar", "balead", "de bala", "balacera", "tiroteo", "tiré", "tirs ", "par balle",
            "ouvert le feu", "ouvrant le feu", "fusillade", "schoss", "schüsse", "angeschossen", "beschossen",
            "das feuer eröffnet", "eröffnete das feuer", "tiros")
SHOOTING_REACH_WORDS = 15
CLAUSE_BREAK = re.compile(r"[;.]")
# Spanish and Portuguese put "a" before people a verb acts on ("hiriendo a dos")
PERSONAL_A = {"a", "à"}
REVISION = re.compile(r"\b(confirmad[oa]s?|confirmé(e|s|es)?|bestätigt|definitiv[oa]?|final(es)?|oficial(es)?"
                      r"|officiel(le)?s?|offiziell|revisad[oa]|révisé)\b", re.I)
WINDOW_WORDS = 6
# a foreign unit takes an English one at this multilingual cosine, this far ahead of the next
# (chosen on word pairs written for the tests: "barcos"/"boat" 0.85, "lanchas"/"boat" 0.64,
# "fuentes"/"source" 0.74; "ladrones" is as near "drone" as "thief", "funcionarios" as near
# "officer" as "official": left as they are)
UNIT_SIMILARITY = 0.6
UNIT_MARGIN = 0.1
# Craft on the water, which the multilingual model puts near every English word for one ("lanchas"
# is as near "vessel" and "ship" as "boat"): named by list, as facts.py names "vessel" a boat.
WATERCRAFT = {
    **dict.fromkeys(("lancha", "lanchas", "narcolancha", "narcolanchas", "embarcación", "embarcaciones",
                     "bote", "botes", "barco", "barcos", "barca", "barcas", "embarcação", "embarcações", "bateau",
                     "bateaux", "embarcation", "embarcations", "vedette", "vedettes", "boot", "boote", "schnellboot",
                     "schnellboote"), "boat"),
    **dict.fromkeys(("buque", "buques", "navío", "navíos", "navio", "navios", "navire", "navires", "schiff",
                     "schiffe"), "ship"),
}
KNOWN_UNITS = {"people", "perpetrator", "civilian", "soldier", "military", "resident", "child", "officer",
               *WATERCRAFT.values()}
PERCENT = {"%", "por ciento", "por cento", "pour cent", "prozent"}
TRENDS = {
    "fell": ("cay", "desplom", "perdi", "baj", "fiel", "verlor", "sank", "gesunken", "einbr", "chut", "baiss",
             "recul", "perdu", "caiu", "despenc", "perdeu", "recu"),
    "rose": ("subi", "aument", "stieg", "gestiegen", "zuleg", "hausse", "augment", "grimp", "progress", "avanç",
             "disparou"),
}
# words after a number that are not what it counts
NOT_COUNTED = {
    "es": {"de", "del", "por", "para", "con", "sin", "que", "los", "las", "una", "uno", "años", "mil", "personas"},
    "pt": {"de", "do", "da", "dos", "das", "por", "para", "com", "sem", "que", "os", "as", "anos", "mil", "pessoas"},
    "fr": {"de", "des", "du", "par", "pour", "avec", "sans", "que", "les", "ans", "mille", "personnes"},
    "de": {"der", "die", "das", "den", "dem", "des", "von", "mit", "für", "und", "jahre", "jahren", "menschen",
           "uhr"},
}
GERMAN_ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")
# "14 presuntos narcotraficantes": the alleged are counted by the noun after the word, as the
# English layer counts "14 alleged drug traffickers" as traffickers (German "mutmaßliche" is an
# adjective before its capitalised noun, which _noun skips already)
ALLEGED = {"presunto", "presuntos", "presunta", "presuntas", "supuesto", "supuestos", "supuesta", "supuestas",
           "présumé", "présumés", "présumée", "présumées", "prétendu", "prétendus", "suposto", "supostos",
           "suposta", "supostas", "alegado", "alegados"}
CONJUNCTIONS = {"y", "e", "et", "und", "o", "ou", "oder", "mientras", "pendant", "während", "enquanto"}
# "138.000", "138,000", "300 000" (with a plain, no-break or thin space), "3,5", "15"
DIGITS = r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?![.,]?\d)|\d+(?:,\d{1,2})?"
THOUSANDS = re.compile(r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+")
MONTH_NAMES = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "de": ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "dezember"),
}
WEEKDAY_NAMES = {  # Monday first, as facts.WEEKDAYS
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "pt": ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "de": ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"),
}
SCALE_WORDS = {word for scales in SCALES.values() for word in scales} | {
    name for names in (*MONTH_NAMES.values(), *WEEKDAY_NAMES.values()) for name in names}
# The event itself took place (facts.ROLES "happened"): the day fighting began, a fire broke out;
# BEGAN (day_counts.py) says it began, as facts.py's verbs "start", "begin", "erupt", "break out" do.
HAPPENED = BEGAN + ("escal", "ocurri", "ocorr", "survenu", "eskalier", "ereignet")
# An attack is what happened on its day, as facts.py's "strike" is, and its verb is English
# "attack", as a day told with "attacked" in English: "atacó tres lanchas el miércoles"
ATTACKED = ("atac", "ataq", "attaqu", "angegriffen", "angriff", "bombarde", "bombardier")


def extract_story_facts(texts: Sequence[str], languages: Sequence[str | None],
                        embed: Callable[[list[str]], np.ndarray] | None = None) -> list[list[Fact]]:
    """Facts per sentence row: English rows through facts.py (spaCy), rows in a language read
    here through its word lists, other rows none; with `embed` (the multilingual model, so a
    story in several languages), counts of things named in another language take the English
    name the story uses (unify_units), and each clause's statement is a fact too (denials.py)."""
    english = [text if (language or "en") == "en" else "" for text, language in zip(texts, languages)]
    facts = extract_facts(english)
    for row, (text, language) in enumerate(zip(texts, languages)):
        if language in READ:
            facts[row] = read_facts(text, language, row)
        facts[row] += began_by_day_count(text, language, facts[row])
        facts[row] += began_at(text, language, row)
    if not embed:
        return facts
    # what each clause asserts or denies, set against clauses of other languages (denials.py)
    facts = [row_facts + said for row_facts, said in zip(facts, story_statements(texts, languages))]
    return unify_units(facts, languages, embed)


def read_facts(text: str, language: str, row: int = 0) -> list[Fact]:
    """The counts of people with a known role, of perpetrators, the days, and the statuses
    (statuses_multilingual.py), in one sentence."""
    facts = _days(text, language, row) + _ages(text, row)
    taken = [(f.start, f.end) for f in facts]
    years = frozenset(int(y) for y in YEAR.findall(text))
    # matched on the text itself (offsets are the text's: lower-casing can change a length)
    for match in _numbers(language).finditer(text):
        value = _value(match, language)
        if (match.group("digits") and YEAR.fullmatch(match.group("digits"))) or any(
                start <= match.start("value") < end for start, end in taken):
            continue  # a year, or the day of a date
        after = _clause(text[match.end():].lower().split()[:WINDOW_WORDS])
        before = text[:match.start()].lower().split()[-WINDOW_WORDS:]
        toll = _role_of_toll(text[:match.start()])  # its people named before it: "la cifra de muertos"
        role = _role(after) or _role(before[-3:][::-1]) or _role_of_breakdown(text[:match.start()]) or toll
        words = [w.strip(".,;:()«»\"'") for w in after[:3]]
        perpetrators = next((w for w in words[:2] if w in PERPETRATORS), "")
        counted = perpetrators or next((w for w in words if w in PEOPLE), "") or (
            "" if toll else _elided_people(text[:match.start()]))
        kind, unit = "count", "perpetrator" if perpetrators else PEOPLE.get(counted, "people")
        currency = _currency(words, text[:match.start()])
        if currency:
            kind, unit, counted, role = "money", currency, "", _trend(after) or _trend(before[-3:][::-1])
        elif words and words[0] in PERCENT or " ".join(words[:2]) in PERCENT:
            kind, unit, counted, role = "percent", "percent", "", _trend(after) or _trend(before[-3:][::-1])
            if not role:
                continue  # "17 %" of what, doing what: unsaid
        elif not perpetrators and not (role and (counted or toll or _role(after[:2]))):
            if counted:
                continue  # people with no role said: too loose to set against another count of people
            counted = _noun(text[match.end():], language)
            if not counted or counted.lower() in PEOPLE:
                continue  # a number of nothing named next to it
            # in its own language until unify_units finds its English name; German nouns keep
            # their capital, which the multilingual model reads them by ("Boote" is a boat, "boote" less so)
            unit = WATERCRAFT.get(counted.lower()) or (counted if language == "de" else counted.lower())
        qualifier = match.group("qualifier")
        low, high = _interval(value, QUALIFIERS[language].get(qualifier.lower()) if qualifier else None,
                              _money_rounding(match, value, language) if kind == "money" else _rounding(match, value))
        start = match.start()
        masked = f"{text[:start]}N{text[match.end():]}"
        facts.append(Fact(row, kind, low, high, unit, counted or (role if kind == "count" else ""), role, frozenset(), "",
                          text[start:match.end()], start, match.end(), bool(REVISION.search(text)), years,
                          masked))
    facts += [replace(f, role=SHOT) for f in facts if f.kind == "count" and f.role == "injured"
              and _told_with_gunfire(text, f.start, f.end)]
    return (facts + read_statuses(text, language, row) + read_stances(text, language, row)
            + read_accounts(text, language, row))


def _elided_people(before: str) -> str:
    """"Disparó contra los oficiales de policía ..., hiriendo a dos": a bare number just after the
    verb that says what happened to it counts the people named earlier in the sentence."""
    words = [w.strip(".,;:()«»\"'") for w in before.lower().split()]
    if words and words[-1] in PERSONAL_A:
        words = words[:-1]
    if not words or not _role(words[-1:]):
        return ""
    return next((w for w in reversed(words[:-1]) if w in PEOPLE), "")


def _told_with_gunfire(text: str, start: int, end: int) -> bool:
    """Gunfire in the count's own clause (up to a semicolon or full stop either side)."""
    before = " ".join(CLAUSE_BREAK.split(text[:start].lower())[-1].split()[-SHOOTING_REACH_WORDS:])
    after = " ".join(CLAUSE_BREAK.split(text[end:].lower(), maxsplit=1)[0].split()[:6])  # "heridos de bala"
    return says_any(before, SHOOTING) or says_any(after, SHOOTING)


_PATTERNS: dict[str, re.Pattern] = {}


def _numbers(language: str) -> re.Pattern:
    if language not in _PATTERNS:
        words = "|".join(sorted(map(re.escape, NUMBER_WORDS[language]), key=len, reverse=True))
        scales = "|".join(sorted(map(re.escape, SCALES[language]), key=len, reverse=True))
        qualifiers = "|".join(sorted(map(re.escape, QUALIFIERS[language]), key=len, reverse=True))
        _PATTERNS[language] = re.compile(
            rf"(?:(?P<qualifier>{qualifiers})\s+)?(?P<value>(?P<digits>{DIGITS})|\b(?P<word>{words})\b)"
            rf"(?:\s+(?:de\s+)?(?P<scale>{scales})\b)?(?![\d%])",
            re.IGNORECASE,
        )
    return _PATTERNS[language]


def unify_units(facts: list[list[Fact]], languages: Sequence[str | None],
                embed: Callable[[list[str]], np.ndarray]) -> list[list[Fact]]:
    """Give a count in another language the unit of the English counts it names ("lanchas" →
    "boat", "Quellen" → "source"): the English unit of the story whose multilingual embedding
    (`embed`, unit vectors) is nearest, when it is near (UNIT_SIMILARITY) and clearly nearer than
    the next (UNIT_MARGIN). Otherwise it keeps its own word, and meets only counts of that word."""
    english = sorted({f.unit for row, row_facts in enumerate(facts) for f in row_facts
                      if (languages[row] or "en") == "en" and f.kind == "count"})
    foreign = sorted({f.unit for row, row_facts in enumerate(facts) for f in row_facts
                      if languages[row] in READ and f.kind == "count" and f.unit not in KNOWN_UNITS})
    if not english or not foreign:
        return facts
    vectors = embed(english + foreign)
    similarity = vectors[len(english):] @ vectors[:len(english)].T
    renamed = {}
    for word, row in zip(foreign, similarity):
        order = np.argsort(-row)
        runner_up = row[order[1]] if len(order) > 1 else 0.0
        if row[order[0]] >= UNIT_SIMILARITY and row[order[0]] - runner_up >= UNIT_MARGIN:
            renamed[word] = english[order[0]]
    return [[replace(f, unit=renamed[f.unit]) if languages[row] in READ and f.unit in renamed else f
             for f in row_facts] for row, row_facts in enumerate(facts)]


def _noun(rest: str, language: str) -> str:
    """The word a number counts: the next one ("tres lanchas"), or in German the capitalised noun
    after one adjective ("drei venezolanische Boote")."""
    words = [w.strip(".,;:()«»\"'") for w in rest.split()[:2]]
    if (language == "de" and len(words) == 2 and words[0][:1].islower() and words[1][:1].isupper()
            and len(words[0]) > 3 and words[0].endswith(GERMAN_ADJECTIVE_ENDINGS)):
        words = words[1:]  # not "19 in Thailand": a preposition is no adjective
    if len(words) == 2 and words[0].lower() in ALLEGED:
        words = words[1:]
    word = words[0] if words else ""
    if len(word) < 3 or not word.isalpha() or word.lower() in NOT_COUNTED[language] | SCALE_WORDS:
        return ""
    return word


def _role_of_breakdown(before: str) -> str:
    """Inside a breakdown in brackets, the role of the total it breaks down: "19 muertes (13
    civiles y 6 militares)" - the six soldiers are dead too."""
    opened = before.rfind("(")
    if opened < 0 or ")" in before[opened:]:
        return ""
    return _role(before[:opened].lower().split()[-2:][::-1])


# "la cifra de fallecidos ascendió a 44", "o número de mortos subiu para 44", "le bilan s'élève à
# 44 morts", "die Zahl der Toten stieg auf 44": the toll named before its number, as facts.py's
# TOLL_BEFORE reads "the toll rose to 44"
TOLL_BEFORE = re.compile(r"\b(?:cifra|número|numero|balance|saldo|bilan|nombre|zahl)\s+(?:[^\W\d]+\s+)?"
                         r"(?:de\s+(?:los\s+|las\s+)?|"
                         r"do\s+|dos\s+|das\s+|des\s+|der\s+)?(?P<what>[^\W\d]+(?:\s+[^\W\d]+)?)[^.;:()\d]{0,30}$",
                         re.IGNORECASE)


def _role_of_toll(before: str) -> str:
    """The role of a toll named before its number (TOLL_BEFORE): "la cifra de heridos asciende a
    30" is 30 injured."""
    match = TOLL_BEFORE.search(before)
    return _role(match.group("what").lower().split()) if match else ""


def _trend(words: Sequence[str]) -> str:
    for word in words:
        for trend, stems in TRENDS.items():
            if word.lstrip("(«\"'").startswith(stems):
                return trend
    return ""


def _clause(words: list[str]) -> list[str]:
    """The words up to the end of the figure's phrase: "8 civiles y 5 militares) y 21 heridos"
    gives 8 nothing of the wounded."""
    kept = []
    for word in words:
        if word in CONJUNCTIONS:
            break
        kept.append(word)
        if word[-1] in ",;:)":
            break
    return kept


def _days(text: str, language: str, row: int) -> list[Fact]:
    """Dates ("26 de julio", "24. Juli", "24 juillet") and days of the week, as facts.py gives them."""
    lowered = text.lower()
    attacked = says_any(lowered, ATTACKED)
    role = "happened" if attacked or says_any(lowered, HAPPENED) else ""
    verb = "begin" if says_any(lowered, BEGAN) else "attack" if attacked else ""
    years = frozenset(int(y) for y in YEAR.findall(text))
    months = MONTH_NAMES[language]
    date = re.compile(rf"\b(?P<day>\d{{1,2}})(?:\.|º|er)?\s+(?:de\s+)?(?P<month>{'|'.join(months)})\b", re.I)
    weekday = re.compile(rf"(?<!\w)(?P<day>{'|'.join(map(re.escape, WEEKDAY_NAMES[language]))})(?!\w)", re.I)
    named_months = frozenset(months.index(m.group("month").lower()) + 1 for m in date.finditer(text))
    facts = []
    for match in date.finditer(text):
        day, month = int(match.group("day")), months.index(match.group("month").lower()) + 1
        if 1 <= day <= 31:
            value = float(month * 100 + day)
            facts.append(_day_fact(text, row, "date", value, role, verb, match, years, frozenset({month})))
    for match in weekday.finditer(text):
        value = float(WEEKDAY_NAMES[language].index(match.group("day").lower()))
        facts.append(_day_fact(text, row, "weekday", value, role, verb, match, years, named_months))
    return facts


# "Tiger Bech, de 27 años", "Nikyra Dedeaux, 18 ans", "Tiger Bech, 27 Jahre", "der 27-jährige Tiger Bech"
AGES = (
    NAMED_WITH_AGE,
    re.compile(r"\b(?P<age>\d{1,3})-[Jj]ährige[rn]?\s+" + PERSON_NAME),
)


def _ages(text: str, row: int) -> list[Fact]:
    """Ages of people named next to them, with the surname as whom they are about (facts.py)."""
    years = frozenset(int(y) for y in YEAR.findall(text))
    facts = []
    for pattern in AGES:
        for match in pattern.finditer(text):
            value = float(match.group("age"))
            if not 1 <= value <= 110:
                continue
            start, end = match.start("age"), match.end("age")
            surname = match.group("name").split()[-1].lower()
            facts.append(Fact(row, "age", value, value, "years", "", "age", frozenset({surname}), "", text[start:end],
                              start, end, False, years, f"{text[:start]}N{text[end:]}"))
    return facts


def _day_fact(text, row, kind, value, role, verb, match, years, months) -> Fact:
    return Fact(row, kind, value, value, kind, "", role, frozenset(), verb, text[match.start():match.end()],
                match.start(), match.end(), False, years, f"{text[:match.start()]}N{text[match.end():]}", months)


def _value(match: re.Match, language: str) -> float | None:
    if match.group("digits"):
        digits = match.group("digits")
        if THOUSANDS.fullmatch(digits):
            number = float(re.sub(r"\D", "", digits))
        else:
            number = float(digits.replace(",", "."))
    else:
        number = float(NUMBER_WORDS[language][match.group("word").lower()])
    scale = (match.group("scale") or "").lower()
    return number * SCALES[language][scale] if scale else number


def _rounding(match: re.Match, value: float) -> float:
    """As quantities.py rounds: a figure with two trailing zeros or more stands for 5 % either way."""
    digits = re.sub(r"\D", "", match.group("digits") or "")
    if match.group("scale") or (digits.strip("0") and len(digits) - len(digits.rstrip("0")) >= 2):
        return ROUND_FIGURE_SHARE * value
    return 0.0


def _currency(words: Sequence[str], before: str) -> str:
    """The currency of a number: named after it ("de dólares", "Euro") or signed before it ("US$")."""
    after = [re.sub(r"^d['’]", "", w) for w in words[:2] if w not in OF][:1]  # "d'euros"
    if after and after[0] in CURRENCY_WORDS:
        return CURRENCY_WORDS[after[0]]
    sign = before.rstrip().lower()
    return next((name for mark, name in CURRENCY_SIGNS.items() if sign.endswith(mark)), "")


def _money_rounding(match: re.Match, value: float, language: str) -> float:
    """How far a sum may be from its stated value: half its last digit's step ("589.000 millones"
    is 589 thousand million, give or take half a thousand million, as "$589 billion" is), at
    most a round figure's 5 % ("600.000 millones")."""
    digits = match.group("digits") or ""
    scale = SCALES[language].get((match.group("scale") or "").lower(), 1.0)
    if "," in digits and not THOUSANDS.fullmatch(digits):
        step = 10.0 ** -len(digits.split(",")[1])  # "3,5 millones": a tenth of a million
    else:
        whole = re.sub(r"\D", "", digits)
        step = 10.0 ** (len(whole) - len(whole.rstrip("0"))) if whole.strip("0") else 1.0
    return min(ROUND_FIGURE_SHARE * value, 0.5 * step * scale)


def _role(words: Sequence[str]) -> str:
    """The role of the first word in `words` that says one ("15 heridos y 3 muertos": injured)."""
    for i, word in enumerate(words):
        rest = " ".join(words[i:i + 3]).lstrip("(«\"'")
        for role, stems in ROLE_STEMS.items():
            if any(rest.startswith(stem) for stem in stems):
                return role
    return ""
