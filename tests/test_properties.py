"""Property-based tests: arbitrary text, HTML and bytes never crash a stage, and invariants hold."""

from hypothesis import HealthCheck, example, given, settings, strategies as st

from storydiff.errors import ExtractError
from storydiff.extract import detect_truncation, extract_article
from storydiff.facts import extract_facts
from storydiff.facts_multilingual import READ, read_facts
from storydiff.fetch import decode_html
from storydiff.quantities import extract_quantities
from storydiff.segment import _normalise, split_sentences
from storydiff.versions import diff_sentences

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.sampled_from([
    "The", "police", "said", "four", "4", "thieves", "€88 million", "at least", "Oct. 19", "Mr.", "U.S.", "...",
    "“quoted”", "—", "19 October", "third", "1,200", "3.5%", "no", "not", "denied", "\n", "\n\n", ".", "?", "!",
    "Subscribe", "é", "日本", "\t", "  ", "2025", "$", "(AP)", "km", "people",
    "Monday's", "on Tuesday", "Tiger Bech, 28,", "US$600 billion", "NZ$", "killed", "since March 2020", "-storey",
])
prose = st.one_of(st.lists(words, max_size=60).map(" ".join), st.text(max_size=400))


@QUICK
@given(text=prose, max_sentences=st.integers(1, 20), max_chars=st.integers(5, 200))
def test_segmenter_offsets_point_at_the_sentences(text, max_sentences, max_chars):
    sentences = split_sentences(text, None, max_sentences, max_chars)
    assert len(sentences) <= max_sentences
    assert [s.position for s in sentences] == list(range(len(sentences)))
    keys = [_normalise(s.text) for s in sentences]
    assert len(keys) == len(set(keys)) or any(len(s.text) == max_chars for s in sentences)
    for sentence in sentences:
        assert 0 < len(sentence.text) <= max_chars
        assert text[sentence.start:sentence.end] == sentence.text
    assert [s.start for s in sentences] == sorted(s.start for s in sentences)


@QUICK
@given(text=prose)
def test_quantities_are_spans_of_the_text(text):
    for quantity in extract_quantities(text):
        assert 0 <= quantity.start < quantity.end <= len(text)
        assert quantity.low <= quantity.high
        assert quantity.unit


tags = st.sampled_from(["p", "div", "article", "main", "span", "script", "style", "h1", "a", "nav", "footer", "table",
                        "td", "br", "meta", "title", "![CDATA[", "!--"])


@st.composite
def html_pages(draw):
    parts = []
    for _ in range(draw(st.integers(0, 30))):
        tag = draw(tags)
        kind = draw(st.integers(0, 3))
        parts.append(f"<{tag}>" if kind == 0 else f"</{tag}>" if kind == 1 else draw(prose) if kind == 2 else
                     f"<{tag} class='{draw(st.text(max_size=10))}'>{draw(prose)}</{tag}>")
    return draw(st.sampled_from(["", "<!doctype html><html><body>", "<html>"])) + "".join(parts)


@QUICK
@given(page=st.one_of(html_pages(), st.text(max_size=300)), max_chars=st.integers(1, 5000))
# a year and a control character: the 1 January check re-reads the page with htmldate
@example(page="<p><p><p>since March 2020<script class=''></script>\x1f", max_chars=1)
def test_extraction_returns_text_or_a_clear_error(page, max_chars):
    try:
        article = extract_article(page, "https://example.org/a", max_chars)
    except ExtractError as exc:
        assert exc.reason
        return
    assert article.text.strip() and len(article.text) <= max_chars
    assert article.truncated is None or isinstance(article.truncated, str)
    assert detect_truncation(page, "") is None or isinstance(detect_truncation(page, ""), str)


@QUICK
@given(body=st.binary(max_size=400), declared=st.one_of(st.none(), st.sampled_from(
    ["utf-8", "iso-8859-1", "windows-1252", "shift_jis", "no-such", "utf-16", ""])))
def test_any_bytes_decode(body, declared):
    assert isinstance(decode_html(body, declared), str)


@QUICK
@given(old=st.lists(st.sampled_from(["A a.", "B b.", "C c.", "Four men.", "Two men.", "D d."]), max_size=8),
       new=st.lists(st.sampled_from(["A a.", "B b.", "C c.", "Four men.", "Two men.", "E e."]), max_size=8))
def test_version_diff_accounts_for_every_sentence(old, new):
    changes = diff_sentences(old, new)
    kept = len(old) - sum(1 for c in changes if c.kind in ("removed", "edited"))
    assert kept + sum(1 for c in changes if c.kind in ("added", "edited")) == len(new)
    assert (changes == []) == (old == new)


foreign_words = st.sampled_from([
    "Al menos", "mindestens", "au moins", "pelo menos", "más de", "15", "138.000", "138,000", "300 000", "3,5",
    "millones", "Millionen", "personas", "Menschen", "personnes", "pessoas", "murieron", "getötet", "tués", "mortos",
    "heridos", "verletzt", "y", "und", "et", "(", ")", ",", ".", "dos", "zwei", "quinze", "ladrones", "sábado",
    "26 de julio", "24. Juli", "jeudi", "24 juillet", "2025", "comenzaron", "evacuadas", "\u00a0", "é",
])
foreign_prose = st.one_of(st.lists(foreign_words, max_size=40).map(" ".join), st.text(max_size=300))


@QUICK
@given(text=foreign_prose, language=st.sampled_from(READ))
def test_facts_in_other_languages_are_spans_with_sane_intervals(text, language):
    for fact in read_facts(text, language):
        assert text[fact.start:fact.end] == fact.value_text
        assert 0 <= fact.low <= fact.high
        assert "N" in fact.context and fact.unit


@QUICK
@given(text=prose)
@example(text="Mr. denied denied killed")  # a status: "dead", said with "killed"
def test_facts_are_spans_of_the_text_with_sane_intervals(text):
    (facts,) = extract_facts([text])
    for fact in facts:
        # a day and a status are named ("Monday", "dead" for "killed"), not quoted
        assert text[fact.start:fact.end] == fact.value_text or fact.kind in ("weekday", "status")
        assert fact.low <= fact.high
        if fact.kind == "status":
            assert fact.context == text[:fact.start] + "so" + text[fact.end:]
        else:
            assert "so many" in fact.context or "N" in fact.context or "that day" in fact.context
