"""Fact alignment: which figures of different outlets are figures of the same thing, and do they agree.

Sentences are not each other's best match when a contradiction sits inside sentences that say
other things too ("Two thieves pulled off the heist in broad daylight" / "Police say four
masked men were involved"), so figures are compared across every pair of articles, not only
across candidate sentence pairs. Two figures are of the same thing (one *slot*) when they have
the same kind and unit, the same role (or one of them has none), no disjoint proper nouns
("Broadcom fell 17%" is not "Nvidia fell 17%"; for days, a name anywhere in the other sentence
will do: "DeepSeek's challenge, which wiped $600bn in Nvidia's market value on Monday") and
sentences about the same thing (cosine).

Two figures of one slot then:
- agree when their intervals overlap (bounds, ranges and rounding are already in the interval);
- agree when one is the sum of the other sentence's figures (totals vs parts: 242 on board vs
  230 passengers and 12 crew);
- are an update (`number-update`) when the later article gives the larger count, or a count of
  the missing, the hospitalised or the evacuated falls, unless both are parts of one total toll
  that both sentences give ("20 dead: 13 civilians" / "20 dead: 14 civilians" contradict), or
  both articles are of one day and each total is added up from its parts ("19 people, including
  13 civilians and 6 soldiers" / "the toll to 20 — 14 civilians and six military"), or both
  tell what set the story off ("sparked by a blast that injured five soldiers": history, not a
  count still rising);
- are a revision (`number-revised`, a contradiction) when the later article gives a lower figure
  called confirmed, final or revised;
- contradict (`number`) when one is a toll no other outlet gave and a later report still puts
  lower: it was never the count, and it is set against the settled count, not earlier ones;
- contradict as `number` when both articles are of one day and give the same death toll (one
  moment of the story) and their counts of the missing or the relocated differ;
- contradict as `unit` when they count the same number of another kind of place ("eight
  provinces" / "eight districts"), unless a sentence counts both kinds;
- else contradict (`number`, `date` for days and dates, `status` for what became of an event or
  a named person and the charge against the arrested: statuses.py; whether the attacker acted
  alone: lone_actor.py; a criminal record: criminal_records.py; a party's stance on talks:
  stances.py); a person injured in one report and dead in a later one is an update, and so is a
  stance reported more than a day after the other.

A weekday given with its date is checked against the calendar of its year: "Thursday (July 25)"
in 2025 contradicts (`date`) each other outlet that gives a weekday and its date rightly in the
same week ("Thursday, July 24", "Friday, July 25"), whatever the sentences are about. A count of
a happening's days ("a third day" on July 26, day_counts.py) is the day it began (July 24), set
only against other days a happening began.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

import numpy as np

from .accounts import ACCOUNT
from .clock_times import TIME
from .day_counts import DAY_COUNT
from .denials import STATEMENT, beyond_the_english_rules
from .member_lists import MEMBERS, differing_members, lists_of_one_set, members_of
from .facts import ADMIN_AREAS, LIGHT_VERBS, MAY_FALL, PLACES, TIME_UNITS, WEEKDAYS, Fact
from .gunfire import SHOT
from .settings import FactSettings
from .stances import SAME_MOMENT_DAYS, STANCE_UNITS
from .statuses import PERSON_UNIT

# verbs that say when a happening began
BEGAN = {"start", "begin", "erupt", "break", "outbreak", "ignite", "flare"}
CONTRADICTING = ("number", "number-revised", "date", "status", "unit", "negation", MEMBERS)
SMALL_COUNT = 10
# a calendar slip is certain; that both sentences tell of one happening is not
CALENDAR_CONFIDENCE = 0.8
CALENDAR = "the calendar"
MIN_CONTEXT_WORDS = 5
# Contexts this alike say the figures are of one thing whatever their values.
SAME_CONTEXT = 0.9
# Counts that grow (or, for some, shrink) as a story unfolds: a different toll on another day is
# an update unless the later one is a corrected, confirmed or final figure.
# Counts of casualties come from several sources at once (police, hospitals): two counts of one
# moment may differ without either being wrong ("some 35 injured" / "30 injured" on one day).
CASUALTIES = {"dead", "injured", SHOT}
TOLLS = {"dead", "injured", SHOT, "missing", "hospitalised", "evacuated", "arrested", "displaced", "rescued",
         "released"}


@dataclass(frozen=True)
class FactLink:
    a: Fact  # a.row < b.row, in articles of different sources
    b: Fact
    relation: str  # 'agrees', 'number-update', or a contradiction: CONTRADICTING
    similarity: float  # cosine of the two sentences
    confidence: float  # 0..1: how sure storydiff is that these are figures of one thing

    @property
    def contradicts(self) -> bool:
        return self.relation in CONTRADICTING


def contexts_to_embed(facts: Sequence[Sequence[Fact]], article_of: Sequence[int]) -> list[int]:
    """Indices (facts row by row) of the figures another article gives a figure of the same kind
    and unit for: only those are ever compared, so only their contexts need a vector."""
    flat = [f for row_facts in facts for f in row_facts]
    articles: dict[tuple[str, str], set[int]] = {}
    for fact in flat:
        articles.setdefault(slot_key(fact), set()).add(article_of[fact.row])
    # a statement is only ever set against one in another article, not both English, that names
    # someone it names (_same_slot): the others need no vector
    statements = [f for f in flat if f.kind == STATEMENT and f.entities]

    def may_meet(fact: Fact) -> bool:
        return any(article_of[other.row] != article_of[fact.row] and beyond_the_english_rules(fact, other)
                   and _shared_names(fact, other) for other in statements)

    return [i for i, f in enumerate(flat) if len(articles[slot_key(f)]) > 1 and (f.kind != STATEMENT or may_meet(f))]


def context_vectors(n_facts: int, embedded: Sequence[int], vectors: np.ndarray) -> np.ndarray:
    """A vector per fact: those embedded in their places, zeros for figures never compared."""
    out = np.zeros((n_facts, vectors.shape[1] if vectors.ndim == 2 and len(vectors) else 1), dtype=np.float32)
    if len(embedded):
        out[np.asarray(embedded)] = vectors
    return out


def figure_conflict(facts_a: Sequence[Fact], facts_b: Sequence[Fact], settings: FactSettings | None = None):
    """The contradiction between two sentences' figures read out of context (no dates, no
    neighbours): a Conflict, or None. Figures of one slot that agree anywhere win."""
    from .classify import Conflict

    settings = settings or FactSettings()
    rows_a = [replace(f, row=0) for f in facts_a]
    rows_b = [replace(f, row=1) for f in facts_b]
    found, agreeing = None, set()
    for fa in rows_a:
        for fb in rows_b:
            if (slot_key(fa) != slot_key(fb) or not _same_slot(fa, fb, 1.0, settings)
                    or _places_told_apart(fa, fb, [rows_a, rows_b])):
                continue
            relation = _relation(fa, fb, [rows_a, rows_b], None, None, tolls_rise=False)
            if relation == "agrees":
                agreeing.add(slot_key(fa))
            elif relation in CONTRADICTING and found is None:
                found = (fa, fb, relation)
    if found is None or slot_key(found[0]) in agreeing:
        return None
    fa, fb, relation = found
    return Conflict(relation, 1.0, (fa.start, fa.end), (fb.start, fb.end), fb.low > fa.high, fa.slot_label, None,
                    value_text(fa), value_text(fb))


def figure_slots(facts: Sequence[Sequence[Fact]], links: Sequence[FactLink]) -> dict[tuple[int, int], tuple[int, str]]:
    """(slot, status) per fact, keyed by (row, start): figures linked to each other, directly or
    through others, are one slot, a thing counted; status is 'conflict' (a contradiction),
    'update' (changed between reports), 'agrees' or 'single' (no other outlet gives it)."""
    keys = [(f.row, f.start) for row_facts in facts for f in row_facts]
    parent = {key: key for key in keys}

    def find(key):
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    status: dict[tuple[int, int], str] = {}
    rank = {"conflict": 3, "update": 2, "agrees": 1}
    for link in links:
        ka, kb = (link.a.row, link.a.start), (link.b.row, link.b.start)
        ra, rb = find(ka), find(kb)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        state = "conflict" if link.contradicts else "update" if link.relation == "number-update" else "agrees"
        for key in (ka, kb):
            if rank[state] > rank.get(status.get(key, ""), 0):
                status[key] = state
    numbering: dict[tuple[int, int], int] = {}
    return {key: (numbering.setdefault(find(key), len(numbering)), status.get(key, "single")) for key in keys}


def slot_key(fact: Fact) -> tuple[str, str]:
    """What a figure may be compared with: its kind and unit; districts and provinces are both
    places counted, so that "eight provinces" / "eight districts" can be set side by side."""
    return (fact.kind, PLACES if fact.kind == "count" and fact.unit in ADMIN_AREAS else fact.unit)


def shown(link: "FactLink") -> tuple[str, str, str]:
    """What a link is about and its two values, as a reader sees them: "thai soldiers: three
    injured vs three dead" when one group's fates differ, "Jabbar acted alone / Jabbar actuó
    solo: says so vs denies it" for statements, else "people dead: 19 vs 20"."""
    a, b = link.a, link.b
    if link.relation == "status" and a.kind == "count":
        return a.counted, f"{value_text(a)} {a.role}", f"{value_text(b)} {b.role}"
    if a.kind == MEMBERS:  # the members only one list names: "districts listed: Kaeng Hang Maew vs Khlung"
        only_a, only_b = differing_members(members_of(a.value_text), members_of(b.value_text)) or ([], [])
        return a.slot_label, ", ".join(only_a), ", ".join(only_b)
    if a.kind == STATEMENT:  # as the polarity rule words it: "Jabbar acted alone: says so vs denies it"
        return f"{a.context} / {b.context}", *("denies it" if f.low == 0 else "says so" for f in (a, b))
    return a.slot_label, value_text(a), value_text(b)


