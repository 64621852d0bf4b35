"""Language stage: the language an article is written in, and what a story's mix of languages changes.

The text decides (py3langid, trafilatura's own language helper: a naive Bayes model shipped in its
wheel); the page's declared language (`<html lang>`, `og:locale`) only settles short or unclear
texts, because sites often keep an English template around translated copy.

A story whose articles are all English is compared exactly as before. One that mixes languages is
embedded with a multilingual model (embed.MULTILINGUAL_MODEL), every cosine threshold moved onto
that model's scale (`for_languages`), and the English NLI model and negation rule judge only pairs
of two English sentences (align.py), gated by the English model's cosines; figures decide the others.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import Settings

ENGLISH = "en"
# pysbd's rules per language; Portuguese has none there and is split with the Spanish ones
# (the same abbreviations "Sr.", "Dra.", "p. ej." matter most).
SEGMENTER_LANGUAGE = {"en": "en", "es": "es", "fr": "fr", "de": "de", "it": "it", "nl": "nl", "pt": "es"}

SENTENCE_LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "nl")
QUOTE_WORDS = 8
QUOTE_CONFIDENCE = 0.99
# Below this normalised probability the text alone does not decide (short or mixed pages).
MIN_CONFIDENCE = 0.9
DETECT_CHARS = 3_000

DECLARED = re.compile(
    r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})
      | <meta\b[^>]*?property\s*=\s*["']og:locale["'][^>]*?content\s*=\s*["']([A-Za-z]{2,3})
      | <meta\b[^>]*?content\s*=\s*["']([A-Za-z]{2,3})[_-][A-Za-z]{2}["'][^>]*?property\s*=\s*["']og:locale["']""",
    re.IGNORECASE | re.VERBOSE,
)


def declared_language(html: str) -> str | None:
    """The language a page says it is in (`<html lang>` first, then `og:locale`), lower case."""
    found = DECLARED.search(html[:20_000])
    if not found:
        return None
    return next(code for code in found.groups() if code).lower()


@lru_cache(maxsize=2)
def _identifier(languages: tuple[str, ...] | None = None):
    """py3langid's model, over every language it knows or only over `languages`. The model file
    is read once: a restricted identifier is a copy of the full one whose tables are sliced
    (`set_languages` rebinds them), 2 ms against 0.5 s of CPU for reading the file again, on
    every story run's process."""
    if languages:
        identifier = copy.copy(_identifier())
        identifier.set_languages(list(languages))
        return identifier
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, declared: str | None = None) -> str:
    """ISO 639-1 code of the text's language: the classifier's when it is sure, else the declared
    one, else the classifier's best guess."""
    language, confidence = _identifier().classify(text[:DETECT_CHARS])
    if confidence >= MIN_CONFIDENCE or not declared:
        return language
    return declared


def sentence_language(text: str) -> str:
    """The language of one sentence, among those storydiff reads and their neighbours: a
    sentence is too short for the full model ("Two thieves took part." is English at 0.55)."""
    return _identifier(SENTENCE_LANGUAGES).classify(text)[0]


def sentence_languages(article_language: str | None, texts: Sequence[str]) -> list[str | None]:
    """Each sentence's language: its article's, unless the sentence is long enough to tell
    (QUOTE_WORDS) and surely in another (QUOTE_CONFIDENCE): a Spanish quote in an English page.
    On the development stories no sentence is moved (678 English, 101 in four other languages)."""
    languages = []
    for text in texts:
        language = article_language
        if len(text.split()) >= QUOTE_WORDS:
            found, confidence = _identifier(SENTENCE_LANGUAGES).classify(text)
            if found != article_language and confidence >= QUOTE_CONFIDENCE:
                language = found
        languages.append(language)
    return languages


def segmenter_language(language: str | None) -> str:
    return SEGMENTER_LANGUAGE.get(language or ENGLISH, ENGLISH)


def is_mixed(languages) -> bool:
    """True when a story has an article not in English: its sentences need the multilingual model."""
    return any(language != ENGLISH for language in languages if language)


def for_languages(settings: Settings, languages) -> Settings:
    """The settings a story in these languages is compared with: unchanged for English alone; else
    the multilingual embedder, and every cosine threshold mapped onto its scale."""
    if not is_mixed(languages) or not settings.multilingual_model:
        return settings
    scale = settings.multilingual_scale

    def moved(value: float) -> float:
        return round(min(1.0, (value - scale.intercept) / scale.slope), 4)

    align = settings.align
    facts = settings.facts
    return replace(
        settings,
        model=settings.multilingual_model,
        align=replace(align, match_threshold=moved(align.match_threshold),
                      candidate_threshold=moved(align.candidate_threshold),
                      copy_similarity=moved(align.copy_similarity),
                      cross_language_offset=scale.cross_language_offset),
        facts=replace(facts, min_similarity=moved(facts.min_similarity),
                      min_similarity_weak=moved(facts.min_similarity_weak),
                      min_similarity_day=moved(facts.min_similarity_day),
                      min_similarity_began=moved(facts.min_similarity_began),
                      min_similarity_unnamed=moved(facts.min_similarity_unnamed)),
    )
