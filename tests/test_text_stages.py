"""extract, segment, quantities and the rule detectors: values in, values out."""

import pytest

from storydiff.classify import NegationRule, NumberRule, RuleDetector
from storydiff.extract import extract_article
from storydiff.errors import ExtractError
from storydiff.polarity import PolarityRule
from storydiff.quantities import extract_quantities
from storydiff.segment import is_boilerplate, split_sentences

from conftest import SAMPLE_DIR


@pytest.fixture(scope="module")
def tribune():
    html = (SAMPLE_DIR / "louvre-heist" / "tribune.html").read_text(encoding="utf-8")
    return extract_article(html, "https://example.org/louvre")


def test_extract_gets_body_and_metadata_without_page_furniture(tribune):
    assert tribune.title == "Crown jewels stolen from the Louvre in seven-minute raid"
    assert tribune.author == "Claire Dubois"
    assert tribune.published == "2025-10-19"
    assert tribune.site_name == "Example Tribune"
    assert "Four thieves took part" in tribune.text
    for furniture in ("Subscribe for", "The Morning Brief", "Privacy", "Five famous art thefts"):
        assert furniture not in tribune.text


def _page(head: str, footer: str) -> str:
    body = " ".join(["The council voted on Tuesday to close the old bridge to lorries for repairs."] * 6)
    return f"<html><head><title>Bridge</title>{head}</head><body><article><h1>Bridge</h1><p>{body}</p></article>" \
        f"<footer>{footer}</footer></body></html>"


def test_extract_does_not_take_a_copyright_year_for_a_publication_day():
    undated = extract_article(_page("", "© 2025 Example Tribune. All rights reserved."))
    assert undated.published is None
    on_new_year = extract_article(_page('<meta property="article:published_time" content="2025-01-01T09:00:00Z">',
                                        "© 2025 Example Tribune."))
    assert on_new_year.published == "2025-01-01"
    dated = extract_article(_page('<meta property="article:published_time" content="2025-03-04T09:00:00Z">', ""))
    assert dated.published == "2025-03-04"
    in_its_url = extract_article(_page("", "© 2025 Example Tribune."), "https://example.org/2025/01/01/bridge.html")
    assert in_its_url.published == "2025-01-01"


def test_extract_excludes_comments():
    html = (SAMPLE_DIR / "louvre-heist" / "riverside.html").read_text(encoding="utf-8")
    assert "stunning" not in extract_article(html).text


def test_extract_fails_clearly_on_empty_page():
    with pytest.raises(ExtractError, match="page.html: no article text found"):
        extract_article("<html><head><title>x</title></head><body></body></html>", "page.html")


def test_segment_drops_boilerplate_and_keeps_offsets(tribune):
    sentences = split_sentences(tribune.text, tribune.title)
    texts = [s.text for s in sentences]
    assert texts[0].startswith("Thieves stole eight pieces")
    assert "The heist lasted about seven minutes." in texts
    assert not any("Getty" in t or "Read more" in t or "Advertisement" in t or t.startswith("By ") for t in texts)
    assert tribune.title not in texts
    for sentence in sentences:
        assert tribune.text[sentence.start:sentence.end] == sentence.text
    assert [s.position for s in sentences] == list(range(len(sentences)))


@pytest.mark.parametrize(
    ("line", "boilerplate"),
    [
        ("By Claire Dubois", True),
        ("Read more: Europe's museums rethink security", True),
        ("Police outside the Louvre. Photo: Jean Martin / Getty Images", True),
        ("Advertisement", True),
        ("© 2025 Example Tribune. All rights reserved.", True),
        ("By Sunday evening, police had sealed off the museum.", False),
        ("The thieves escaped on motor scooters.", False),
    ],
)
def test_boilerplate_lines(line, boilerplate):
    assert is_boilerplate(line) is boilerplate


def test_segment_caps_sentence_count():
    text = " ".join(f"Sentence number {i} says something new." for i in range(50))
    assert len(split_sentences(text, max_sentences=10)) == 10


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("At least three boats were struck.", 3, float("inf"), "boat"),
        ("The heist lasted about seven minutes.", 6.65, 7.35, "minute"),
        ("Police questioned two dozen staff.", 24, 24, "staff"),
        # a figure's last digit is a rounding: "88 million" means 87.5 to 88.5 million, a
        # round "$50 million" anything within 5 %
        ("It is worth 88 million euros.", 87.501e6, 88.499e6, "euro"),
        ("A reward of $50 million was offered.", 47.5e6, 52.5e6, "dollar"),
        ("Shares fell 16.97% on Monday.", 16.96501, 16.97499, "percent"),
        ("Nineteen people were killed.", 19, 19, "people"),
        ("More than 4,000 crew members were sent.", 4000.000001, float("inf"), "crew"),
        ("Turnout rose to 12% this year.", 11.501, 12.499, "percent"),
        ("Almost 800 firefighters were sent.", 760, 800, "firefighter"),  # within a round figure: 5 %
    ],
)
def test_quantities_become_intervals(text, low, high, unit):
    (quantity,) = extract_quantities(text)
    assert quantity.low == pytest.approx(low)
    assert quantity.high == pytest.approx(high)
    assert unit in quantity.unit


