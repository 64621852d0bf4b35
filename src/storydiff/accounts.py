"""What a party says of the attack: it confirms it, or denies it. "The Defense Ministry confirmed
the strikes" / "El Ministerio de Defensa negó los ataques".

A denial in another language is out of the English model's reach, and the sentences share no
name the statements of denials.py could meet by ("Defense Ministry" / "Ministerio de Defensa"),
so each account is a status fact (unit ACCOUNT) that fact_links.py sets against every other
article's, as it does a party's stance on talks (stances.py): the same party confirming the
attack in one report and denying it in another contradict, when the reports are at most a day
apart (later, the party changed its account: an update).

An account is a verb of confirming (confirm, acknowledge, admit; "confirmó", "reconheceu", "a
confirmé", "bestätigte") or of denying (deny; "negó", "negou", "a démenti", "bestritt") whose
object is the attack itself (attack, strike, raid, operation, bombing, shelling, incursion,
offensive, assault: "denied the strikes", "denied carrying out the strike"; not "denied any links
to the raid"). A negated verb says neither ("did not confirm the strikes" denies nothing).
Its party is the country its subject names (places.py), else the institution it names, in
English words whatever the language ("Ministerio de Defensa" is the defense ministry), else its
proper names; a subject naming none of these ("it denied the attack") states nothing here.
English accounts come from the parse, the others from word lists (accounts_multilingual.py).
"""

from __future__ import annotations

import re
import unicodedata

from .places import country_name

ACCOUNT = "account of the attack"
ACCOUNTS = ("confirms it", "denies it")
CONFIRMS, DENIES = 0, 1
CONFIRMING = {"confirm", "acknowledge", "admit"}
DENYING = {"deny"}
ATTACK_WORDS = {"attack", "strike", "airstrike", "raid", "operation", "bombing", "shelling", "incursion",
                "offensive", "assault"}
# verbs whose object or subject is the attack itself: "carried out the strike", "the attack occurred"
HAPPENING_VERBS = {"carry", "conduct", "launch", "order", "occur", "happen", "take"}
# a quick look before parsing: only sentences with one of these can give an account
ACCOUNT_HINT = re.compile(r"\b(?:confirm|acknowledg|admit|denie|deny)", re.I)

# an institution named in any of the five languages, by the English word for it; spelt here in
# lower case without accents (a word is compared so), and German compounds are matched inside
# ("Verteidigungsministerium")
INSTITUTIONS = {
    "ministry": ("ministry", "ministerio", "ministere", "ministerium"),
    "defense": ("defense", "defence", "defensa", "defesa", "verteidigung"),
    "foreign": ("foreign", "exteriores", "estrangeiros", "etrangeres", "auswartig", "aussenministerium",
                "außenministerium"),
    "interior": ("interior", "interieur", "innenministerium"),
    "army": ("army", "ejercito", "exercito", "armee"),
    "navy": ("navy", "armada", "marinha", "marine"),
    "police": ("police", "policia", "polizei"),
    "government": ("government", "gobierno", "governo", "gouvernement", "regierung"),
    "military": ("military", "militares", "militaires", "militar"),
    "pentagon": ("pentagon", "pentagono", "pentagone"),
}


# Words that may stand in an institution's name beside the institution's own: any other word
# ("the Thai military", "das thailändische Militär") may say whose it is, so the name is not
# taken for a party of its own
LINKING_WORDS = {"the", "of", "de", "del", "da", "do", "das", "der", "des", "du", "la", "le", "les", "el", "los",
                 "las", "o", "a", "os", "as", "die", "dem", "den", "l'", "for", "y", "e", "et", "und", "and"}


def account_claims(doc) -> list[tuple[int, object, int, int]]:
    """(CONFIRMS or DENIES, the subject token, start, end of the verb) for each account of the
    attack a parsed English sentence gives."""
    found = []
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ != "VERB" or lemma not in CONFIRMING | DENYING:
            continue
        if any(child.dep_ == "neg" for child in token.children):
            continue  # "did not confirm the strikes" denies nothing
        if not any(_tells_the_attack(child) for child in token.children):
            continue
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            found.append((CONFIRMS if lemma in CONFIRMING else DENIES, subject, token.idx, token.idx + len(token.text)))
    return found


def _tells_the_attack(child) -> bool:
    """Is the verb's object the attack itself: "confirmed the strikes", "denied striking", "denied
    that its jets had attacked", "denied they carried out the strike", "denied the attack
    occurred"? Not "denied any links to the raid" nor "denied discussing the strikes"."""
    if child.dep_ == "dobj":
        return child.lemma_.lower() in ATTACK_WORDS
    if child.dep_ not in ("xcomp", "ccomp"):
        return False
    if child.lemma_.lower() in ATTACK_WORDS:
        return True
    return child.lemma_.lower() in HAPPENING_VERBS and any(
        c.dep_ in ("dobj", "nsubj", "nsubjpass") and c.lemma_.lower() in ATTACK_WORDS for c in child.children)


def party_of(words: list[str], names: list[str]) -> str:
    """Who a subject's words name, as one key in English: a country ("Tailandia" is thailand),
    else the institution they name when they name nothing else ("El Ministerio de Defensa" is the
    defense ministry; "the Thai military" is nobody's here), else its `names` ("hamas")."""
    for word in words:
        country = country_name(word)
        if country != word:
            return country
    kinds = [_institutions(word) for word in words if _plain(word) not in LINKING_WORDS]
    if any(kinds):
        return " ".join(sorted(set().union(*kinds))) if all(kinds) else ""
    return " ".join(name.lower() for name in names)


def _institutions(word: str) -> set[str]:
    """The institutions a word names: "Verteidigungsministerium" names two."""
    plain = _plain(word)
    return {kind for kind, spellings in INSTITUTIONS.items() if any(spelling in plain for spelling in spellings)}


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))