def value_text(fact: Fact) -> str:
    if fact.kind == "weekday":
        return WEEKDAYS[int(fact.low)].capitalize()
    if slot_key(fact)[1] == PLACES:
        return f"{fact.value_text} {fact.counted}"
    return fact.value_text


def link_facts(
    facts: Sequence[Sequence[Fact]],
    context_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    article_of: Sequence[int],
    source_of: Sequence[int],
    published_of: Sequence[str | None],
    settings: FactSettings,
    texts: Sequence[str] | None = None,
) -> list[FactLink]:
    """Every pair of same-slot figures in articles of different sources, with its relation.

    `context_vectors` are the embeddings of the facts' masked contexts, in the order of the
    facts row by row; `sentence_vectors` those of the sentences. The higher of the two cosines
    says whether two figures are figures of the same thing: a short context loses what its
    sentence says ("The raid lasted just N minutes" / "The heist lasted about N minutes", 0.42).
    For each figure, only its most similar same-slot figure in each other article is linked:
    an outlier sentence is set against one sentence per other outlet, as an editor lists it.
    With the sentences' `texts`, a weekday given with its date that the calendar contradicts is
    set against the other outlets' right ones (calendar_slips)."""
    flat = [f for row_facts in facts for f in row_facts]
    if not flat:
        return []
    index_of = {id(f): i for i, f in enumerate(flat)}
    dates = [_parse_date(d) for d in published_of]
    by_unit: dict[tuple[str, str], list[Fact]] = {}
    timely = []
    for fact in flat:
        published = dates[article_of[fact.row]]
        if fact.years and (published is None or any(year != published.year for year in fact.years)):
            continue  # "a blaze in 1962 also killed 44 people": a figure of another event
        if fact.kind != "date" and published and any(month != published.month for month in fact.months):
            continue  # "the previous record drop in September": another time
        by_unit.setdefault(slot_key(fact), []).append(fact)
        timely.append(fact)
    best: dict[tuple[Fact, int], tuple[float, Fact]] = {}
    pairs: dict[tuple[Fact, Fact], float] = {}
    for group in by_unit.values():
        if len(group) < 2:
            continue
        rows = np.array([index_of[id(f)] for f in group])
        sentences = np.array([f.row for f in group])
        sims = context_vectors[rows] @ context_vectors[rows].T
        # a context of a few words ("a N decline") says too little to tell two figures apart
        bare = np.array([len(f.context.split()) < MIN_CONTEXT_WORDS and f.kind != STATEMENT for f in group])
        sims[bare, :] = -1.0
        sims[:, bare] = -1.0
        if group[0].kind not in ("weekday", "date", STATEMENT):  # a day's context is all it has to go on
            sims = np.maximum(sims, sentence_vectors[sentences] @ sentence_vectors[sentences].T)
        for i, fa in enumerate(group):
            for j in range(i + 1, len(group)):
                fb = group[j]
                art_a, art_b = article_of[fa.row], article_of[fb.row]
                if art_a == art_b or source_of[art_a] == source_of[art_b]:
                    continue
                similarity = float(sims[i, j])
                named_elsewhere = texts is not None and fa.kind in ("weekday", "date") and (
                    _names_in(fa.entities, texts[fb.row]) or _names_in(fb.entities, texts[fa.row]))
                if not _same_slot(fa, fb, similarity, settings, named_elsewhere) or _places_told_apart(fa, fb, facts):
                    continue
                pairs[(fa, fb)] = similarity
                for fact, other_article, other in ((fa, art_b, fb), (fb, art_a, fa)):
                    key = (fact, other_article)
                    if key not in best or _nearer(fact, other, similarity, *best[key]):
                        best[key] = (similarity, other)
    stage = _death_tolls(timely, article_of)
    relations = {}
    for (fa, fb) in pairs:
        a, b = (fa, fb) if fa.row < fb.row else (fb, fa)
        art_a, art_b = article_of[a.row], article_of[b.row]
        one_stage = (dates[art_a] is not None and dates[art_a] == dates[art_b]
                     and stage.get(art_a) is not None and stage.get(art_a) == stage.get(art_b))
        relations[(fa, fb)] = _relation(a, b, facts, dates[art_a], dates[art_b], one_stage=one_stage)
    relations = _unreached_tolls(relations, dates, article_of)
    # A figure that agrees with a figure of the other sentence ("$600bn ($1.05 trillion)" /
    # "$589bn") has found its counterpart: the other sentence's other figure is of something else.
    matched = {(fact, other.row) for (fa, fb), relation in relations.items() if relation == "agrees"
               for fact, other in ((fa, fb), (fb, fa))}
    links = []
    for (fa, fb), similarity in pairs.items():
        if best[(fa, article_of[fb.row])][1] is not fb and best[(fb, article_of[fa.row])][1] is not fa:
            continue  # one counterpart per figure and outlet, the most similar
        a, b = (fa, fb) if fa.row < fb.row else (fb, fa)
        relation = relations[(fa, fb)]
        if relation != "agrees" and ((a, b.row) in matched or (b, a.row) in matched):
            continue
        if relation == "agrees" and a.kind == STATEMENT:
            continue  # statements look for denials; what sentences share, their cosines find
        links.append(FactLink(a, b, relation, round(similarity, 4), _confidence(a, b, similarity, settings)))
    if texts is not None:
        linked = {((link.a.row, link.a.start), (link.b.row, link.b.start)) for link in links}
        links += [link for link in calendar_slips(facts, texts, sentence_vectors, article_of, source_of, dates)
                  if ((link.a.row, link.a.start), (link.b.row, link.b.start)) not in linked]
    return sorted(_one_disagreement_per_outlet_pair(links, article_of),
                  key=lambda link: (link.a.row, link.b.row, link.a.start, link.b.start))


