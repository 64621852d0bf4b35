"""Denials across languages: one outlet asserts what another, in another language, denies.

"Authorities believe Jabbar acted alone" / "descartando la hipótesis de que Jabbar actuó solo"
(ruling out that he acted alone). The English NLI model and the polarity rule read English
only, so in a story that mixes languages each sentence also yields *statement* facts: what a
clause says, stripped of its negation, and whether it is denied. English clauses come from the
parse (polarity.statements); other languages' from their punctuation and their words of denial
("no", "descartando", "ne … pas", "nicht", "não"), a clause with two of them (not ruled out)
saying nothing certain. fact_links sets statements of two languages against each other when the
multilingual model puts them close and they name someone in common; one denied and one not is a
contradiction (`negation`). Two English clauses are left to the rules and the model; two clauses
of one other language, which neither reads, are set against each other as across languages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .facts import Fact

STATEMENT = "statement"
MIN_STATEMENT_WORDS = 3
# Words that deny what follows them in their clause; Portuguese "no" (em + o) is no denial.
DENIALS = {
    "es": r"no|nunca|jamás|ningun[oa]?|nadie|sin|niega|negó|negaron|negando|descart\w*|rechaz\w*|desmient\w*|desmint\w*",
    "fr": r"ne|jamais|aucune?|sans|ni[ée]\w*|dément\w*|démenti\w*|écart\w*|exclu\w*",
    "de": r"nicht|kein\w*|nie|niemals|ohne|bestr\w*|dementier\w*|ausgeschlossen|zurückgewiesen"
          r"|schlie(?:ß|ss)\w*(?=[^,.;]*\baus\b)|(?:wies|weist)(?=[^,.;]*\bzurück\b)",
    "pt": r"não|nunca|jamais|nenhum[a]?|ninguém|sem|neg\w*|descart\w*|desmen\w*|rejeit\w*",
}
# Phrases with a word of denial that deny nothing: "sin embargo" (however), "no solo" (not
# only), "ne … que" (only), "sans doute" (no doubt), "nicht nur"; removed before counting
NOT_DENIALS = {
    "es": r"sin\s+embargo|no\s+obstante|no\s+s[oó]lo|sin\s+duda|no\s+m[aá]s\s+que",
    "fr": r"non\s+seulement|sans\s+doute|ne\s+\w+\s+que|n['’]\w+\s+que|n['’]y\s+a(?:vait)?\s+que",
    "de": r"nicht\s+nur|ohne\s+zweifel",
    "pt": r"n[aã]o\s+s[oó]|sem\s+d[uú]vida|no\s+entanto",
}
_NOT_DENIALS = {language: re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE) for language, words in NOT_DENIALS.items()}
# the second half of a French negation, and the elided "n'", say no more than the first
FRENCH_PARTS = re.compile(r"(?<!\w)(?:pas|plus|point|guère)(?!\w)|(?<!\w)n['’]", re.IGNORECASE)
# a clause that opens with one of these is what the clause before it says or denies
COMPLEMENTIZERS = {"es": ("que",), "fr": ("que", "qu'", "qu’"), "de": ("dass", "daß", "ob"), "pt": ("que",)}
_PATTERNS = {language: re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE) for language, words in DENIALS.items()}
CLAUSE_END = re.compile(r"[,;:()—–]|\s-\s|\.(?=\s|$)")
NAME = re.compile(r"(?<![\w.])[A-ZÀ-Ý][\w'’-]{2,}")


def statement_facts(text: str, language: str | None, row: int) -> list[Fact]:
    """The statements of one sentence: value 0 when denied, 1 when asserted."""
    if (language or "en") == "en":
        return _english(text, row)
    if language in _PATTERNS:
        return _other(text, language, row)
    return []


def _english(text: str, row: int) -> list[Fact]:
    from .polarity import statements

    found = [(said, negated, start, end) for _verb, words, negated, start, end, said in statements(text)
             if len(words) + 1 >= MIN_STATEMENT_WORDS]
    # the innermost statement only: "Jabbar acted alone", not "the FBI stated they believe Jabbar
    # acted alone", whose attribution would meet any clause naming the FBI
    return [_fact(row, said, negated, start, end, "en", _names(said, text)) for said, negated, start, end in found
            if not any(other != said and other in said for other, *_ in found)]


def _other(text: str, language: str, row: int) -> list[Fact]:
    out = []
    start, governing = 0, 0
    for end in [m.start() for m in CLAUSE_END.finditer(text)] + [len(text)]:
        clause = _NOT_DENIALS[language].sub(" ", text[start:end])
        if language == "fr":  # "n'exclut pas": one denial word, "exclut"; "ne ... pas": one, "ne"
            elided = FRENCH_PARTS.search(clause) and not re.search(r"(?<!\w)ne(?!\w)", clause, re.I)
            clause = FRENCH_PARTS.sub(lambda m: " ne " if elided and m.group().lower().startswith("n") else " ", clause)
        denials = list(_PATTERNS[language].finditer(clause))
        opens = clause.strip().lower().split(" ", 1)[0]
        count = len(denials) + (governing if opens.startswith(COMPLEMENTIZERS[language]) else 0)
        governing = len(denials)
        if count <= 1:  # two denials ("no descarta que"): neither asserted nor denied
            said = _innermost(_PATTERNS[language].sub(" ", clause[denials[-1].end():] if denials else clause).split(),
                              COMPLEMENTIZERS[language])
            if len(said.split()) >= MIN_STATEMENT_WORDS:
                out.append(_fact(row, said, count == 1, start, end, language, _names(said, text)))
        start = end + 1
    return out


def _innermost(words: list[str], complementizers: tuple[str, ...]) -> str:
    """What is said, without who says or believes it: "cree que Jabbar actuó solo" -> "Jabbar
    actuó solo", as the English side keeps its innermost statement."""
    for i, word in enumerate(words):
        if word.lower() in complementizers and len(words) - i - 1 >= MIN_STATEMENT_WORDS:
            return " ".join(words[i + 1:])
    return " ".join(words)


def _names(said: str, sentence: str) -> frozenset[str]:
    """Names said in the clause (capitalised words, but for the sentence's first): the same in
    any language for people ("Jabbar"), who a denial is about."""
    first = sentence.split()[0] if sentence.split() else ""
    return frozenset(m.group().lower() for m in NAME.finditer(said) if m.group() != first)


def _fact(row: int, said: str, negated: bool, start: int, end: int, language: str, names: frozenset[str]) -> Fact:
    # a statement counts nothing: its `counted` holds its language, which statements are compared across
    value = 0.0 if negated else 1.0
    shown = f"denied: {said}" if negated else said
    return Fact(row, STATEMENT, value, value, STATEMENT, language, "", names, "", shown, start, end, context=said)


def beyond_the_english_rules(a: Fact, b: Fact) -> bool:
    """Two statements no English rule or model judges: not both English ("no rechazó" against
    "rechazó" in two Spanish outlets is theirs to set against each other, as across languages)."""
    return not a.counted == b.counted == "en"


def story_statements(texts: Sequence[str], languages: Sequence[str | None]) -> list[list[Fact]]:
    return [statement_facts(text, language, row) for row, (text, language) in enumerate(zip(texts, languages))]