def test_years_times_and_partitives_are_not_quantities():
    assert extract_quantities("In 2020 at 9:30 one of the thieves left.") == []


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Four thieves took part in the raid.", "Two thieves carried out the raid.", "number"),
        ("The heist lasted about seven minutes.", "The raid lasted just four minutes.", "number"),
        ("The jewels are worth 88 million euros.", "The jewels are worth 15 million euros.", "number"),
        ("At least three thieves took part.", "Four thieves took part.", None),
        ("Police questioned two dozen staff.", "Police questioned 24 staff.", None),
        ("About 60 investigators are on the case.", "At least 50 investigators are on the case.", None),
        ("Four thieves stole eight jewels.", "Eight jewels were taken by the gang.", None),
        ("Dati denied that the security systems had failed.", "Dati said the security systems had failed.", "negation"),
        ("Officials said the alarms went off.", "Officials said the alarms did not go off.", "negation"),
        ("The alarms did not go off.", "Nobody expected the museum to close early on Sunday.", None),
        ("Twelve people were killed in the blast.", "Forty people were injured in the blast.", None),
        ("The blast killed at least 12 people.", "Twelve people were hurt in the blast.", None),
        ("The fire destroyed 40 homes.", "The fire damaged 120 homes.", None),
        ("Five people were killed in the attack.", "Seven people died in the attack.", "number"),
        ("Police arrested three men.", "Two men were detained by police.", "number"),
        ("Almost 800 firefighters were sent.", "More than 800 firefighters were sent.", "number"),
        ("Nearly 800 firefighters were sent.", "About 780 firefighters were sent.", None),
    ],
)
def test_rule_detector(a, b, kind):
    (verdict,) = RuleDetector().check_pairs([(a, b)])
    assert (verdict.kind if verdict else None) == kind


def test_number_conflict_spans_point_at_the_numbers():
    a, b = "Four thieves took part.", "Two thieves took part."
    (verdict,) = NumberRule().check_pairs([(a, b)])
    assert a[verdict.span_a[0]:verdict.span_a[1]] == "Four"
    assert b[verdict.span_b[0]:verdict.span_b[1]] == "Two"


def test_negation_span_points_at_the_cue():
    a, b = "Officials said the alarms went off.", "Officials said the alarms did not go off."
    (verdict,) = NegationRule().check_pairs([(a, b)])
    assert verdict.span_a is None
    assert b[verdict.span_b[0]:verdict.span_b[1]] == "not"


@pytest.mark.parametrize(
    ("a", "b", "denied"),
    [
        # who believes it differs, so the sentences share too few words for NegationRule
        ("Authorities believe the driver acted alone.", "The FBI has stated that its agents do not believe the driver acted alone.", True),
        ("Investigators believe the driver may not have acted alone.", "Authorities believe the driver acted alone.", True),
        # both deny it: one says "do not believe", the other "may not have"
        ("The FBI does not believe the driver acted alone.", "Investigators believe the driver may not have acted alone.", False),
        ("Police did not say how many people were killed.", "Police said 15 people were killed in the attack.", False),
        ("The museum did not reopen on Monday.", "The museum reopened on Wednesday.", False),
        # a question is not a denial; a contrast ends the negation; "neither ... nor" denies both
        ("I do not know whether the ban means two years.", "Whether the ban means two years, I do not know.", False),
        ("The mayor did not see the fuss, but urged residents to stay calm.", "The mayor urged residents to stay calm.", False),
        ("The banks neither confirmed nor denied the report.", "The banks did not confirm or deny the report.", False),
        ("The board declined to discuss the merger with the unions.", "The board said it discussed the merger with the unions.", True),
    ],
)
def test_polarity_rule_finds_one_statement_asserted_and_denied(a, b, denied):
    (verdict,) = PolarityRule().check_pairs([(a, b)])
    assert (verdict is not None) == denied
    if denied:
        assert NegationRule().check_pairs([(a, b)]) == [None]
        assert verdict.kind == "negation"
        assert {a[slice(*verdict.span_a)], b[slice(*verdict.span_b)]} & {"not", "declined"}  # the cue
        # the explanation names the statement and who says what ("... acted alone: says so vs denies it")
        assert verdict.what.split()[-1] in ("alone", "unions")
        assert {verdict.value_a, verdict.value_b} == {"says so", "denies it"}


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Twelve people were killed in the blast.", "dead"),
        ("Some 30 people are feared dead.", "dead"),
        ("The blast killed at least 12 people.", "dead"),
        ("Rescuers said 40 injured were taken to hospital.", "injured"),
        ("Forty passengers were reportedly wounded.", "injured"),
        ("Police detained three men.", "arrested"),
        ("Four thieves took part in the raid.", None),
        ("Twelve people, police said, were killed.", None),
    ],
)
def test_counts_know_what_happened_to_what_they_count(text, outcome):
    (quantity,) = extract_quantities(text)
    assert quantity.outcome == outcome