# What may stand between a weekday and its date: "Thursday, July 24", "Thursday (July 25)",
# "July 24 (Thursday)", "jeudi 24 juillet", "sábado 26 de julio", "Donnerstag, dem 24. Juli".
WEEKDAY_WITH_DATE = re.compile(r"[\s,(]*(?:the|le|el|de|dem|den|der|o|a)?[\s,(]*", re.IGNORECASE)


# how far apart a right weekday-and-date may be from a slip and still show it: within one week
CALENDAR_REACH_DAYS = 6


def _calendar_days(row_facts: Sequence[Fact], text: str, year: int | None) -> list[tuple[Fact, Fact, date, bool]]:
    """(weekday, date, the day meant, right) for each weekday a sentence gives with its date;
    `right` says whether the calendar of the figure's year (else the article's) agrees."""
    out = []
    for day in (f for f in row_facts if f.kind == "weekday"):
        for when in (f for f in row_facts if f.kind == "date"):
            first, second = sorted((day, when), key=lambda f: f.start)
            if not WEEKDAY_WITH_DATE.fullmatch(text[first.end:second.start]):
                continue
            on = next(iter(when.years), year) if len(when.years) <= 1 else None
            if on is None:
                continue  # no year: no calendar to check against
            month, day_of_month = divmod(int(when.low), 100)
            try:
                meant = date(on, month, day_of_month)
            except ValueError:
                continue  # "February 30": no day at all
            out.append((day, when, meant, meant.weekday() == int(day.low)))
    return out


