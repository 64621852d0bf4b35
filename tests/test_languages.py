"""Other languages: detection, segmentation rules, facts read in es/fr/de/pt, the multilingual
embedder and its thresholds, and a story that mixes English, Spanish and German end to end."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import write_story
from storydiff.align import align_story
from storydiff.classify import Conflict, RuleDetector
from storydiff.embed import MULTILINGUAL_MODEL, load_embedder
from storydiff.extract import extract_article
from storydiff.fact_links import link_facts, shown
from storydiff.facts_multilingual import extract_story_facts, read_facts
from storydiff.languages import (declared_language, detect_language, for_languages, segmenter_language,
                                 sentence_languages)
from storydiff.segment import split_sentences
from storydiff.settings import AlignSettings, FactSettings, Settings
from storydiff.store import Store

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO / "tests" / "data" / "multilingual"
SAMPLE = REPO / "data" / "stories" / "louvre-heist"

PARAGRAPHS = {
    "en": "The museum stayed closed for the rest of the day while investigators searched the gallery.",
    "es": "El museo permaneció cerrado el resto del día mientras los investigadores registraban la galería.",
    "fr": "Le musée est resté fermé le reste de la journée pendant que les enquêteurs fouillaient la galerie.",
    "de": "Das Museum blieb den Rest des Tages geschlossen, während die Ermittler die Galerie durchsuchten.",
    "pt": "O museu permaneceu fechado o resto do dia enquanto os investigadores revistavam a galeria.",
}


@pytest.mark.parametrize("language", sorted(PARAGRAPHS))
def test_the_text_decides_the_language(language):
    assert detect_language(PARAGRAPHS[language]) == language
    # a template's wrong declaration does not override a clear text
    assert detect_language(PARAGRAPHS[language], declared="en" if language != "en" else "es") == language


def test_the_declared_language_settles_a_text_too_short_to_tell():
    assert detect_language("OK", declared="pt") == "pt"
    assert declared_language('<html class="x" lang="es-MX"><head>') == "es"
    assert declared_language('<meta property="og:locale" content="pt_BR">') == "pt"
    assert declared_language("<html><body>no declaration</body></html>") is None


def test_the_sentence_identifier_reuses_the_model_read_for_pages_and_judges_as_a_fresh_one():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from storydiff.languages import SENTENCE_LANGUAGES, _identifier

    full, restricted = _identifier(), _identifier(SENTENCE_LANGUAGES)
    assert restricted.tk_nextmove is full.tk_nextmove  # one read of the model file per process
    assert sorted(restricted.nb_classes) == sorted(SENTENCE_LANGUAGES) and len(full.nb_classes) > 100
    fresh = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    fresh.set_languages(list(SENTENCE_LANGUAGES))
    for text in [*PARAGRAPHS.values(), "Gracias.", "Two thieves took part."]:
        assert restricted.classify(text) == pytest.approx(fresh.classify(text))
        assert full.classify(text)[0] == detect_language(text)


def test_a_long_quote_in_another_language_is_read_as_that_language():
    texts = ["The prosecutor spoke to reporters outside the museum on Monday.",
             "«No descartamos ninguna hipótesis sobre los autores del robo del museo», dijo la fiscal.",
             "Gracias.", "The museum stayed closed."]
    assert sentence_languages("en", texts) == ["en", "es", "en", "en"]  # "Gracias." is too short to tell
    assert sentence_languages("es", [PARAGRAPHS["es"], PARAGRAPHS["pt"]]) == ["es", "pt"]


def test_pages_carry_their_language_through_extraction():
    assert extract_article((PAGES / "heraldo.html").read_text()).language == "es"
    assert extract_article((PAGES / "kurier.html").read_text()).language == "de"
    assert extract_article((SAMPLE / "tribune.html").read_text()).language == "en"


def test_sentences_are_split_with_the_language_rules():
    german = "Am 1. Januar 2025 starben 15 Menschen in der Stadt. Das sagte z. B. die Polizei am Abend."
    assert [s.text for s in split_sentences(german, language=segmenter_language("de"))] == [
        "Am 1. Januar 2025 starben 15 Menschen in der Stadt.", "Das sagte z. B. die Polizei am Abend."]
    # English rules cut after "1." and "z.", and the short pieces are dropped with the text they held
    assert [s.text for s in split_sentences(german)][0] == "Januar 2025 starben 15 Menschen in der Stadt."
    spanish = "Lo dijo el director del Hospital Gral. de México a la prensa. No dio más detalles del caso."
    assert len(split_sentences(spanish, language=segmenter_language("es"))) == 2
    assert segmenter_language("pt") == "es"  # pysbd has no Portuguese rules
    assert segmenter_language(None) == "en"


@pytest.mark.parametrize("text, language, low, high, unit, role", [
    ("Al menos 15 personas murieron en el ataque.", "es", 15, math.inf, "people", "dead"),
    ("Más de 138.000 personas fueron evacuadas.", "es", 138_000, math.inf, "people", "evacuated"),
    ("Plus de 300 000 personnes ont été évacuées.", "fr", 300_000, math.inf, "people", "evacuated"),
    ("Mindestens zwei Polizisten wurden verletzt, 14 Menschen getötet.", "de", 14, 14, "people", "dead"),
    ("Ao menos 15 pessoas morreram no ataque.", "pt", 15, math.inf, "people", "dead"),
    ("Dos ladrones participaron en el robo.", "es", 2, 2, "perpetrator", ""),
    ("Tailandia ha desplazado a 138,000 personas.", "es", 138_000 * 0.95, 138_000 * 1.05, "people", "evacuated"),
    ("Se registraron 3,5 millones de desplazados.", "es", 3.5e6 * 0.95, 3.5e6 * 1.05, "people", "evacuated"),
    ("Quinze civis morreram.", "pt", 15, 15, "civilian", "dead"),
    # lives lost, and tolls named before their number
    ("Quince personas perdieron la vida.", "es", 15, 15, "people", "dead"),
    ("Au moins 12 personnes ont péri dans l'incendie.", "fr", 12, math.inf, "people", "dead"),
    ("La cifra de fallecidos ascendió a 44.", "es", 44, 44, "people", "dead"),
    ("El balance provisional de víctimas mortales es de 12.", "es", 12, 12, "people", "dead"),
    ("O número de mortos subiu para 44.", "pt", 44, 44, "people", "dead"),
    ("Die Zahl der Verletzten stieg auf 70.", "de", 70, 70, "people", "injured"),
    # who killed them
    ("Un ataque el 15 de septiembre mató a tres personas.", "es", 3, 3, "people", "dead"),
    ("O ataque matou 11 pessoas.", "pt", 11, 11, "people", "dead"),
    ("La frappe a fait trois blessés, tuant 11 personnes.", "fr", 11, 11, "people", "dead"),
    ("Der Angriff tötete elf Menschen.", "de", 11, 11, "people", "dead"),
    # the alleged are counted by their noun, not by the word "alleged"
    ("El ataque mató a 14 presuntos narcotraficantes.", "es", 14, 14, "narcotraficantes", "dead"),
    ("O ataque matou 11 supostos traficantes.", "pt", 11, 11, "traficantes", "dead"),
    ("L'attaque a tué 11 prétendus trafiquants.", "fr", 11, 11, "trafiquants", "dead"),
    # the hospitalised, the rescued and the released, as the English layer names them
    ("Veinte personas fueron hospitalizadas tras el incendio.", "es", 20, 20, "people", "hospitalised"),
    ("Zwanzig Menschen wurden ins Krankenhaus gebracht.", "de", 20, 20, "people", "hospitalised"),
    ("Los bomberos rescataron a 12 personas del edificio.", "es", 12, 12, "people", "rescued"),
    ("Doze pessoas foram resgatadas do prédio.", "pt", 12, 12, "people", "rescued"),
    ("Hamas liberó a tres rehenes el domingo.", "es", 3, 3, "hostage", "released"),
    ("Trois otages ont été libérés dimanche.", "fr", 3, 3, "hostage", "released"),
    ("Drei Geiseln wurden am Sonntag freigelassen.", "de", 3, 3, "hostage", "released"),
])
def test_facts_are_read_in_other_languages(text, language, low, high, unit, role):
    facts = read_facts(text, language)
    fact = next(f for f in facts if f.unit == unit and (f.role == role or not role))
    assert (fact.low, fact.high, fact.role) == (pytest.approx(low), high if math.isinf(high) else pytest.approx(high), role)


def test_the_nearest_role_word_names_the_role():
    injured, dead = read_facts("El saldo: 15 heridos y 3 muertos.", "es")
    assert (injured.low, injured.role) == (15, "injured")
    assert (dead.low, dead.role) == (3, "dead")


def test_a_figure_takes_no_role_from_the_next_phrase_but_a_breakdown_takes_its_totals():
    facts = read_facts("Se registran 13 fallecidos (8 civiles y 5 militares) y al menos 21 heridos.", "es")
    # the five soldiers are among the 13 dead, not the 21 wounded that follow
    assert [(f.low, f.unit, f.role) for f in facts] == [
        (13, "people", "dead"), (8, "civilian", "dead"), (5, "military", "dead"), (21, "people", "injured")]
    assert [(f.low, f.role) for f in read_facts("Hay 40 heridos (12 graves) y 5 militares.", "es")] == [
        (40, "injured"), (12, "injured")]  # outside the brackets, soldiers with no role said are no fact


@pytest.mark.parametrize("text, language, days", [
    ("El conflicto escaló este sábado 26 de julio.", "es", [("date", 726.0), ("weekday", 5.0)]),
    ("Les affrontements ont débuté jeudi 24 juillet.", "fr", [("date", 724.0), ("weekday", 3.0)]),
    ("Die Kämpfe begannen am 24. Juli.", "de", [("date", 724.0)]),
    ("Os combates começaram em 24 de julho.", "pt", [("date", 724.0)]),
])
def test_days_are_read_as_the_english_layer_gives_them(text, language, days):
    facts = read_facts(text, language)
    assert [(f.kind, f.low) for f in facts] == days
    assert {f.role for f in facts} == {"happened"} and all(f.months == {7} for f in facts)


@pytest.mark.parametrize("text, language", [
    ("La Armada atacó tres lanchas el miércoles.", "es"),
    ("Un ataque contra una lancha el miércoles dejó tres muertos.", "es"),
    ("A Marinha atacou três barcos na quarta-feira.", "pt"),
    ("La marine a attaqué trois bateaux mercredi.", "fr"),
    ("Die Marine hat am Mittwoch drei Boote angegriffen.", "de"),
])
def test_the_day_of_an_attack_is_the_day_it_happened(text, language):
    [day] = [f for f in read_facts(text, language) if f.kind == "weekday"]
    assert (day.low, day.role, day.verb) == (2.0, "happened", "attack")  # as "attacked on Wednesday" in English


@pytest.mark.parametrize("text, language", [
    ("Entre las víctimas está Tiger Bech, de 27 años, exjugador de Princeton.", "es"),
    ("Parmi les victimes, Tiger Bech, 27 ans, ancien joueur de Princeton.", "fr"),
    ("Der 27-jährige Tiger Bech spielte für Princeton.", "de"),
    ("Entre as vítimas está Tiger Bech, de 27 anos.", "pt"),
])
def test_ages_of_named_people_meet_the_english_ones(text, language):
    from storydiff.fact_links import figure_conflict

    (age,) = read_facts(text, language)
    assert (age.kind, age.low, age.entities) == ("age", 27, {"bech"})
    english = extract_story_facts(["Tiger Bech, 28, a former Princeton player, died."], ["en"])[0]
    conflict = figure_conflict(english, [age])
    assert (conflict.value_a, conflict.value_b) == ("28", "27")
    assert figure_conflict(extract_story_facts(["Drew Dauphin, 27, died."], ["en"])[0], [age]) is None  # another man


@pytest.mark.parametrize("text, language, status", [
    ("Un partido de fútbol en el cercano Superdome tuvo que ser pospuesto.", "es", "postponed"),
    ("Le match a été annulé pour des raisons de sécurité.", "fr", "cancelled"),
    ("Das Spiel wurde um einen Tag verschoben.", "de", "postponed"),
    ("O jogo foi adiado para quinta-feira.", "pt", "postponed"),
    ("El partido no fue aplazado.", "es", None),  # denied
    ("Das Spiel wurde nicht verschoben.", "de", None),
    ("Los vuelos fueron cancelados.", "es", None),  # no event: flights are cancelled in part
])
def test_what_became_of_the_event_is_read_in_other_languages(text, language, status):
    from storydiff.fact_links import figure_conflict

    statuses = [f for f in read_facts(text, language) if f.kind == "status"]
    assert [f.value_text for f in statuses] == ([status] if status else [])
    if status == "postponed":
        english = extract_story_facts(["The Sugar Bowl had to be cancelled for safety reasons."], ["en"])[0]
        assert figure_conflict(english, statuses).kind == "status"




@pytest.mark.parametrize("text, language, unit, status", [
    ("La cumbre regional prevista para la próxima semana fue cancelada.", "es", "status of summit", "cancelled"),
    ("Le sommet a été reporté à l'automne.", "fr", "status of summit", "postponed"),
    ("Das Gipfeltreffen wurde abgesagt.", "de", "status of summit", "cancelled"),
    ("A reunião foi adiada.", "pt", "status of meeting", "postponed"),
    ("La reunión previa a la cumbre fue cancelada.", "es", None, None),  # the meeting's or the summit's?
])
def test_a_scheduled_happening_keeps_its_english_name_across_languages(text, language, unit, status):
    said = [(f.unit, f.value_text) for f in read_facts(text, language) if f.kind == "status"]
    assert said == ([(unit, status)] if unit else [])
    if unit == "status of summit":
        from storydiff.fact_links import figure_conflict

        english = extract_story_facts(["The regional summit was postponed."], ["en"])[0]
        expected = None if status == "postponed" else "status"
        conflict = figure_conflict(english, [f for f in read_facts(text, language) if f.kind == "status"])
        assert (conflict.kind if conflict else None) == expected

def test_a_list_of_the_dead_in_another_language_gives_each_person_a_fate():
    from storydiff.fact_links import figure_conflict

    text = ("Ceux qui ont été confirmés morts étaient Drew Dauphin, 26 ans, de Montgomery ; "
            "et Nikyra Dedeaux, 18 ans, de Gulfport.")
    fates = [f for f in read_facts(text, "fr") if f.kind == "status"]
    assert [(f.counted, f.value_text) for f in fates] == [("Drew Dauphin", "dead"), ("Nikyra Dedeaux", "dead")]
    english = extract_story_facts(["Among the injured is Nikyra Cheyenne Dedeaux, a student."], ["en"])[0]
    assert figure_conflict(english, fates).value_b == "dead"


def test_hostages_released_in_one_language_contradict_another_count_of_them():
    from storydiff.classify import classify_pairs

    other, same = classify_pairs([("Dos rehenes fueron liberados el domingo.", "Three hostages were released on Sunday."),
                                  ("Trois otages ont été libérés dimanche.", "Three hostages were released on Sunday.")])
    assert (other.label, other.kind) == ("contradiction", "number")
    assert same.label != "contradiction"


def test_a_word_that_only_begins_like_a_role_gives_none():
    assert not [f for f in read_facts("Salvador tiene 6 millones de habitantes.", "es") if f.kind == "count"]
    assert not [f for f in read_facts("Quinze pessoas estão em liberdade condicional.", "pt") if f.kind == "count"]
    assert not [f for f in read_facts("Pidieron un rescate por tres rehenes.", "es") if f.role == "rescued"]


def test_years_and_numbers_without_a_role_are_not_facts():
    assert read_facts("En 2025 el museo recibió 9 millones de visitantes.", "es") == []
    assert read_facts("Tres personas perdieron la casa en el incendio.", "es") == []  # a home, not their lives
    assert read_facts("El número de teléfono es 555.", "es") == []


def test_a_place_after_a_german_preposition_is_not_what_is_counted():
    counted = {f.value_text: f.unit for f in read_facts(
        "Das Militär griff drei venezolanische Boote an; 19 in Thailand und 13 in Kambodscha.", "de")}
    assert counted.get("drei") == "boat"  # one adjective before the noun is passed over
    assert "Thailand" not in counted.values() and "Kambodscha" not in counted.values()


def test_the_day_a_happening_began_meets_a_count_of_its_days_in_another_language():
    texts = ["Las hostilidades comenzaron el 24 de junio en la frontera.",
             "July 26: the two armies clashed for a third straight day.", "El conflicto escaló el 25 de julio."]
    facts = extract_story_facts(texts, ["es", "en", "es"])
    assert [(f.verb, f.low) for f in facts[0] if f.kind == "date"] == [("begin", 624)]
    assert [f.verb for f in facts[2] if f.kind == "date"] == [""]  # escalating is not beginning
    vectors = np.ones((sum(len(f) for f in facts), 4), dtype=np.float32) / 2
    links = link_facts(facts, vectors, np.ones((3, 4), dtype=np.float32) / 2, [0, 1, 2], [0, 1, 2],
                       ["2025-07-26"] * 3, FactSettings())
    assert {(link.a.row, link.b.row): link.relation for link in links} == {(0, 1): "date"}


def test_story_facts_parse_english_rows_only_with_the_english_parser():
    facts = extract_story_facts(["Four thieves took part in the raid.", "Vier Täter waren beteiligt.", "Quatre voleurs."],
                                ["en", "de", "it"])
    assert [f.unit for f in facts[0]] == ["perpetrator"]
    assert [(f.low, f.unit) for f in facts[1]] == [(4.0, "perpetrator")]
    assert facts[2] == []  # a language with no word lists gives no facts rather than wrong ones


def test_english_stories_keep_their_settings_and_mixed_ones_move_every_threshold():
    settings = Settings()
    assert for_languages(settings, ["en", "en", None]) is settings
    mixed = for_languages(settings, ["en", "es"])
    scale = settings.multilingual_scale
    assert mixed.model == MULTILINGUAL_MODEL
    assert mixed.align.match_threshold == pytest.approx((settings.align.match_threshold - scale.intercept) / scale.slope,
                                                        abs=1e-4)
    assert mixed.facts.min_similarity < settings.facts.min_similarity
    assert for_languages(replace(settings, multilingual_model=""), ["en", "es"]).model == settings.model


def test_the_multilingual_embedder_puts_a_translation_next_to_its_original():
    embedder = load_embedder(MULTILINGUAL_MODEL)
    vectors = embedder.encode([PARAGRAPHS["en"], PARAGRAPHS["es"], PARAGRAPHS["de"],
                               "Shares of the chipmaker fell 17 percent on Monday."])
    assert vectors.shape == (4, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    sims = vectors @ vectors.T
    assert sims[0, 1] > 0.7 and sims[0, 2] > 0.7
    assert sims[0, 3] < 0.3


class FlagsEveryPair:
    """A rule that calls every pair it is shown a negation: it records what the aligner asks.
    (A stand-in at storydiff's own rule seam, to see which pairs reach English rules.)"""

    def __init__(self):
        self.asked = []

    def check_pairs(self, pairs):
        self.asked += pairs
        return [Conflict("negation", 1.0, None, None, confidence=1.0) for _ in pairs]


def test_english_rules_never_judge_a_pair_with_a_sentence_in_another_language():
    texts = ["The museum did not reopen on Monday.", "El museo no reabrió el lunes.", "The museum reopened on Monday."]
    # close enough to be candidates, not so close that the articles count as copies of one text
    vectors = np.array([[1, 0, 0], [0.8, 0.6, 0], [0.8, 0, 0.6]], dtype=np.float32)
    rule = FlagsEveryPair()
    mixed = align_story(vectors, [0, 1, 2], texts, 3, RuleDetector([rule]), AlignSettings(), languages=["en", "es", "en"])
    assert rule.asked == [(texts[0], texts[2])]
    assert {(m.a, m.b) for m, _ in mixed.conflicts} == {(0, 2)}
    everything = FlagsEveryPair()
    align_story(vectors, [0, 1, 2], texts, 3, RuleDetector([everything]), AlignSettings())
    assert len(everything.asked) == 3  # without languages every candidate pair is asked, as before


def test_a_story_in_three_languages_end_to_end(tmp_path, settings):
    from flows.compare import compare_story

    story = write_story(tmp_path / "mixed.toml", "louvre-mixed", [
        ("Example Tribune", str(SAMPLE / "tribune.html")),
        ("El Heraldo de Ejemplo", str(PAGES / "heraldo.html")),
        ("Beispiel-Kurier", str(PAGES / "kurier.html")),
    ])
    summary = compare_story(str(story), settings)
    assert (summary.articles, summary.failed) == (3, 0)
    with Store.open(settings.db_path, read_only=True) as store:
        languages = dict(store.con.execute("SELECT outlet, language FROM articles").fetchall())
        conflicts = store.con.execute(
            "SELECT kind, explanation, sentence_a, sentence_b FROM contradictions ORDER BY explanation").fetchall()
        shared = store.con.execute("""
            SELECT list_sort(outlets) FROM story_claims WHERE status = 'shared' AND text LIKE 'The thieves escaped%'
        """).fetchall()
    assert languages == {"Example Tribune": "en", "El Heraldo de Ejemplo": "es", "Beispiel-Kurier": "de"}
    # the count of thieves: two in Spanish against four in English and in German
    assert {kind for kind, *_ in conflicts} == {"number"}
    assert any("Four thieves" in a and "Dos ladrones" in b for _, _, a, b in conflicts)
    assert any("Dos ladrones" in a and "Vier Täter" in b for _, _, a, b in conflicts)
    assert not any("Four thieves" in a and "Vier Täter" in b for _, _, a, b in conflicts)  # 4 = 4
    # a sentence and its translation are one claim
    assert shared and "El Heraldo de Ejemplo" in shared[0][0]
    report = (settings.report_dir / "louvre-mixed.html").read_text()
    assert "en ↔ es" in report or "es ↔ en" in report
    import lxml.html

    figures = lxml.html.fromstring(report).xpath("//table[@id='figures']//tr[td]")
    # named in English; the 88 million euros are read in Spanish too, and agree
    assert [row.xpath("td")[0].text_content() for row in figures] == ["thieves", "euro"]
    assert not any("euro" in explanation for _, explanation, *_ in conflicts)


def test_a_fact_and_its_translation_meet_below_the_one_language_threshold():
    texts = ["The thieves escaped on motor scooters.", "Los ladrones huyeron en motocicletas."]
    vectors = np.array([[1, 0], [0.62, math.sqrt(1 - 0.62 ** 2)]], dtype=np.float32)
    mixed = AlignSettings(match_threshold=0.66, cross_language_offset=0.08)
    rules = RuleDetector([])
    joined = align_story(vectors, [0, 1], texts, 2, rules, mixed, languages=["en", "es"])
    assert joined.claim_of[0] == joined.claim_of[1]
    assert joined.matches[0].similarity == pytest.approx(0.70, abs=1e-4)
    # the same cosine within one language is two claims, as is any pair without the offset
    apart = align_story(vectors, [0, 1], texts, 2, rules, mixed, languages=["en", "en"])
    assert apart.claim_of[0] != apart.claim_of[1]
    plain = align_story(vectors, [0, 1], texts, 2, rules, AlignSettings(match_threshold=0.66), languages=["en", "es"])
    assert plain.claim_of[0] != plain.claim_of[1]


@pytest.mark.parametrize("text, language, low, high, unit", [
    ("Nvidia perdió 589.000 millones de dólares en valor de mercado.", "es", 588.5e9, 589.5e9, "dollar"),
    ("Nvidia perdió 589 mil millones de dólares.", "es", 588.5e9, 589.5e9, "dollar"),
    ("Estados Unidos duplicó la recompensa a US$ 50 millones.", "es", 47.5e6, 52.5e6, "dollar"),
    ("Les bijoux volés valent 88 millions d'euros.", "fr", 87.5e6, 88.5e6, "euro"),
    ("Nvidia verlor 589 Milliarden Dollar an Börsenwert.", "de", 588.5e9, 589.5e9, "dollar"),
    ("A Nvidia perdeu US$ 589 bilhões em valor de mercado.", "pt", 588.5e9, 589.5e9, "dollar"),
    ("El robo de 600.000 millones de dólares.", "es", 570e9, 630e9, "dollar"),  # a round figure: 5 %
])
def test_sums_of_money_are_read_in_other_languages(text, language, low, high, unit):
    (money,) = [f for f in read_facts(text, language) if f.kind == "money"]
    assert (money.low, money.high, money.unit) == (pytest.approx(low), pytest.approx(high), unit)


def test_a_sum_in_one_language_contradicts_another_sum_in_another():
    from storydiff.classify import classify_pairs

    other, same = classify_pairs([
        ("Nvidia perdió 589.000 millones de dólares en valor de mercado el lunes.",
         "Nvidia lost $593 billion in market value on Monday."),
        ("Nvidia perdió 589.000 millones de dólares en valor de mercado el lunes.",
         "Nvidia lost $589 billion in market value on Monday."),
    ])
    assert (other.label, other.kind) == ("contradiction", "number")
    assert same.label != "contradiction"


def test_classify_pairs_judges_a_pair_in_two_languages_by_its_figures():
    from storydiff.classify import classify_pairs

    english, spanish, german, untold = classify_pairs([
        ("Four thieves took part.", "Two thieves took part."),
        ("Four thieves took part in the raid.", "Dos ladrones participaron en el robo."),
        ("Four thieves took part in the raid.", "Vier Täter waren an dem Einbruch beteiligt."),
        ("The museum stayed closed.", "El museo no abrió sus puertas."),
    ])
    assert (english.label, english.kind) == ("contradiction", "number")
    assert (spanish.label, spanish.kind) == ("contradiction", "number")
    assert (spanish.conflict.value_a, spanish.conflict.value_b) == ("Four", "Dos")
    assert (german.label, german.kind) == ("neutral", "language")  # four and four agree
    assert (untold.label, untold.kind) == ("neutral", "language")  # no figure; the model reads English only


def test_counts_of_things_take_the_english_name_the_story_uses():
    from storydiff.facts_multilingual import unify_units

    texts = ["The plans were described by four sources.", "The military struck three boats.",
             "Los planes fueron descritos por dos fuentes.", "Das Militär griff drei venezolanische Boote an.",
             "El ejército atacó cuatro funcionarios."]
    languages = ["en", "en", "es", "de", "es"]
    read = extract_story_facts(texts, languages)
    assert [f.unit for f in read[2] + read[3]] == ["fuentes", "boat"]  # in its own language, but craft by list
    unified = unify_units(read, languages, load_embedder(MULTILINGUAL_MODEL).encode)
    assert [f.unit for f in unified[2] + unified[3]] == ["source", "boat"]
    assert [f.unit for f in unified[4]] == ["funcionarios"]  # no English count near it: left alone
    assert unified[:2] == read[:2]  # English facts are never renamed


def test_the_alleged_take_the_english_name_of_what_they_are_alleged_to_be():
    from storydiff.facts_multilingual import unify_units

    texts = ["The strike killed 14 alleged drug traffickers.", "O ataque matou 11 supostos traficantes."]
    languages = ["en", "pt"]
    unified = unify_units(extract_story_facts(texts, languages), languages, load_embedder(MULTILINGUAL_MODEL).encode)
    assert [(f.unit, f.role) for row in unified for f in row if f.kind == "count"] == [("trafficker", "dead")] * 2


def test_boats_meet_boats_in_a_story_that_also_counts_ships_and_vessels():
    from storydiff.facts_multilingual import unify_units

    texts = ["The navy struck four vessels.", "Eight ships are deployed in the region.",
             "La Armada atacó tres lanchas.", "Fuerzas navales atacaron cuatro embarcaciones.",
             "Ocho buques están desplegados en la región."]
    languages = ["en", "en", "es", "es", "es"]
    unified = unify_units(extract_story_facts(texts, languages), languages, load_embedder(MULTILINGUAL_MODEL).encode)
    assert [f.unit for row in unified for f in row if f.kind == "count"] == ["boat", "ship", "boat", "boat", "ship"]


@pytest.mark.parametrize("text, language, role", [
    ("La policía informó que tres atacantes fueron abatidos.", "es", "dead"),
    ("Deux assaillants ont été abattus par la police.", "fr", "dead"),
    ("Zwei Angreifer wurden erschossen.", "de", "dead"),
    ("Cuatro sospechosos fueron capturados en la frontera.", "es", "arrested"),
    ("Cinco sospechosos fueron aprehendidos el domingo.", "es", "arrested"),
])
def test_the_shot_dead_and_the_captured_in_other_languages(text, language, role):
    (count,) = [f for f in read_facts(text, language) if f.kind == "count"]
    assert count.role == role


@pytest.mark.parametrize("text, language, unit", [
    ("El atacante disparó contra los agentes del depósito, hiriendo a dos.", "es", "officer"),
    ("Dos policías resultaron heridos de bala.", "es", "officer"),
    ("Le tireur a ouvert le feu, blessant deux policiers.", "fr", "officer"),
    ("Der Täter schoss auf die Beamten und verletzte zwei Polizisten.", "de", "officer"),
    ("O atirador disparou contra a multidão, ferindo duas pessoas.", "pt", "people"),
])
def test_the_shot_among_the_injured_in_other_languages(text, language, unit):
    counts = [f for f in read_facts(text, language) if f.kind == "count"]
    assert sorted(f.role for f in counts) == ["injured", "shot"]
    assert {(f.low, f.unit) for f in counts} == {(2, unit)}


@pytest.mark.parametrize("text, language", [
    ("El camión atropelló a la multitud e hirió a 35 personas; la policía mató al conductor a tiros.", "es"),
    ("Das Feuer im Hochhaus verletzte 35 Menschen.", "de"),  # a blaze, not gunfire
    ("La policía abatió a tiros al conductor; 35 personas resultaron heridas.", "es"),
])
def test_a_count_of_the_injured_is_not_of_the_shot_without_gunfire_in_its_clause(text, language):
    assert [(f.low, f.role) for f in read_facts(text, language) if f.kind == "count"] == [(35, "injured")]


def test_percentages_in_other_languages_need_a_direction():
    (fell,) = [f for f in read_facts("Las acciones de Nvidia cayeron un 17 % el lunes.", "es") if f.kind == "percent"]
    assert (fell.kind, fell.low, fell.role) == ("percent", pytest.approx(17, abs=0.5), "fell")
    assert read_facts("Die Aktie stieg um 4 Prozent.", "de")[0].role == "rose"
    assert read_facts("El 60 % de los votos.", "es") == []  # 60 % of what, doing what: unsaid


def test_classify_pairs_names_things_across_languages():
    from storydiff.classify import classify_pairs

    sources, agreed, percent = classify_pairs([
        ("The plans were described by four sources.", "Los planes fueron descritos por dos fuentes."),
        ("The plans were described by four sources.", "Die Pläne wurden von vier Quellen beschrieben."),
        ("Nvidia shares fell 17% on Monday.", "Las acciones de Nvidia cayeron un 12 % el lunes."),
    ])
    assert (sources.kind, sources.conflict.value_a, sources.conflict.value_b) == ("number", "four", "dos")
    assert agreed.label == "neutral"
    assert percent.kind == "number" and percent.conflict.value_b == "12"


@pytest.mark.parametrize("text, language, said", [
    ("La policía amplía la investigación a posibles cómplices, descartando la hipótesis de que Jabbar actuó solo.",
     "es", [(1.0, "La policía amplía la investigación a posibles cómplices"),
            (0.0, "Jabbar actuó solo")]),
    ("El FBI no descarta que Jabbar actuara solo.", "es", []),  # not ruled out: neither said nor denied
    # words of denial that deny nothing: "however", "only", "not only"
    ("Sin embargo la policía cree que Jabbar actuó solo.", "es", [(1.0, "Jabbar actuó solo")]),
    ("Il n'y avait que deux voleurs selon Laurent Nuñez.", "fr", [(1.0, "Il deux voleurs selon Laurent Nuñez")]),
    ("Nicht nur Jabbar war am Anschlag beteiligt.", "de", [(1.0, "Jabbar war am Anschlag beteiligt")]),
    ("Le FBI ne pense pas que Jabbar ait agi seul.", "fr", [(0.0, "Jabbar ait agi seul")]),
    ("Le FBI n'exclut pas que Jabbar ait agi seul.", "fr", []),
    ("Das FBI glaubt nicht, dass Jabbar allein handelte.", "de", [(0.0, "Jabbar allein handelte")]),
    ("Die Polizei schließt nicht aus, dass Jabbar allein handelte.", "de", []),
    ("O FBI não acredita que Jabbar agiu sozinho no ataque.", "pt", [(0.0, "Jabbar agiu sozinho no ataque")]),
    # English through the parse, the innermost statement only
    ("The FBI stated that they do not believe Jabbar acted alone.", "en", [(0.0, "Jabbar acted alone")]),
])
def test_each_clause_says_or_denies_a_statement(text, language, said):
    from storydiff.denials import statement_facts

    assert [(f.low, f.context) for f in statement_facts(text, language, 0)] == said


def test_a_denial_in_another_language_contradicts_what_an_outlet_asserts():
    texts = ["Authorities believe Jabbar acted alone but continue to investigate.",
             "La policía amplía la investigación, descartando la hipótesis de que Jabbar actuó solo.",
             "La policía cree que Jabbar actuó solo.",
             "The FBI does not believe Jabbar acted alone.",
             "La policía descartó que el camión estuviera vacío."]  # denies something else
    languages = ["en", "es", "es", "en", "es"]
    embed = load_embedder(MULTILINGUAL_MODEL).encode
    facts = extract_story_facts(texts, languages, embed)
    flat = [f for row in facts for f in row]
    links = link_facts(facts, embed([f.context for f in flat]), embed(texts), [0, 1, 2, 3, 4], [0, 1, 2, 3, 4],
                       [None] * 5, for_languages(Settings(), languages).facts, texts)
    denials = {(link.a.row, link.b.row) for link in links if link.relation == "negation"}
    # the Spanish denial against each assertion, in English or in Spanish (no English rule reads
    # two Spanish sentences); two English sentences are the polarity rule's to judge, and
    # agreements are not links
    assert denials == {(0, 1), (1, 2), (2, 3)}
    assert not [link for link in links if link.a.kind == "statement" and link.relation == "agrees"]
    denial = next(link for link in links if (link.a.row, link.b.row) == (0, 1))
    assert shown(denial) == ("Jabbar acted alone / Jabbar actuó solo", "says so", "denies it")
    # only statements that may meet one the English rules do not judge (a name in common) are embedded
    from storydiff.fact_links import contexts_to_embed

    embedded = {flat[i].context for i in contexts_to_embed(facts, [0, 1, 2, 3, 4]) if flat[i].kind == "statement"}
    assert {"Jabbar acted alone", "Jabbar actuó solo"} <= embedded
    assert "que el camión estuviera vacío" not in embedded and "el camión estuviera vacío" not in embedded


def test_a_figure_meets_the_nearer_of_two_figures_its_context_cannot_tell_apart():
    texts = ["Thailand has suffered 20 fatalities, including 13 civilians and seven soldiers.",
             "Camboya registra 13 fallecidos (8 civiles y 5 militares), mientras que Tailandia reporta 19 muertes "
             "(13 civiles y 6 militares)."]
    languages = ["en", "es"]
    embed = load_embedder(MULTILINGUAL_MODEL).encode
    facts = extract_story_facts(texts, languages, embed)
    flat = [f for row in facts for f in row]
    links = link_facts(facts, embed([f.context for f in flat]), embed(texts), [0, 1], [0, 1],
                       ["2025-07-26"] * 2, for_languages(Settings(), languages).facts, texts)
    totals = [(link.a.value_text, link.b.value_text) for link in links
              if link.relation == "number" and link.a.value_text == "20"]
    assert totals == [("20", "19")]  # both Spanish totals are itemised tallies of that day; 19 is Thailand's


@pytest.mark.parametrize("text, language, stance", [
    ("Un portavoz dijo que a Tailândia estava aberta a negociações, possivelmente com a ajuda da Malásia.", "pt",
     ("stance on talks", "open to it", {"thailand"})),
    ("Venezuela rechazó las negociaciones con Estados Unidos.", "es", ("stance on talks", "rejects it", {"venezuela"})),
    ("Maduro rechazó cualquier negociación.", "es", ("stance on talks", "rejects it", {"maduro"})),
    ("Caracas no rechazó el diálogo.", "es", ("stance on talks", "open to it", {"venezuela"})),
    ("La Thaïlande a rejeté toute médiation.", "fr", ("stance on talks", "rejects it", {"thailand"})),
    ("Le Cambodge n'est pas ouvert aux pourparlers.", "fr", ("stance on talks", "rejects it", {"cambodia"})),
    ("Thailand hat eine Vermittlung abgelehnt.", "de", ("stance on talks", "rejects it", {"thailand"})),
    ("Während Kambodscha den Waffenstillstandsvorschlag annahm, reagierte Thailand ausweichend.", "de",
     ("stance on a ceasefire", "open to it", {"cambodia"})),
    # no party named: "el presidente" could be either side's; criticism of the talks is no stance on them
    ("El presidente rechazó las negociaciones.", "es", None),
    ("La oposición rechazó las críticas y pidió más tiempo.", "es", None),
])
def test_a_party_stance_on_talks_is_read_in_other_languages(text, language, stance):
    said = [(f.unit, f.value_text, set(f.entities)) for f in read_facts(text, language) if f.unit.startswith("stance")]
    assert said == ([stance] if stance else [])


def test_a_stance_in_one_language_contradicts_the_same_country_in_another():
    texts = ["Bangkok has rejected third-party mediation.",
             "Um porta-voz disse que a Tailândia estava aberta a negociações.",
             "Camboya rechazó las negociaciones."]
    languages = ["en", "pt", "es"]
    embed = load_embedder(MULTILINGUAL_MODEL).encode
    facts = extract_story_facts(texts, languages, embed)
    flat = [f for row in facts for f in row]
    links = link_facts(facts, embed([f.context for f in flat]), embed(texts), [0, 1, 2], [0, 1, 2], [None] * 3,
                       for_languages(Settings(), languages).facts, texts)
    stances = {(link.a.row, link.b.row): link.relation for link in links if link.a.unit == "stance on talks"}
    assert stances == {(0, 1): "status"}  # Cambodia's stance is its own


@pytest.mark.parametrize("text, language, account", [
    ("El Ministerio de Defensa negó los ataques en un comunicado.", "es", ("denies it", {"defense ministry"})),
    ("O Ministério da Defesa confirmou a operação.", "pt", ("confirms it", {"defense ministry"})),
    ("Le ministère de la Défense a démenti les frappes.", "fr", ("denies it", {"defense ministry"})),
    ("Le gouvernement a démenti avoir lancé l'attaque.", "fr", ("denies it", {"government"})),
    ("Das Verteidigungsministerium bestritt den Angriff.", "de", ("denies it", {"defense ministry"})),
    ("Das Ministerium hat den Angriff bestätigt.", "de", ("confirms it", {"ministry"})),  # the verb closes the clause
    ("El Ministerio de Defensa ha negado los ataques.", "es", ("denies it", {"defense ministry"})),
    ("Camboya negó haber iniciado el ataque.", "es", ("denies it", {"cambodia"})),
    ("O Pentágono negou o ataque.", "pt", ("denies it", {"pentagon"})),
    ("Hamas negó el asalto.", "es", ("denies it", {"hamas"})),
    # not confirming is no denial; a qualified institution may be either side's; a denial of something else
    ("Tailandia no confirmó el ataque.", "es", None),
    ("El Ministerio de Defensa tailandés negó el ataque.", "es", None),
    ("Das thailändische Militär hat den Angriff bestätigt.", "de", None),
    ("Camboya negó las acusaciones.", "es", None),
    ("Camboya negó cualquier vínculo con el ataque.", "es", None),  # its links to the attack, not the attack
])
def test_a_party_account_of_the_attack_is_read_in_other_languages(text, language, account):
    said = [(f.value_text, set(f.entities)) for f in read_facts(text, language) if f.unit == "account of the attack"]
    assert said == ([account] if account else [])


def test_an_attack_confirmed_in_one_language_and_denied_in_another_contradicts():
    texts = ["The Defense Ministry confirmed the strikes in a statement on Wednesday.",
             "El Ministerio de Defensa negó los ataques en un comunicado.",
             "Le ministère de la Défense a confirmé les frappes.",
             "Camboya negó el ataque."]  # another party
    languages = ["en", "es", "fr", "es"]
    embed = load_embedder(MULTILINGUAL_MODEL).encode
    facts = extract_story_facts(texts, languages, embed)
    flat = [f for row in facts for f in row]
    links = link_facts(facts, embed([f.context for f in flat]), embed(texts), [0, 1, 2, 3], [0, 1, 2, 3],
                       ["2025-09-20"] * 4, for_languages(Settings(), languages).facts, texts)
    accounts = {(link.a.row, link.b.row): link.relation for link in links if link.a.unit == "account of the attack"}
    assert accounts == {(0, 1): "status", (1, 2): "status", (0, 2): "agrees"}
    denial = next(link for link in links if (link.a.row, link.b.row) == (0, 1))
    assert shown(denial) == ("account of the attack (defense ministry)", "confirms it", "denies it")


def test_countries_are_known_by_their_names_in_five_languages_and_by_their_capitals():
    from storydiff.places import country_name

    assert {country_name(w) for w in ("Thailand", "Tailandia", "Tailândia", "Thaïlande", "Bangkok")} == {"thailand"}
    assert country_name("Kambodscha") == country_name("Camboja") == "cambodia"
    assert country_name("Washington") == "united states"
    assert country_name("Victoria") == "Victoria"  # a person's name as often as the Seychelles' capital
    assert country_name("Veloria") == "Veloria"


def test_a_naval_strike_story_in_english_and_spanish_end_to_end(tmp_path, settings):
    """Pages written for this test: two English and two Spanish tellings of one strike that
    disagree on the day, the boats, the sources, a party's stance on talks, the summit's fate and
    whether the ministry confirmed the strikes."""
    from flows.compare import compare_story

    story = write_story(tmp_path / "naval.toml", "naval-strike", [
        ("Harbor Times", str(PAGES / "naval-en1.html")), ("Coastline Post", str(PAGES / "naval-en2.html")),
        ("Diario del Puerto", str(PAGES / "naval-es1.html")), ("Noticias del Sur", str(PAGES / "naval-es2.html")),
    ])
    summary = compare_story(str(story), settings)
    assert (summary.articles, summary.failed) == (4, 0)
    with Store.open(settings.db_path, read_only=True) as store:
        rows = store.con.execute("SELECT kind, explanation FROM contradictions").fetchall()
        figures = store.con.execute("""
            SELECT unit, list_sort(list(DISTINCT outlet)), list_sort(list(DISTINCT status)) FROM figures
            WHERE unit IN ('boat', 'source') GROUP BY unit ORDER BY unit""").fetchall()
    explanations = {explanation for _, explanation in rows}
    assert "stance on talks (veloria): rejects it (Harbor Times) vs open to it (Diario del Puerto)" in explanations
    assert ("account of the attack (defense ministry): confirms it (Harbor Times) vs denies it (Diario del Puerto)"
            in explanations)
    assert ("what became of the regional summit: postponed (Harbor Times) vs cancelled (Diario del Puerto)"
            in explanations)
    assert "day (happened): Tuesday (Harbor Times) vs Wednesday (Diario del Puerto)" in explanations
    assert "day (happened): Wednesday (Diario del Puerto) vs Tuesday (Noticias del Sur)" in explanations
    # "tres lanchas" against four boats, four vessels and "cuatro embarcaciones"; two sources against four
    assert figures == [
        ("boat", ["Coastline Post", "Diario del Puerto", "Harbor Times", "Noticias del Sur"], ["agrees", "conflict"]),
        ("source", ["Diario del Puerto", "Harbor Times"], ["conflict"]),
    ]
