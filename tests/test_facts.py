"""The fact layer: figures per sentence (facts.py) and figures aligned across outlets (fact_links.py).

Sentences are written for these tests; the failures they exercise are the ones issue 14 lists
from real coverage (totals vs parts, subsets, different facts sharing a unit, rising tolls).
"""

from datetime import date

import numpy as np
import pytest

from storydiff.classify import NumberRule
from storydiff.fact_links import calendar_slips, figure_conflict, figure_slots, link_facts, shown
from storydiff.criminal_records import CRIMINAL_RECORD
from storydiff.lone_actor import LONE_ACTOR
from storydiff.facts import extract_facts, same_moment
from storydiff.day_counts import DAY_COUNT
from storydiff.facts_multilingual import extract_story_facts, read_facts
from storydiff.settings import FactSettings


def facts_of(text):
    (facts,) = extract_facts([text])
    return facts


def one_fact(text, kind=None):
    facts = [f for f in facts_of(text) if kind is None or f.kind == kind]
    assert len(facts) == 1, facts
    return facts[0]


@pytest.mark.parametrize(
    ("text", "kind", "unit", "role", "counted"),
    [
        ("Police say four masked men were involved.", "count", "perpetrator", "", "masked men"),
        ("Nineteen people were killed and many more were hurt.", "count", "people", "dead", "people"),
        ("The attack left 44 fatalities in the city.", "count", "people", "dead", "fatalities"),
        ("At least 268 people are still unaccounted for.", "count", "people", "missing", "people"),
        ("Smoke poured from the 31-storey towers.", "count", "storey", "measure", "storey"),
        ("Broadcom, too, fell 17% on Monday.", "percent", "percent", "fell", ""),
        ("Nvidia lost $589 billion in market value.", "money", "dollar", "fell", ""),
        ("He said the three Thai soldiers killed by a landmine had strayed.", "count", "soldier", "dead", "thai soldiers"),
    ],
)
def test_a_figure_knows_what_it_counts_and_what_happened(text, kind, unit, role, counted):
    fact = one_fact(text, kind)
    assert (fact.unit, fact.role, fact.counted) == (unit, role, counted)
    assert text[fact.start:fact.end] == fact.value_text


def test_names_the_figure_is_about_come_from_its_own_clause_and_its_source():
    broadcom = one_fact("Broadcom saw its stock plunge over 19%, while Nvidia's shares rose 2%.".split(",")[0] + ".")
    assert broadcom.entities == {"broadcom"}
    cambodia = facts_of("Cambodia's defence ministry said 13 people were killed in the fighting.")[0]
    assert cambodia.entities == {"cambodia"}  # who says it is part of the figure
    nasdaq = one_fact("The Nasdaq 100 dropped 3.6 percent.")
    assert nasdaq.entities == {"nasdaq 100"}  # not the Nasdaq Composite
    named = one_fact("Chipmaking group Broadcom saw its stock plunge over 19%.")
    assert named.entities == {"broadcom"}  # a common noun named in apposition is that name
    described = one_fact("Jensen Huang, a co-founder of Nvidia, lost $20bn.")
    assert described.entities == {"jensen", "huang"}  # a description in apposition is not


def test_a_role_may_be_the_complement_of_as():
    assert one_fact("Nearly 300 people were reported as unaccounted for.").role == "missing"


def test_days_ages_and_years_are_facts_too():
    day = one_fact("The fire broke out on Wednesday afternoon.", "weekday")
    assert (day.value_text, day.role) == ("Wednesday", "happened")
    age = one_fact("Tiger Bech, 28, a former football player, died.", "age")
    assert (age.low, age.entities) == (28, {"bech"})
    assert one_fact("A fire in 1962 also killed 44 people.").years == {1962}
    assert facts_of("The museum reopened after the storm.") == []


def test_masked_context_hides_the_value():
    fact = one_fact("Officials said 36 people were killed in the blaze.")
    assert "36" not in fact.context and "killed" in fact.context


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        # totals vs parts: 230 + 12 = 242
        ("242 people were on board, including 12 crew.", "The plane carried 230 passengers and 12 crew.", None),
        # a subset is not the total, and being on board is not dying
        ("52 of the dead were British.", "53 British nationals were on board.", None),
        # two different spans of time
        ("They spent under four minutes inside.", "The whole raid lasted seven minutes.", None),
        # two currencies are never compared
        ("The thieves took a $60 million diamond.", "The loot is worth 88 million euros.", None),
        # British and American floor names
        ("They broke in through a first-floor window.", "They broke in through a second-floor window.", None),
        # bounds and rounding
        ("The selloff wiped out over $589 billion.", "The selloff wiped out $593 billion.", None),
        ("Nvidia lost $600bn of market value.", "Nvidia lost $589 billion of market value.", None),
        ("Huang's fortune fell by $21 billion.", "Huang's fortune fell by $20.1 billion.", "number"),
        ("Two thieves pulled off the heist in broad daylight.", "Police say four masked men were involved.", "number"),
        ("The heist took place on October 19.", "The heist took place on October 20.", "date"),
    ],
)
def test_figures_out_of_context(a, b, kind):
    conflict = figure_conflict(*extract_facts([a, b]))
    assert (conflict.kind if conflict else None) == kind


def test_number_rule_explains_what_differs():
    (conflict,) = NumberRule().check_pairs([("Four thieves took part.", "Two thieves took part.")])
    assert (conflict.what, conflict.value_a, conflict.value_b) == ("thieves", "Four", "Two")


def story_links(texts, articles, published, settings=FactSettings()):
    facts = extract_facts(texts)
    # every context the same vector: these tests are about values, roles, names and dates
    vectors = np.ones((sum(len(f) for f in facts), 4), dtype=np.float32) / 2
    return facts, link_facts(facts, vectors, np.zeros((len(texts), 4), dtype=np.float32), articles, list(range(max(articles) + 1)), published, settings)