def calendar_slips(facts: Sequence[Sequence[Fact]], texts: Sequence[str], sentence_vectors: np.ndarray,
                   article_of: Sequence[int], source_of: Sequence[int], dates: Sequence[date | None]) -> list[FactLink]:
    """A weekday given with a date the calendar puts on another day ("Thursday (July 25)" in 2025)
    contradicts each outlet that gives a weekday and its date rightly in the same week ("Thursday,
    July 24" makes July 25 a Friday): whatever each sentence is about, one calendar holds for all
    of them. One pair per outlet, its day nearest the slip; an outlet that slips itself is no
    witness to the calendar."""
    days = [(row, *found) for row, row_facts in enumerate(facts)
            for found in _calendar_days(row_facts, texts[row], dates[article_of[row]].year if dates[article_of[row]] else None)]
    slipping = {source_of[article_of[row]] for row, *_, right in days if not right}
    nearest: dict[tuple[int, int], tuple[tuple, FactLink]] = {}
    for wrong_row, wrong_day, wrong_date, wrong_meant, right in days:
        if right:
            continue
        for row, day, when, meant, _ in days:
            if source_of[article_of[row]] in slipping:
                continue
            apart = abs((meant - wrong_meant).days)
            if apart > CALENDAR_REACH_DAYS:
                continue
            # each date shown with the weekday it is given: "Thursday, July 25" / "Friday, July 25"
            a, b = sorted((replace(wrong_date, value_text=f"{wrong_day.value_text}, {wrong_date.value_text}", counted=CALENDAR),
                           replace(when, value_text=f"{day.value_text}, {when.value_text}", counted=CALENDAR)),
                          key=lambda f: f.row)
            similarity = float(sentence_vectors[a.row] @ sentence_vectors[b.row])
            # nearest first; then the same weekday or the same date, which show the slip plainest
            rank = (apart, day.low != wrong_day.low and when.low != wrong_date.low, -similarity)
            key = (wrong_row, article_of[row])
            if key not in nearest or rank < nearest[key][0]:
                nearest[key] = (rank, FactLink(a, b, "date", round(similarity, 4), CALENDAR_CONFIDENCE))
    return [link for _, link in nearest.values()]


def _one_disagreement_per_outlet_pair(links: list[FactLink], article_of: Sequence[int]) -> list[FactLink]:
    """Two outlets that disagree on one thing disagree once, on the clearest pair of sentences:
    as an editor lists it, one pair per other outlet. A figure an outlet repeats in another
    sentence ("Tiger Bech, 28, died" ... "Tiger Bech, 28, a former Princeton player") is that
    disagreement again, and the editor lists each sentence that states it; its other figures of
    the same slot are not."""
    kept: dict[tuple, FactLink] = {}
    alike: dict[tuple, list[FactLink]] = {}
    others = []
    for link in links:
        if not link.contradicts:
            others.append(link)
            continue
        # figures of different companies or people are different disagreements; the day of the
        # happening is one, whoever the sentences name, though the day it began counted from its
        # days ("a third day on July 26") is a claim of its own beside a date said outright
        names = frozenset() if link.a.kind in ("weekday", "date") else link.a.entities & link.b.entities
        key = (article_of[link.a.row], article_of[link.b.row], *slot_key(link.a), link.a.role, link.b.role, names,
               DAY_COUNT in (link.a.counted, link.b.counted))
        if key not in kept or _better_link(link, kept[key]):
            kept[key] = link
        alike.setdefault(key, []).append(link)
    # figures only: a day or a status an outlet says again is mostly said in passing ("the stock's
    # drop Monday"), and keeping those repeats added 17 rows on the development stories, 13 of
    # which no editor listed
    repeated = [link for key, best in kept.items() if best.relation in ("number", "number-revised")
                for link in alike[key] if link is not best and _values(link) == _values(best)]
    return others + list(kept.values()) + repeated


def _values(link: FactLink) -> tuple[float, float, float, float]:
    return link.a.low, link.a.high, link.b.low, link.b.high


def _better_link(link: FactLink, kept: FactLink) -> bool:
    """The clearer pair of one disagreement: the more similar, or between the figures of the same
    two sentences that their contexts do not tell apart (_nearer), the nearer in value; of two
    statuses, the one not told by "was held" ("the game was held less than a mile from Bourbon
    Street" says mostly where it was to be played; "organisers decided to proceed" says what
    became of it)."""
    if link.a.kind == "status" and _held(link) != _held(kept):
        return _held(link) < _held(kept)
    unparsed = (link.a.row, link.b.row) == (kept.a.row, kept.b.row) and any(
        not new.verb and not old.verb for new, old in ((link.a, kept.a), (link.b, kept.b)))
    return _more_telling(link.similarity, _distance(link.a, link.b), kept.similarity, _distance(kept.a, kept.b),
                         unparsed)


def _held(link: FactLink) -> int:
    return (link.a.verb == "hold") + (link.b.verb == "hold")


# What a country's name gains in its people's: Thai-land, Cambodia-n, Israel-i
DEMONYM_ENDINGS = ("land", "n", "an", "ian", "i", "ese", "ish")


def _same_name(x: str, y: str) -> bool:
    shorter, longer = sorted((x.removesuffix("s"), y.removesuffix("s")), key=len)
    return shorter == longer or (len(shorter) >= 4 and longer.startswith(shorter)
                                 and longer[len(shorter):] in DEMONYM_ENDINGS)


def _shared_names(a: Fact, b: Fact) -> bool:
    """A name on both sides; "Nvidias" (a possessive without its apostrophe) is "Nvidia", and
    "Thai" officials speak for "Thailand"."""
    return any(_same_name(x, y) for x in a.entities for y in b.entities)


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    return frozenset(word.removesuffix("s") for word in re.findall(r"[a-z]+", text.lower()))


def _names_in(names: frozenset[str], text: str) -> bool:
    return any(name.removesuffix("s") in _words(text) for name in names)