def test_rising_toll_is_an_update_and_a_later_confirmed_lower_figure_a_revision():
    texts = ["Portugal said at least 265 people were killed in the crash.", "Portugal said the crash killed 300 people.",
             "Portugal said the confirmed toll stands at 260 dead after identification.",
             "The confirmed toll stands at 250 dead."]  # whose toll? not said: no correction claimed
    facts, links = story_links(texts, [0, 1, 2, 3], ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-03"])
    relation = {(link.a.row, link.b.row): link.relation for link in links if link.a.kind == "count"}
    assert relation[(0, 1)] == "agrees"  # at least 265 fits 300
    assert relation[(1, 2)] == "number-revised"
    assert relation[(0, 2)] == "number-revised"
    assert relation[(1, 3)] == "number-update"


def test_tolls_of_one_day_are_updates_and_other_figures_contradict():
    texts = ["36 people were killed in the fire.", "The fire killed 44 people.",
             "Nvidia lost $589 billion on Monday.", "Nvidia lost $593 billion on Monday."]
    _, links = story_links(texts, [0, 1, 0, 1], ["2025-11-27", "2025-11-27"])
    relation = {(link.a.row, link.b.row): link.relation for link in links if link.a.kind != "weekday"}
    assert relation[(0, 1)] == "number-update"
    assert relation[(2, 3)] == "number"


def test_counts_of_one_moment_contradict_where_a_day_alone_would_make_them_updates():
    texts = ["The fire has killed 44 people, and 279 people are still missing.",
             "Police said 44 people had died; about 200 people are still missing.",
             "Police said 55 people had died; about 200 people are still missing.",
             "44 people were killed and 45 people were injured.", "44 people were killed and 62 people were injured."]
    _, links = story_links(texts, [0, 1, 2, 3, 4], ["2025-11-27"] * 5)
    relation = {(link.a.row, link.b.row, link.a.role): link.relation for link in links}
    assert relation[(0, 1, "missing")] == "number"  # one day, one death toll: one moment
    assert relation[(0, 2, "missing")] == "number-update"  # the toll moved on: so did the search
    assert relation[(3, 4, "injured")] == "number-update"  # casualty counts of several sources


def test_nearly_stays_within_a_round_figure_of_its_value():
    (nearly,) = [f for f in facts_of("The estate has nearly 2,000 flats.") if f.kind == "count"]
    assert (nearly.low, nearly.high) == (1900, 2000)
    assert figure_conflict(*extract_facts(["The estate comprises 1,800 flats.", "The estate comprises nearly 2,000 flats."]))
    assert not figure_conflict(*extract_facts(["Almost 800 firefighters were deployed.", "767 firefighters were deployed."]))


@pytest.mark.parametrize("text", ["The fire engulfed a residential complex of about 2,000 apartments.",
                                  "The estate has blocks with 4,800 residents.",
                                  "The estate is home to 4,800 residents."])
def test_what_a_place_is_made_of_or_holds(text):
    assert one_fact(text, "count").role == "comprises"


@pytest.mark.parametrize(("text", "role"), [("The fire forced the evacuation of 900 residents.", "evacuated"),
                                            ("A total of 44 people died.", "dead")])
def test_a_count_after_of_keeps_its_own_role(text, role):
    assert one_fact(text, "count").role == role


def test_the_displaced_are_not_counted_among_the_dead_of_the_same_sentence():
    facts = extract_facts(["The conflict has left at least 32 fatalities and the displacement of nearly 200,000 people."])[0]
    roles = {fact.value_text: fact.role for fact in facts if fact.kind == "count"}
    assert roles == {"at least 32": "dead", "nearly 200,000": "evacuated"}


@pytest.mark.parametrize("text, shot", [
    ("Three guards were wounded by gunfire at the gate.", 3),
    ("The gunman opened fire in the lobby, wounding four guards.", 4),
    ("He stormed the depot and fired at the guards, injuring three before he was arrested.", 3),
    ("The sniper shot and injured five guards.", 5),
    ("Nine people were hurt, including three guards who were shot.", 3),
    ("Three guards were hurt: one by gunfire and two when the van hit them.", 1),
    ("Two guards were injured - one was shot and one was struck by the van.", 1),
])
def test_a_count_of_the_shot_stands_beside_the_count_of_the_injured(text, shot):
    counts = [f for f in extract_facts([text])[0] if f.kind == "count"]
    (shot_count,) = [f for f in counts if f.role == "shot"]
    assert (shot_count.low, shot_count.high if shot_count.high != float("inf") else shot_count.low) == (shot, shot)
    assert shot_count.unit == "guard"
    assert any(f.role == "injured" and f.unit == "guard" for f in counts)  # the injured count is kept


@pytest.mark.parametrize("text", [
    "Five guards were injured when the van hit the gate, and police later shot the driver.",
    "The van hit the gate, injuring two guards before the driver was shot dead.",
    "Four guards were injured in the crash.",
    "Five residents were injured by fire on the upper floors.",
])
def test_the_injured_are_not_the_shot_when_gunfire_did_not_hurt_them(text):
    assert [f for f in extract_facts([text])[0] if f.role == "shot"] == []


def test_one_shot_and_one_run_over_contradicts_two_shot_and_agrees_on_two_hurt():
    texts = ["Two guards were injured: one by gunfire and another when the van struck them.",
             "The gunman shot and wounded two guards at the gate of the depot.",
             "He opened fire, wounding at least two guards at the gate of the depot."]
    facts, links = story_links(texts, [0, 1, 2], ["2025-03-01"] * 3)
    relation = {(link.a.row, link.b.row, link.a.role, link.b.role): link.relation for link in links}
    assert relation[(0, 1, "shot", "shot")] == "number"
    assert relation[(0, 2, "shot", "shot")] == "number"  # the injured and the shot are not two parts
    assert relation[(0, 1, "injured", "injured")] == "agrees"
    assert relation[(1, 2, "shot", "shot")] == "agrees"


def test_a_count_of_the_shot_that_rises_with_the_injured_is_an_update():
    texts = ["Police said ten people were wounded by gunfire near the stadium on Saturday night.",
             "Fourteen people were wounded by gunfire near the stadium on Saturday night, police said."]
    for published in (["2025-03-01", "2025-03-02"], ["2025-03-01", "2025-03-01"]):
        _, links = story_links(texts, [0, 1], published)
        relation = {(link.a.role, link.b.role): link.relation for link in links if link.a.kind == "count"}
        assert relation[("shot", "shot")] == relation[("injured", "injured")] == "number-update"


def test_the_day_a_happening_began_is_compared_on_less_alike_contexts():
    texts = ["Since the military confrontation started on June 24, at least 15 people have died.",
             "The violence, which began on July 24, has displaced thousands.",
             "The talks, which were held on July 24, ended without a deal."]
    facts = extract_facts(texts)
    vectors = np.full((sum(len(f) for f in facts), 4), np.sqrt(0.3) / 2, dtype=np.float32)  # cosine 0.3
    links = link_facts(facts, vectors, np.zeros((3, 4), dtype=np.float32), [0, 1, 2], [0, 1, 2], [None] * 3,
                       FactSettings())
    dates = {(link.a.row, link.b.row): link.relation for link in links if link.a.kind == "date"}
    assert dates == {(0, 1): "date"}  # began vs began; the talks were held, a moment of their own


def test_a_list_of_the_dead_gives_each_named_person_a_fate():
    texts = ["Among the injured is Nikyra Cheyenne Dedeaux, a student from Gulfport.",
             "Also confirmed dead were Nicole Perez, 27, of Metairie; Martin “Tiger” Bech, 27, of Lafayette; "
             "and Nikyra Dedeaux, 18, of Gulfport.",
             "Police said on Monday, 2 hours later, that the dead were mostly tourists."]
    facts, links = story_links(texts, [0, 1, 2], ["2025-01-01"] * 3)
    assert [(f.counted, f.value_text) for f in facts[1] if f.kind == "status"] == [
        ("Nicole Perez", "dead"), ("Martin “Tiger” Bech", "dead"), ("Nikyra Dedeaux", "dead")]
    assert not [f for f in facts[2] if f.kind == "status"]  # a day and a number name no one
    (link,) = [link for link in links if link.a.kind == "status"]
    assert (link.relation, link.b.counted) == ("status", "Nikyra Dedeaux")


def test_the_same_count_of_another_kind_of_place_contradicts():
    provinces = "Thailand imposed martial law in eight border provinces."
    conflict = figure_conflict(*extract_facts([provinces, "Martial law was imposed in eight districts of Trat province."]))
    assert (conflict.kind, conflict.value_a, conflict.value_b) == ("unit", "eight border provinces", "eight districts")
    # a sentence that counts both kinds of place tells them apart; other counts are other figures
    both = figure_conflict(*extract_facts([provinces, "The fighting spread to eight districts in two provinces."]))
    assert (both.kind, both.value_b) == ("number", "two provinces")  # out of context, provinces vs provinces
    assert not figure_conflict(*extract_facts([provinces, "Martial law was imposed in five districts."]))
    # a share of a set of places counts those places; a share of people is no count of them here
    partitive = figure_conflict(*extract_facts([provinces, "Thailand declared martial law in eight of the bordering districts."]))
    assert (partitive.kind, partitive.value_b) == ("unit", "eight bordering districts")
    assert not extract_facts(["Eight of the men fled."])[0]


def test_a_companys_stock_and_a_persons_fortune_are_different_figures():
    stock, fortune = extract_facts(["Jensen Huang's company saw its stock drop 17% on Monday.",
                                    "Jensen Huang witnessed a startling 20% drop in his net worth."])
    assert (stock[0].counted, fortune[0].counted) == ("stock", "fortune")
    assert figure_conflict(stock, fortune) is None
    assert figure_conflict(*extract_facts(["Nvidia's stock dropped 17% on Monday.",
                                           "Nvidia's shares plunged 19% on Monday."])).kind == "number"


def test_a_multiple_said_with_a_verb_is_a_figure():
    (nearly,) = facts_of("The loss nearly doubled the previous record.")
    assert (nearly.kind, nearly.low, nearly.high, nearly.value_text) == ("multiple", 1.9, 2.0, "nearly doubled")
    assert not facts_of("He doubles as a coach on a double-decker bus.")
    conflict = figure_conflict(*extract_facts(["The loss nearly doubled the previous record.",
                                               "The loss more than doubled the previous record."]))
    assert (conflict.kind, conflict.value_a, conflict.value_b) == ("number", "nearly doubled", "more than doubled")
    assert not figure_conflict(*extract_facts(["The loss doubled the previous record.",
                                               "The loss nearly doubled the previous record."]))


def test_two_breakdowns_of_the_same_total_toll_contradict_even_on_one_day():
    texts = ["Thailand has suffered 20 fatalities, including 13 civilians and seven soldiers.",
             "Thailand said 20 people were killed, including 14 civilians and six soldiers.",
             "Thailand said 15 people were killed, including 14 civilians and one soldier."]
    _, links = story_links(texts, [0, 1, 2], ["2025-07-26", "2025-07-26", "2025-07-25"])
    relation = {(link.a.row, link.b.row, link.a.value_text): link.relation for link in links}
    assert relation[(0, 1, "13")] == relation[(0, 1, "seven")] == "number"  # one total, two breakdowns
    assert relation[(1, 2, "20")] == "number-update"  # another total a day later: another stage of the count
    assert (1, 2, "14") not in relation or relation[(1, 2, "14")] == "agrees"


def test_two_itemised_tallies_of_one_day_contradict_and_thai_officials_speak_for_thailand():
    texts = ["In Thailand, the army said five soldiers were killed, taking the toll there to 20 — 14 civilians "
             "and six military.",
             "Thai officials stated that a total of 19 people — including 13 civilians and 6 soldiers — have been killed.",
             "Thai officials said 19 people have been killed.",
             "Cambodia said 13 people were killed, among them eight civilians and five soldiers."]
    facts, links = story_links(texts, [0, 1, 2, 3], ["2025-07-26"] * 4)
    toll = next(f for f in facts[0] if f.value_text == "20")
    assert (toll.unit, toll.role, toll.entities) == ("people", "dead", frozenset({"thailand"}))  # not 20 civilians
    relation = {(link.a.row, link.b.row, link.a.value_text): link.relation for link in links}
    assert relation[(0, 1, "20")] == "number"  # each added up from its parts: two counts, not two stages
    assert relation[(0, 2, "20")] == "number-update"  # a bare total of one day may be an earlier stage
    assert not [r for (a, b, _), r in relation.items() if 3 in (a, b) and r != "agrees"]  # Cambodia's toll


def test_a_figure_that_found_its_counterpart_does_not_contradict_the_other_figures():
    texts = ["Nvidia lost $600 billion ($1.05 trillion) in market value.", "Nvidia lost $589 billion in market value.",
             "Huang lost $20.8 billion, which left his fortune at $103.6 billion.",
             "Huang lost $21 billion, which left his fortune at $103.1 billion."]
    facts = extract_facts(texts)
    # contexts alike, though not so alike that figures far apart would be one figure
    vectors = np.full((sum(len(f) for f in facts), 4), np.sqrt(0.85) / 2, dtype=np.float32)
    links = link_facts(facts, vectors, np.zeros((4, 4), dtype=np.float32), [0, 1, 0, 1], [0, 1], [None] * 2,
                       FactSettings())
    money = {(link.a.row, link.b.row, link.a.value_text, link.b.value_text): link.relation for link in links}
    assert not [key for key, relation in money.items() if key[:2] == (0, 1) and relation != "agrees"]
    assert money[(2, 3, "$103.6 billion", "$103.1 billion")] == "number"  # another pair, another figure


def test_a_figure_an_outlet_repeats_contradicts_in_each_sentence_and_its_other_figures_once():
    texts = ["Tiger Bech, 28, died in the attack.", "Tiger Bech, 28, a former Princeton player, died in the attack.",
             "Tiger Bech, 27, died in the attack.",
             "Shares of Nvidia fell 17% on Monday.", "Shares of Nvidia fell 16% in Monday trading.",
             "Shares of Nvidia fell 15% on Monday."]
    _, links = story_links(texts, [0, 0, 1, 0, 0, 1], ["2025-01-01", "2025-01-01"])
    ages = {(link.a.row, link.b.row) for link in links if link.contradicts and link.a.kind == "age"}
    assert ages == {(0, 2), (1, 2)}  # 28 said twice against 27: both sentences, as an editor lists them
    shares = [link for link in links if link.contradicts and link.a.kind == "percent"]
    assert len(shares) == 1  # 17% and 16% against 15%: one disagreement, on its clearest pair


@pytest.mark.parametrize("text, value", [
    ("Authorities believe Jabbar acted alone but continue to investigate possible connections.", "acted alone"),
    ("Although initial reports suggested the possibility of accomplices, officials now believe Jabbar acted alone.",
     "acted alone"),
    ("Investigators said no other attackers were involved.", "acted alone"),
    ("Other attackers can now exploit the flaw, the researcher said.", None),  # other attacks
    ("The FBI has stated that they do not believe Jabbar acted alone.", "not alone"),
    ("Investigators believe Jabbar may not have acted alone.", "not alone"),
    ("Federal agents do not think Jabbar was “solely responsible” for the attack.", "not alone"),
    ("The attack was described as coordinated and involving multiple actors who could still be at large.", "not alone"),
    ("Several suspects were arrested on Monday.", None),  # arrests, not attackers
    ("The rocket killed multiple people and injured several others.", None),
    ("He was left alone in the house.", None),
    ("Police said the gunman was a lone wolf.", "acted alone"),  # no verb of its own: the phrase
    ("Investigators do not think it was a lone-wolf attack.", "not alone"),
    ("Police said he acted alone, but witnesses described several attackers.", None),  # both: nothing certain
])
def test_whether_the_attacker_acted_alone_is_a_status(text, value):
    said = [f.value_text for f in facts_of(text) if f.unit == LONE_ACTOR]
    assert said == ([value] if value else [])


def test_acting_alone_and_others_taking_part_contradict_across_outlets_in_any_words():
    texts = ["Authorities believe Jabbar acted alone.", "Federal agents do not think Jabbar was solely responsible.",
             "The attack was described as coordinated and involving multiple actors.",
             "Officials now believe Jabbar acted alone."]
    _, links = story_links(texts, [0, 1, 2, 3], ["2025-01-01"] * 4)
    relation = {(link.a.row, link.b.row): link.relation for link in links if link.a.unit == LONE_ACTOR}
    assert relation == {(0, 1): "status", (0, 2): "status", (1, 3): "status", (2, 3): "status",
                        (0, 3): "agrees", (1, 2): "agrees"}
    explained = next(link for link in links if (link.a.row, link.b.row) == (0, 1))
    assert shown(explained) == (LONE_ACTOR, "acted alone", "not alone")


@pytest.mark.parametrize("text, value, whose", [
    ("The suspect, Shamsud-Din Jabbar, a Texas resident with a prior criminal record, wore body armor.", "had one",
     {"jabbar"}),
    ("The company found both individuals had clean criminal backgrounds.", "none", set()),
    ("Jabbar had no criminal record, police said.", "none", {"jabbar"}),
    ("The gunman, who did not have a criminal record, bought the rifle legally.", "none", set()),
    ("He passed a criminal background check.", None, None),  # a check says nothing of a record
])
def test_a_criminal_record_is_a_status_of_whom_it_is_said(text, value, whose):
    said = [(f.value_text, set(f.entities)) for f in facts_of(text) if f.unit == CRIMINAL_RECORD]
    assert said == ([(value, whose)] if value else [])


def test_a_record_and_a_clean_background_contradict_unless_they_are_different_peoples():
    texts = ["Jabbar, a Texas resident with a prior criminal record, rented the truck.",
             "Both individuals had clean criminal backgrounds.", "Smith had no criminal record."]
    _, links = story_links(texts, [0, 1, 2], ["2025-01-01"] * 3)
    relation = {(link.a.row, link.b.row): link.relation for link in links if link.a.unit == CRIMINAL_RECORD}
    assert relation == {(0, 1): "status", (1, 2): "agrees"}  # Smith's record is not Jabbar's


@pytest.mark.parametrize("text, unit, value, names", [
    ("Instead, Bangkok has rejected third-party mediation and imposed martial law.", "stance on talks", "rejects it",
     {"thailand"}),
    ("Bangkok has also rejected proposals from the United States to facilitate negotiations.", "stance on talks",
     "rejects it", {"thailand"}),
    ("A spokesman said that Bangkok was open to talks, possibly aided by Malaysia.", "stance on talks", "open to it",
     {"thailand"}),
    ("Bangkok was not open to talks.", "stance on talks", "rejects it", {"thailand"}),
    ("Hamas rejected the ceasefire proposal on Tuesday.", "stance on a ceasefire", "rejects it", {"hamas"}),
    ("Cambodia and Thailand agreed to an immediate ceasefire.", "stance on a ceasefire", "open to it",
     {"cambodia", "thailand"}),
    ("Washington rejected the talks.", "stance on talks", "rejects it", {"united states"}),  # a capital's government
    ("Thailand has stated that it is open to talks.", None, None, None),  # "it": either side
    ("Anwar led the talks as head of the regional bloc.", None, None, None),
])
def test_where_a_named_party_stands_on_talks_is_a_status(text, unit, value, names):
    said = [(f.unit, f.value_text, set(f.entities)) for f in facts_of(text) if f.unit.startswith("stance")]
    assert said == ([(unit, value, names)] if unit else [])


@pytest.mark.parametrize("text, value, party", [
    ("The Defense Ministry confirmed the strikes in a statement on Wednesday.", "confirms it", "defense ministry"),
    ("Cambodia's defence ministry denied the strike.", "denies it", "cambodia"),
    ("Thailand denied that its jets had attacked civilian areas.", "denies it", "thailand"),
    ("The Pentagon acknowledged the raid.", "confirms it", "pentagon"),
    ("Hamas admitted the attack on Tuesday.", "confirms it", "hamas"),
    ("The Defense Ministry did not confirm the strikes.", None, None),  # not confirming is no denial
    ("The Thai military confirmed the strikes.", None, None),  # whose military: "Thai" is no country name here
    ("It denied the attack.", None, None),
    ("Sudan's armed forces denied they carried out the strike.", "denies it", "sudan"),
    ("The Pentagon confirmed the death of two soldiers.", None, None),  # not an account of the attack
    ("Sudan's government denied any links to the raid.", None, None),
    ("Kerry denied discussing the strikes with Iran.", None, None),
])
def test_what_a_named_party_says_of_the_attack_is_a_status(text, value, party):
    said = [(f.value_text, set(f.entities)) for f in facts_of(text) if f.unit == "account of the attack"]
    assert said == ([(value, {party})] if value else [])


def test_an_attack_confirmed_and_denied_contradicts_within_a_day_and_is_an_update_later():
    texts = ["The Defense Ministry confirmed the strikes.", "The Defense Ministry denied the strikes.",
             "Cambodia denied the attack.", "The Defense Ministry denied the strikes."]
    _, links = story_links(texts, [0, 1, 2, 3], ["2025-09-20", "2025-09-20", "2025-09-20", "2025-09-24"])
    relation = {(link.a.row, link.b.row): link.relation for link in links if link.a.unit == "account of the attack"}
    assert relation[(0, 1)] == "status"
    assert relation[(0, 3)] == "number-update"  # four days on: the ministry changed its account
    assert not [pair for pair in relation if 2 in pair]  # Cambodia's account is its own


def test_a_party_open_to_talks_and_rejecting_them_within_a_day_contradicts():
    texts = ["Bangkok has rejected third-party mediation.", "Bangkok was open to talks, aided by Malaysia.",
             "Phnom Penh rejected talks.", "Bangkok was open to talks with Cambodia."]
    _, links = story_links(texts, [0, 1, 2, 3], ["2025-07-26", "2025-07-26", "2025-07-26", "2025-07-29"])
    relation = {(link.a.row, link.b.row): link.relation for link in links if link.a.unit == "stance on talks"}
    assert relation[(0, 1)] == "status"  # one day, one party, two stances
    assert relation[(0, 3)] == "number-update"  # three days later: a change of mind
    assert not [pair for pair in relation if 2 in pair]  # Phnom Penh's stance is its own


def test_a_capital_and_its_country_are_one_party():
    texts = ["Bangkok has rejected third-party mediation.", "Thailand was open to talks, aided by Malaysia."]
    _, links = story_links(texts, [0, 1], ["2025-07-26", "2025-07-26"])
    assert [(link.a.row, link.b.row, link.relation) for link in links if link.a.unit == "stance on talks"] == [
        (0, 1, "status")]


def test_a_toll_no_one_else_gave_and_later_reports_never_reached_contradicts_the_settled_count():
    texts = ["The attack killed ten people.", "Nineteen people were killed in the attack.",
             "The attack killed 15 people.", "The attack killed 15 people, police said.",
             "The attack killed 14 people."]
    published = ["2025-01-01", "2025-01-01", "2025-01-01", "2025-01-01", "2025-01-07"]
    _, links = story_links(texts, [0, 1, 2, 3, 4], published)
    relation = {(link.a.row, link.b.row): link.relation for link in links}
    assert relation[(1, 2)] == relation[(1, 3)] == relation[(1, 4)] == "number"  # 19: never the count
    assert relation[(0, 1)] == "number-update"  # ten: an earlier stage of the count
    assert relation[(0, 2)] == relation[(2, 4)] == "number-update"  # 15, given by two outlets, is no outlier
    # with no later report, the highest toll of the day may be the newest one
    _, links = story_links(texts[:4], [0, 1, 2, 3], published[:4])
    assert {link.relation for link in links if link.a.row == 1 or link.b.row == 1} == {"number-update"}


def test_an_undated_toll_above_the_latest_count_contradicts_it():
    texts = ["Nineteen people were killed in the attack.", "The attack killed 15 people.",
             "The attack killed 14 people."]
    _, links = story_links(texts, [0, 1, 2], [None, "2025-01-01", "2025-01-07"])
    relation = {(link.a.row, link.b.row): link.relation for link in links}
    assert relation[(0, 1)] == relation[(0, 2)] == "number"  # 19, of any day, was never the count
    # reports of one day only: the undated toll may be a later one
    _, links = story_links(texts[:2], [0, 1], [None, "2025-01-01"])
    assert {link.relation for link in links} == {"number-update"}


def test_a_weekday_the_calendar_puts_on_another_date_contradicts_the_outlets_that_date_it_rightly():
    texts = ["Tensions escalated on Thursday (July 25), and 100,000 people fled.",
             "Deadly clashes erupted along the border on Thursday, July 24.",
             "Les affrontements ont débuté jeudi 24 juillet.",
             "A report published on Saturday, July 26, gave the toll. Talks opened on Wednesday, July 23.",
             "A report published on Friday, July 25, gave the toll.",
             "Talks resumed on Monday, August 4.",
             "Fighting began on Thursday, July 24. A report on Saturday, July 25 gave the toll."]
    facts = extract_facts(texts[:2] + [""] + texts[3:])
    facts[2] = read_facts(texts[2], "fr", 2)
    rows = list(range(len(texts)))

    def slips(published, texts=texts, facts=facts):
        found = calendar_slips(facts, texts, np.zeros((len(texts), 4), dtype=np.float32), rows[:len(texts)],
                               rows[:len(texts)], [date.fromisoformat(day) if day else None for day in published])
        assert all(link.relation == "date" for link in found)
        return {(link.a.row, link.b.row): (link.a.value_text, link.b.value_text) for link in found}

    found = slips(["2025-07-25"] * 7)
    # July 25, 2025 was a Friday. "Thursday (July 25)" is wrong against each outlet that gives a
    # right weekday and date in the same week, in any language, once per outlet and by the day
    # nearest it (Saturday, July 26 rather than Wednesday, July 23). Monday, August 4 is too far
    # to show it; the last outlet slips itself ("Saturday, July 25"), so it is no witness; and
    # right days are never set against each other.
    assert found == {(0, 1): ("Thursday, July 25", "Thursday, July 24"), (0, 2): ("Thursday, July 25", "jeudi, 24 juillet"),
                     (0, 3): ("Thursday, July 25", "Saturday, July 26"), (0, 4): ("Thursday, July 25", "Friday, July 25"),
                     (1, 6): ("Thursday, July 24", "Saturday, July 25"), (2, 6): ("jeudi, 24 juillet", "Saturday, July 25"),
                     (3, 6): ("Saturday, July 26", "Saturday, July 25"),
                     (4, 6): ("Friday, July 25", "Saturday, July 25")}
    assert slips([None] * 7) == {}  # with no year said or known there is no calendar to check
    # the story's linking adds them
    vectors = np.ones((sum(len(f) for f in facts), 4), dtype=np.float32) / 2
    links = link_facts(facts, vectors, np.zeros((7, 4), dtype=np.float32), rows, rows,
                       ["2025-07-25"] * 7, FactSettings(), texts)
    assert any((link.a.row, link.b.row, link.relation) == (0, 4, "date") for link in links)


def test_a_count_of_days_tells_the_day_a_happening_began():
    texts = ["July 26: the two armies clashed for a third straight day.",
             "Since the military confrontation started on June 24, at least 15 people were killed.",
             "The fighting escalated on July 25.", "The border clashes began on July 24.",
             "El conflicto escaló este sábado 26 de julio, marcando el tercer día consecutivo de combates.",
             "The strike entered its 10th day on March 3, 2025.", "Workers walked out for a second day."]
    languages = ["en", "en", "en", "en", "es", "en", "en"]
    facts = extract_story_facts(texts, languages)
    began = {row: [f for f in row_facts if f.counted == DAY_COUNT] for row, row_facts in enumerate(facts)}
    assert [(f.low, f.role, f.value_text) for f in began[0]] == [(724, "happened", "third straight day, July 26")]
    assert [f.low for f in began[4]] == [724] and [f.low for f in began[5]] == [222]  # March 3, 2025 - 9 days
    assert began[6] == []  # no date to count from
    vectors = np.ones((sum(len(f) for f in facts), 4), dtype=np.float32) / 2
    links = link_facts(facts, vectors, np.ones((7, 4), dtype=np.float32) / 2, list(range(7)), list(range(7)),
                       ["2025-07-26"] * 7, FactSettings())
    counted = {(link.a.row, link.b.row): link.relation for link in links
               if DAY_COUNT in (link.a.counted, link.b.counted)}
    assert counted[(0, 1)] == counted[(1, 4)] == "date"  # began June 24 vs (July 26 - 2 days)
    assert counted[(0, 3)] == "agrees"
    assert (0, 2) not in counted  # the day it escalated is another moment


def test_a_day_meets_a_day_whose_sentence_names_its_owner_outside_the_clause():
    texts = ["On Tuesday, Nvidia's stock plunged 17%.",
             "DeepSeek's challenge, which wiped $600bn from Nvidia's market value on Monday, shook Wall Street.",
             "Shares of Broadcom fell 17% on Tuesday.", "Shares of Oracle fell 14% on Monday."]
    facts = extract_facts(texts)
    days = {f.row: f for row_facts in facts for f in row_facts if f.kind == "weekday"}
    assert not days[0].entities & days[1].entities  # the Monday is told of DeepSeek
    vectors = np.ones((sum(len(f) for f in facts), 4), dtype=np.float32) / 2
    links = link_facts(facts, vectors, np.zeros((4, 4), dtype=np.float32), [0, 1, 2, 3], [0, 1, 2, 3],
                       ["2025-01-28"] * 4, FactSettings(), texts)
    days_linked = {(link.a.row, link.b.row): link.relation for link in links if link.a.kind == "weekday"}
    assert days_linked[(0, 1)] == "date"  # Nvidia's Tuesday vs the Monday of Nvidia's market value
    assert (2, 3) not in days_linked  # Broadcom's day and Oracle's are two companies' days


def test_a_size_is_said_in_the_singular():
    (facts,) = extract_facts(["A huge housing complex consisting of five 40-story towers with around 1,200 "
                              "apartments housing about 3,000 people is located there."])
    roles = {f.value_text: f.role for f in facts}
    assert roles["40"] == "measure"  # "40-story towers": the towers' size
    # the parser hangs "1,600 apartments" on "housing" as it hangs "26-story" on "towers":
    # a plural noun is a count of things, here what the complex holds
    assert roles["around 1,200"] == "comprises"


def test_close_sums_of_money_are_one_figure_even_when_a_clause_names_no_one():
    texts = ["Nvidia's stock closed at $118.42 on Monday.", "The chipmaker's stock closed at $118.58.",
             "The chipmaker's stock closed at $142.10."]
    facts = extract_facts(texts)
    # contexts and sentences only half alike: below what unnamed sums of money otherwise need
    vectors = np.full((sum(len(f) for f in facts), 4), 0.5 * np.sqrt(0.5), dtype=np.float32)
    links = link_facts(facts, vectors, np.zeros((3, 4), dtype=np.float32), [0, 1, 2], [0, 1, 2], [None] * 3,
                       FactSettings())
    money = {(link.a.row, link.b.row): link.relation for link in links if link.a.kind == "money"}
    assert money == {(0, 1): "number"}  # $142.10 is 17% away: some other price, unless a name says so


def test_figures_of_different_companies_or_times_are_not_linked():
    texts = ["Shares of Broadcom fell 17% on Monday.", "Shares of Oracle fell 14% on Monday.",
             "A fire in 1962 killed 44 people.", "The fire killed 36 people."]
    _, links = story_links(texts, [0, 1, 0, 1], ["2025-11-27", "2025-11-27"])
    assert not [link for link in links if {link.a.row, link.b.row} in ({0, 1}, {2, 3})]


def test_slots_group_figures_of_one_thing_with_their_status():
    texts = ["Nvidia lost $589 billion on Monday.", "Nvidia lost $593 billion on Monday.",
             "Nvidia lost about $590 billion on Monday.", "The museum has 12 rooms."]
    facts, links = story_links(texts, [0, 1, 2, 3], [None] * 4)
    slots = figure_slots(facts, links)
    money = [slots[(f.row, f.start)] for row in facts[:3] for f in row if f.kind == "money"]
    assert len({slot for slot, _ in money}) == 1
    assert [status for _, status in money] == ["conflict", "conflict", "agrees"]
    assert slots[(3, facts[3][0].start)][1] == "single"


def test_the_model_is_asked_only_about_one_moment():
    assert same_moment("Jabbar served in the military for ten years.", "Jabbar served 13 years in the army.")
    assert not same_moment("DeepSeek's success has undermined U.S. firms.", "DeepSeek's potential is highlighted.")
    assert not same_moment("Shares of Broadcom plunged on Monday.", "Shares of Oracle plunged on Monday.")


@pytest.mark.parametrize(
    ("text", "status", "unit", "names"),
    [
        ("The Sugar Bowl between two unbeaten teams has been postponed to Thursday.", "postponed", "event", {"sugar", "bowl"}),
        ("Organisers decided to proceed with the event.", "went ahead", "event", set()),
        ("The match was moved indoors, so it had to be cancelled for safety reasons.", "cancelled", "event", set()),
        ("Officials called off the parade.", "cancelled", "status of parade", set()),
        ("The game was held as planned.", "went ahead", "event", set()),
    ],
)
def test_a_status_says_what_became_of_an_event(text, status, unit, names):
    fact = one_fact(text, "status")
    assert (fact.value_text, fact.unit, fact.entities) == (status, unit, names)


def test_a_denied_status_or_an_unknown_it_states_nothing():
    assert not [f for f in facts_of("The game was not postponed.") if f.kind == "status"]
    assert not [f for f in facts_of("They postponed nothing, and we delayed them.") if f.kind == "status"]
    assert not [f for f in facts_of("Delta flights were delayed.") if f.kind == "status"]


def test_statuses_of_one_event_contradict_and_of_other_things_do_not():
    texts = ["The Sugar Bowl has been postponed to Thursday.", "Organisers decided to proceed with the game.",
             "The Sugar Bowl was postponed after the attack.", "The Orange Bowl went ahead as planned.",
             "Flights were cancelled at the airport."]
    _, links = story_links(texts, [0, 1, 2, 3, 4], [None] * 5)
    relation = {(link.a.row, link.b.row): link.relation for link in links if link.a.kind == "status"}
    assert relation[(0, 1)] == relation[(1, 2)] == "status"  # the game: the story's event, named or not
    assert relation[(0, 2)] == "agrees"
    assert (0, 3) not in relation and (2, 3) not in relation  # another bowl
    assert not [f for f in facts_of(texts[4]) if f.kind == "status"]  # flights are cancelled in part
    (link,) = [link for link in links if (link.a.row, link.b.row) == (0, 1)]
    assert link.a.slot_label == "what became of the Sugar Bowl"


def test_of_an_outlets_two_statuses_the_one_saying_what_became_of_the_event_is_shown():
    texts = ["The Sugar Bowl has been postponed to Thursday.",
             "Organisers decided to proceed with the game.",
             "The game was held less than a mile from Bourbon Street."]
    facts = extract_facts(texts)
    assert [f.value_text for row in facts[1:] for f in row if f.kind == "status"] == ["went ahead", "went ahead"]
    # the venue sentence reads closer to the first one, as a Spanish "the game in the nearby
    # Superdome had to be postponed" reads closer to it than to the organisers' decision
    sentence_vectors = np.array([[1, 0, 0, 0], [0.6, 0.8, 0, 0], [0.9, 0.436, 0, 0]], dtype=np.float32)
    context_vectors = np.zeros((sum(len(f) for f in facts), 4), dtype=np.float32)
    links = link_facts(facts, context_vectors, sentence_vectors, [0, 1, 1], [0, 1], [None, None], FactSettings())
    shown_rows = [(link.a.row, link.b.row) for link in links if link.a.kind == "status" and link.contradicts]
    assert shown_rows == [(0, 1)]


def test_the_same_arrests_on_two_charges_contradict_and_other_arrests_do_not():
    texts = ["Police arrested three men on suspicion of manslaughter.",
             "Three executives have been arrested on suspicion of murder.",
             "The anti-graft agency arrested eight people on suspicion of corruption.",
             "Three people were charged with manslaughter on Friday."]
    facts, links = story_links(texts, [0, 1, 2, 3], [None] * 4)
    assert [f.value_text for f in facts[1] if f.kind == "status"] == ["murder"]
    relation = {(link.a.row, link.b.row): link.relation for link in links if link.a.kind == "status"}
    assert relation[(0, 1)] == relation[(1, 3)] == "status"
    assert relation[(0, 3)] == "agrees"
    assert not [pair for pair in relation if 2 in pair]  # eight arrests: other arrests
    assert not [f for f in facts_of("He was held on suspicion of murder.") if f.kind == "status"]  # no count


def test_a_named_person_killed_in_one_report_and_injured_in_another_of_that_day_contradict():
    texts = ["Among the injured is Nikyra Cheyenne Dedeaux, a student from Gulfport.",
             "Melissa Dedeaux, whose daughter Nikyra was killed, spoke to reporters.",
             "Nikyra Dedeaux died in hospital, police said.",
             "Smith was injured and later died in hospital."]
    facts, links = story_links(texts, [0, 1, 2, 3], ["2025-01-01", "2025-01-01", "2025-01-02", "2025-01-01"])
    relation = {(link.a.row, link.b.row): link.relation for link in links if link.a.kind == "status"}
    assert relation[(0, 1)] == "status"  # the same day: injured vs killed
    assert relation[(0, 2)] == "number-update"  # dead in a later report: her injuries took her life
    assert relation[(1, 2)] == "agrees"
    assert [f.entities for f in facts[1] if f.kind == "status"] == [{"nikyra"}]  # not her mother
    assert not [f for f in facts[3] if f.kind == "status"]  # two fates in one sentence: none


def test_the_toll_of_what_set_the_story_off_does_not_rise():
    texts = ["The crisis was triggered by landmine incidents that injured three Thai soldiers.",
             "The crisis was sparked by a landmine explosion last Wednesday that injured five Thai soldiers.",
             "The fighting began Thursday after five Thai soldiers were wounded by a land mine.",
             "The game was postponed after three people were injured.",
             "The game was postponed after five people were injured."]
    facts, links = story_links(texts, [0, 1, 2, 3, 4], ["2025-07-24", "2025-07-25", "2025-07-28", "2025-07-24",
                                                      "2025-07-25"])
    assert [f.cause for row in facts for f in row if f.kind == "count"] == [True, True, True, False, False]
    relation = {(link.a.row, link.b.row): link.relation for link in links if link.a.kind == "count"}
    assert relation[(0, 1)] == relation[(0, 2)] == "number"  # three vs five: one blast, told two ways
    assert relation[(3, 4)] == "number-update"  # the story's own toll still rises from one day to the next


def test_one_group_told_dead_by_one_outlet_and_hurt_by_another_contradicts():
    from storydiff.fact_links import shown

    texts = ["Phnom Penh said the three Thai soldiers killed by a landmine had strayed from their route.",
             "The envoy was expelled over landmine incidents that injured three Thai soldiers.",
             "Three people were killed and three people were injured."]
    _, links = story_links(texts, [0, 1, 2], ["2025-07-24"] * 3)
    fates = [link for link in links if link.relation == "status"]
    assert [(link.a.row, link.b.row) for link in fates] == [(0, 1)]  # "people" alone is any group
    assert shown(fates[0]) == ("thai soldiers", "three dead", "three injured")


def test_a_size_belongs_to_the_thing_measured_not_to_the_sentences_subject():
    facts = extract_facts(["Ho was one of the firefighters sent to a complex of eight 31-story towers.",
                           "Smoke poured from the 32-storey Wang Fuk Court complex."])
    sizes = [f for row in facts for f in row if f.role == "measure"]
    assert [(f.value_text, f.entities) for f in sizes] == [("31", frozenset()),
                                                          ("32", frozenset({"wang", "fuk", "court"}))]


def test_two_full_lists_of_one_set_that_name_different_members_contradict():
    from storydiff.fact_links import shown

    texts = ["The wards that will close their libraries are: Ashby, Brook Hill, Carrow, Dunmere and Elstow "
             "in the north.",
             "Five wards will lose their libraries: Ashby, Brookhill, Carrow, Fenwick and Elstow.",
             "The wards chosen for the pilot are: Ashby, Carrow and Elstow.",  # fewer members, none other
             "The wards that won prizes were: Gorse, Hatley and Ivybridge."]  # another set of the same noun
    facts, links = story_links(texts, [0, 1, 2, 3], ["2026-03-02"] * 4)
    lists = [[f for f in row if f.kind == "members"] for row in facts]
    assert [f.value_text for row in lists for f in row] == [
        "Ashby, Brook Hill, Carrow, Dunmere, Elstow", "Ashby, Brookhill, Carrow, Fenwick, Elstow",
        "Ashby, Carrow, Elstow", "Gorse, Hatley, Ivybridge"]
    contradicting = [link for link in links if link.contradicts]
    assert [(link.a.row, link.b.row, link.relation) for link in contradicting] == [(0, 1, "members")]
    # "Brook Hill" and "Brookhill" are one ward spelt two ways; Dunmere and Fenwick differ
    assert shown(contradicting[0]) == ("wards listed", "Dunmere", "Fenwick")


@pytest.mark.parametrize("text", [
    "Four wards will lose their libraries: Ashby, Brook Hill, Carrow, Dunmere and Elstow.",  # 4 said, 5 listed
    "The victims included: a teacher, a nurse and two students.",  # not a list of names
    "He said: We will go, they will stay, and that is that.",
    "Ashby, Carrow and Elstow are among the wards.",  # no colon: a list need not be whole
])
def test_only_a_whole_list_of_names_is_a_list_of_members(text):
    assert not [f for f in extract_facts([text])[0] if f.kind == "members"]


def test_a_list_some_members_of_which_are_named_is_not_whole():
    for text in ["The new members include: Ashby, Carrow and Elstow.", "Wards such as: Ashby, Carrow and Elstow."]:
        assert not [f for f in extract_facts([text])[0] if f.kind == "members"]
    (listed,) = [f for f in extract_facts(["Four versions are affected: Windows NT, Windows 2000, Windows XP and "
                                           "Windows Server 2003."])[0] if f.kind == "members"]
    assert listed.value_text == "Windows NT, Windows 2000, Windows XP, Windows Server 2003"


@pytest.mark.parametrize("text, language, shown, low, high", [
    ("The blaze started at around 2:51 p.m. on Wednesday.", "en", "2:51 p.m.", 861, 921),
    ("The fire broke out at 2.51pm local time.", "en", "2.51pm", 891, 891),
    ("On Monday, approximately 15:00 local time (07:00 GMT), a fire erupted in the depot.", "en", "15:00", 870, 930),
    ("Les combats ont débuté vers 7h30 jeudi.", "fr", "7h30", 420, 480),
    ("Die Kämpfe begannen gegen 4.30 Uhr.", "de", "4.30 Uhr", 240, 300),
    ("Los disturbios comenzaron a las 22:10 del sábado.", "es", "22:10", 1330, 1330),
])
def test_the_time_a_happening_began_is_a_fact(text, language, shown, low, high):
    from storydiff.clock_times import began_at

    (fact,) = began_at(text, language)
    assert (fact.kind, fact.value_text, fact.low, fact.high) == ("time", shown, low, high)
    assert text[fact.start:fact.end] == shown


@pytest.mark.parametrize("text, language", [
    ("The stock started the day at 1.50 and fell 16.97%.", "en"),  # no clock: a price
    ("Los combates comenzaron el 24 de julio y dejaron 1.50 millones de desplazados.", "es"),
    ("The fire started at 2:51 p.m. and was upgraded at 6:22 p.m.", "en"),  # two times: which began?
    ("Fighting began at 0300 GMT.", "en"),  # a conversion, not the local time
    ("The attack started at 3:15.", "en"),  # morning or afternoon?
    ("The firefighters arrived at 3:15 p.m.", "en"),  # not a beginning
])
def test_a_number_that_is_not_surely_the_time_something_began_is_not(text, language):
    from storydiff.clock_times import began_at

    assert began_at(text, language) == []


def test_times_a_happening_began_hours_apart_contradict_and_close_ones_agree():
    from storydiff.facts_multilingual import extract_story_facts
    from storydiff.fact_links import shown

    texts = ["Las hostilidades comenzaron a las 4:30 a.m. del jueves, según fuentes oficiales.",
             "Clashes began at approximately 7:30 a.m. local time on Thursday, officials said.",
             "The fighting started at about 5 a.m. on Thursday, officials said."]
    facts = extract_story_facts(texts, ["es", "en", "en"])
    vectors = np.ones((sum(len(f) for f in facts), 4), dtype=np.float32) / 2
    links = [link for link in link_facts(facts, vectors, np.zeros((3, 4), dtype=np.float32), [0, 1, 2], [0, 1, 2],
                                         ["2026-05-07"] * 3, FactSettings()) if link.a.kind == "time"]
    assert {(link.a.row, link.b.row): link.relation for link in links} == {
        (0, 1): "date", (0, 2): "agrees", (1, 2): "date"}
    assert shown(next(link for link in links if (link.a.row, link.b.row) == (0, 1))) == (
        "time it began", "4:30 a.m.", "7:30 a.m.")


def test_a_time_of_day_is_not_a_count():
    facts = extract_facts(["The fire broke out at 2.51pm local time, and at 3 p.m. 40 people were hurt."])[0]
    assert [(f.kind, f.value_text) for f in facts if f.kind == "count"] == [("count", "40")]


def test_an_update_in_a_pair_of_sentences_does_not_hide_their_contradiction():
    from storydiff.align import _with_fact_conflicts

    texts = ["The strikes killed 11 people, four sources said.", "The strikes killed 14 people, two sources said."]
    _, links = story_links(texts, [0, 1], ["2025-09-20", "2025-09-21"])
    assert {link.relation for link in links} >= {"number-update", "number"}  # the toll rose; the sources differ
    [(_, conflict)] = _with_fact_conflicts([], links)
    assert (conflict.kind, conflict.value_a, conflict.value_b) == ("number", "four", "two")