def _same_slot(a: Fact, b: Fact, similarity: float, settings: FactSettings, named_elsewhere: bool = False) -> bool:
    """`named_elsewhere`: one sentence names the other figure's owner outside the figure's own
    clause, which is enough for days ("DeepSeek's challenge, which wiped $600bn in Nvidia's market
    value on Monday" is told of DeepSeek, and of Nvidia's Monday)."""
    if _fates_of_one_group(a, b):
        return similarity >= settings.min_similarity_weak
    if a.kind == TIME:  # the hour a happening began is one moment however the sentences tell the
        # rest, as the day it began is (min_similarity_began)
        return a.verb == b.verb == "begin" and similarity >= settings.min_similarity_began
    if a.kind == MEMBERS:  # most members in common, and sentences about one thing: lists of one set
        return (similarity >= settings.min_similarity
                and lists_of_one_set(members_of(a.value_text), members_of(b.value_text)))
    if a.kind == STATEMENT:  # a clause and its translation, about someone both name
        return beyond_the_english_rules(a, b) and _shared_names(a, b) and similarity >= settings.min_similarity_statement
    if a.kind == "status":  # one event: the same unit, and one name where both give one (the
        # Sugar Bowl is the Allstate Sugar Bowl, not the Orange Bowl)
        return not (a.entities and b.entities) or a.entities <= b.entities or b.entities <= a.entities
    if a.unit != b.unit:
        # "eight districts" / "eight provinces" may be one count told wrong (8 and 2 are not); the
        # names in such sentences are the places listed, not whose figure it is; the one count
        # is evidence enough that the sentences are about one thing (the strong threshold)
        return (a.low, a.high) == (b.low, b.high) and a.role == b.role and similarity >= settings.min_similarity
    if a.kind not in ("weekday", "date") and similarity < SAME_CONTEXT and not _comparable(a, b, settings.max_ratio):
        return False
    if a.entities and b.entities and not _shared_names(a, b) and not named_elsewhere:
        return False
    if a.kind == "age":
        return _shared_names(a, b)  # the same person named: "Tiger Bech, 28" / "Martin 'Tiger' Bech, 27"
    if (a.role and b.role and a.role != b.role) or (a.role == "measure") != (b.role == "measure"):
        return False  # "31-storey towers" measures the towers; "four towers" counts them
    if a.unit in TIME_UNITS and not (a.verb and a.verb == b.verb):
        return False
    # the same role, or the same verb saying what happened ("lasted", "served")
    strong = bool(a.role and b.role) or (bool(a.verb) and a.verb == b.verb and a.verb not in LIGHT_VERBS)
    needed = settings.min_similarity if strong else settings.min_similarity_weak
    if a.kind in ("weekday", "date"):
        # a story spans days: only the day of the same happening can contradict, and days two or
        # more apart are more often two moments of the story than one told wrong
        # the day a happening began is one moment however the sentences tell the rest ("the
        # military confrontation started on June 24" / "the violence, which began on July 24")
        began = a.role == b.role == "happened" and a.verb in BEGAN and b.verb in BEGAN
        if DAY_COUNT in (a.counted, b.counted) and not began:
            return False  # "a third day on July 26" tells when it began, not when it escalated
        needed = settings.min_similarity_began if began else settings.min_similarity_day
        return strong and similarity >= needed and _near_days(a, b)
    if a.kind == "money" and _near(a, b, settings.near_money_gap):
        # "$118.42" and "$118.58", "$103.7bn" and "$103.6bn": sums this close are one figure
        # told twice, whether or not both clauses say whose it is ("the chipmaker's stock")
        return similarity >= settings.min_similarity
    if a.kind in ("money", "percent") and a.counted and b.counted and a.counted != b.counted:
        return False  # a company's stock and a person's fortune
    if a.kind in ("money", "percent") and not _shared_names(a, b):
        # "shares fell 17%" is any company's shares unless the same name is on both sides
        needed = max(needed, settings.min_similarity_unnamed)
    return similarity >= needed


# Figures read without a parse (other languages: no verb) have their whole sentence for context,
# so two of one sentence this close in similarity are not told apart by it
SAME_SENTENCE_TIE = 0.05


def _nearer(fact: Fact, other: Fact, similarity: float, best_similarity: float, best: Fact) -> bool:
    """Is `other` a better counterpart for `fact` than `best`: more similar, or, between two
    figures of one sentence read without a parse, the nearer in value ("13 fallecidos (8 civiles
    y 5 militares) ... 19 muertes (13 civiles y 6 militares)" against 20 dead)."""
    unparsed = other.row == best.row and not other.verb and not best.verb
    return _more_telling(similarity, _distance(fact, other), best_similarity, _distance(fact, best), unparsed)


def _more_telling(similarity: float, distance: float, best_similarity: float, best_distance: float,
                  unparsed: bool) -> bool:
    """More similar; or, for figures of one sentence read without a parse, which their contexts
    do not tell apart (within SAME_SENTENCE_TIE), nearer in value."""
    if unparsed and abs(similarity - best_similarity) <= SAME_SENTENCE_TIE:
        return distance < best_distance
    return similarity > best_similarity


def _distance(a: Fact, b: Fact) -> float:
    return abs((a.low + min(a.high, a.low * 2)) - (b.low + min(b.high, b.low * 2)))


def _fates_of_one_group(a: Fact, b: Fact) -> bool:
    """"The three Thai soldiers killed by a landmine" / "a landmine that injured three Thai
    soldiers": one group, named alike and counted alike, dead in one telling and hurt in the other
    (whoever each sentence cites)."""
    return ({a.role, b.role} == {"dead", "injured"} and a.kind == b.kind == "count" and a.low == a.high == b.low
            == b.high and a.low > 1 and a.counted == b.counted and len(a.counted.split()) > 1)


def _places_told_apart(a: Fact, b: Fact, facts: Sequence[Sequence[Fact]]) -> bool:
    """"Eight districts in four provinces" counts both kinds of place: its eight districts are
    not another outlet's eight provinces told wrong."""
    return a.unit != b.unit and (any(f.unit == b.unit for f in facts[a.row]) or any(f.unit == a.unit for f in facts[b.row]))


def _near(a: Fact, b: Fact, gap: float) -> bool:
    """Stated values (no open bound: "more than $1 trillion" is near anything larger) at most
    `gap` of the larger apart."""
    if float("inf") in (a.high, b.high) or a.low <= 0 or b.low <= 0:
        return False
    x, y = sorted(((a.low + a.high) / 2, (b.low + b.high) / 2))
    return y - x <= gap * y


def _comparable(a: Fact, b: Fact, max_ratio: float) -> bool:
    """Figures more than `max_ratio` apart are figures of different things that share a unit
    ("$600bn" of market value, "$20bn" of a fortune), not two reports of one figure."""
    def point(f: Fact) -> float:
        return f.low if f.high == float("inf") else f.high if f.low <= 0 else (f.low + f.high) / 2

    x, y = sorted((point(a), point(b)))
    if a.kind == "count" and y < SMALL_COUNT:
        return True  # "two thieves" / "four masked men": small counts are stated, not estimated
    return x > 0 and y / x < max_ratio


def _near_days(a: Fact, b: Fact) -> bool:
    """The same day, the day before or after (a time zone, a slip), or for dates the same day of
    the next or previous month (a slip of the month: "June 24" for "July 24")."""
    if a.kind == "weekday":
        return min((a.low - b.low) % 7, (b.low - a.low) % 7) <= 1
    month_a, day_a, month_b, day_b = a.low // 100, a.low % 100, b.low // 100, b.low % 100
    return (month_a == month_b and abs(day_a - day_b) <= 1) or (day_a == day_b and abs(month_a - month_b) == 1)


def _relation(a: Fact, b: Fact, facts: Sequence[Sequence[Fact]], date_a: date | None, date_b: date | None,
              tolls_rise: bool = True, one_stage: bool = False) -> str:
    """`one_stage`: the two articles are of one day and give the same death toll, so they tell
    the story at one moment: their counts of the missing or the relocated cannot have moved between
    them (CASUALTIES aside)."""
    if a.kind == STATEMENT:
        return "agrees" if a.low == b.low else "negation"
    if a.kind == MEMBERS:
        return MEMBERS if differing_members(members_of(a.value_text), members_of(b.value_text)) else "agrees"
    if _fates_of_one_group(a, b):
        return "status"
    if a.unit != b.unit:
        return "unit"  # the same count of places, of another kind: eight provinces vs eight districts
    if a.low <= b.high and b.low <= a.high:
        return "agrees"
    if a.kind in ("weekday", "date", TIME):
        return "date"
    if a.kind == "status":
        held = a.unit in STANCE_UNITS or a.unit == ACCOUNT
        if held and date_a and date_b and abs((date_a - date_b).days) > SAME_MOMENT_DAYS:
            return "number-update"  # a party that changed its mind, or its account, between two reports
        if a.unit == PERSON_UNIT and date_a and date_b and date_a != date_b:
            later = b if date_b > date_a else a
            if later.value_text == "dead":
                return "number-update"  # injured in the first reports, dead in a later one
        return "status"
    if a.unit == "ordinal floor" and abs(a.low - b.low) == 1:
        return "agrees"  # the British first floor is the American second
    if _sum_of_parts(a, facts[b.row]) or _sum_of_parts(b, facts[a.row]):
        return "agrees"
    if a.role in TOLLS and tolls_rise:
        if _same_stage(a, b, facts) or _shot_of_one_count(a, b, facts) or (one_stage and a.role not in CASUALTIES):
            return "number"
        if a.cause and b.cause:
            return "number"  # the toll of what set the story off is history told, not a count still rising
        if date_a and date_b and date_a == date_b and _itemised(a, facts[a.row]) and _itemised(b, facts[b.row]):
            return "number"  # two tallies of one day, each added up from its parts, are two counts
        if not (date_a and date_b and date_a != date_b):
            # two tolls of one day: the count rose between the two reports more often than
            # one of them is wrong (the development stories' editors say so)
            return "number-update"
        later, earlier = (b, a) if date_b > date_a else (a, b)
        if later.low > earlier.high or later.role in MAY_FALL or not later.revision:
            return "number-update"
        # a correction is a strong claim: both must say whose toll it is
        return "number-revised" if _shared_names(a, b) else "number-update"
    return "number"


def _same_stage(a: Fact, b: Fact, facts: Sequence[Sequence[Fact]]) -> bool:
    """Are two parts of a toll parts of the same total? When each sentence's largest death toll
    is the same figure, the breakdowns of that total must agree too ("20 dead, including 13
    civilians and seven soldiers" / "the toll rose to 20: 14 civilians and six military")."""
    if not (a.role == b.role == "dead"):
        return False

    def total(row: int) -> Fact | None:
        tolls = [f for f in facts[row] if f.role == "dead" and f.kind == "count" and f.high < float("inf")]
        return max(tolls, key=lambda f: f.high, default=None)

    total_a, total_b = total(a.row), total(b.row)
    return (total_a is not None and total_b is not None and total_a is not a and total_b is not b
            and total_a.low == total_b.low and total_a.high == total_b.high and total_a.low >= SMALL_COUNT
            and a.high < total_a.low and b.high < total_b.low)


def _shot_of_one_count(a: Fact, b: Fact, facts: Sequence[Sequence[Fact]]) -> bool:
    """Do two sentences that count the shot differently agree on how many were hurt ("two
    officers were injured, one by gunfire" / "he shot and hurt two officers")? Then they tell
    one moment, and the shot among those hurt cannot have changed between them. Otherwise a count
    of the shot rises as the injured do."""
    if not (a.role == b.role == SHOT):
        return False

    def hurt(shot: Fact) -> list[Fact]:
        return [f for f in facts[shot.row] if f.role == "injured" and f.kind == "count" and f.unit == shot.unit]

    return any(x.low <= y.high and y.low <= x.high for x in hurt(a) for y in hurt(b))


def _death_tolls(facts: Sequence[Fact], article_of: Sequence[int]) -> dict[int, float]:
    """Each article's death toll, the story's clock: its largest count of the dead ("at least 44"
    is 44)."""
    tolls: dict[int, float] = {}
    for fact in facts:
        if fact.kind == "count" and fact.role == "dead" and fact.low >= SMALL_COUNT:
            article = article_of[fact.row]
            tolls[article] = max(tolls.get(article, 0.0), fact.low)
    return tolls


def _unreached_tolls(relations: dict[tuple[Fact, Fact], str], dates: Sequence[date | None],
                     article_of: Sequence[int]) -> dict[tuple[Fact, Fact], str]:
    """A toll that no other outlet gave and that a later report still puts lower was never the
    count: it was wrong, not an early stage of a rising count ("19 killed" on the first day, when
    every other outlet said 15 and a week later the count stood at 14). It contradicts the figures
    at or above that later one (the settled count), not the lower figures of earlier reports."""
    linked: dict[Fact, list[Fact]] = {}
    for fa, fb in relations:
        if fa.role in TOLLS and fa.role not in MAY_FALL:
            linked.setdefault(fa, []).append(fb)
            linked.setdefault(fb, []).append(fa)
    out = dict(relations)
    for peak, others in linked.items():
        when = dates[article_of[peak.row]]
        if peak.high == float("inf") or any(other.low >= peak.low for other in others):
            continue
        if when is None:
            # an undated report may be of any day: its toll was never the count when reports of
            # two or more days all put it lower, the latest too
            days = {dates[article_of[other.row]] for other in others} - {None}
            later_lower = [other.high for other in others
                           if len(days) > 1 and dates[article_of[other.row]] == max(days) and other.high < peak.low]
        else:
            later_lower = [other.high for other in others
                           if (dates[article_of[other.row]] or when) > when and other.high < peak.low]
        if not later_lower:
            continue
        settled = max(later_lower)
        for other in others:
            key = (peak, other) if (peak, other) in relations else (other, peak)
            if settled <= other.high < peak.low and relations[key] == "number-update":
                out[key] = "number"
    return out


def _itemised(total: Fact, row_facts: Sequence[Fact]) -> bool:
    """Is a total followed by the parts it is made of ("19 people, including 13 civilians and 6
    soldiers"; "the toll to 20 — 14 civilians and six military")? A tally so itemised is a count
    someone made, not an estimate still moving."""
    if total.low != total.high:
        return False
    running, parts = 0.0, 0
    for part in sorted((f for f in row_facts if f.kind == total.kind and f.start > total.start), key=lambda f: f.start):
        if part.low != part.high:
            return False
        running, parts = running + part.low, parts + 1
        if running >= total.low:
            return running == total.low and parts > 1
    return False


def _sum_of_parts(total: Fact, others: Sequence[Fact]) -> bool:
    """Does a sentence's figures add up to `total`? (230 passengers + 12 crew = 242 people)"""
    # the shot are some of the injured (gunfire.py), counted again, not another part
    parts = [f for f in others if f.kind == total.kind and f.start != total.start and f.role != SHOT]
    if len(parts) < 2:
        return False
    low, high = sum(f.low for f in parts), sum(f.high for f in parts)
    return low <= total.high and total.low <= high


def _confidence(a: Fact, b: Fact, similarity: float, settings: FactSettings) -> float:
    """Grows with the sentences' similarity and with a role and a name both sides state."""
    certain = 0.5 + 0.5 * min(1.0, max(0.0, (similarity - settings.min_similarity_weak) / 0.4))
    if a.role and b.role:
        certain += 0.1
    if a.entities & b.entities:
        certain += 0.1
    return round(min(1.0, certain), 3)


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
