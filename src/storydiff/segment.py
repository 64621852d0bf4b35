"""Segment stage: article text into claim sentences with character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pysbd

# Lines and sentences that are page furniture, not claims.
BOILERPLATE = re.compile(
    r"""^(
        (read|see)\s+(more|also)\b | related\b | more\s+on\s+this | recommended\b
      | sign\s+up\b | subscribe\b | advertisement\b | sponsored\b | share\s+this\b | follow\s+us\b
      | click\s+here\b | copyright\b | © | \(c\)\s | all\s+rights\s+reserved
      | (photo|image|picture|video)\s*(:|credit|by\b) | credit\s*: | \(?photo\s+by\b
      | (updated|published|posted)\s*(:|on\b|\d)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
PHOTO_CREDIT = re.compile(r"\b(getty images|afp via getty|/\s*(ap|afp|reuters)\s*photo|photo\s*:)", re.IGNORECASE)
BYLINE = re.compile(r"^by\s+[A-Z][^.!?]*$")
MIN_WORDS = 4
BYLINE_MAX_WORDS = 10


@dataclass(frozen=True)
class Sentence:
    position: int  # 0-based order among kept sentences
    start: int  # character offsets into the extracted text
    end: int
    text: str


def is_boilerplate(line: str) -> bool:
    line = line.strip()
    words = line.split()
    if len(words) < MIN_WORDS:
        return True
    if BYLINE.match(line) and len(words) <= BYLINE_MAX_WORDS:
        return True
    return bool(BOILERPLATE.match(line) or PHOTO_CREDIT.search(line))


def split_sentences(
    text: str,
    title: str | None = None,
    max_sentences: int = 1_000,
    max_sentence_chars: int = 1_000,
    language: str = "en",
) -> list[Sentence]:
    """Sentences of the article body, boilerplate and the repeated headline dropped; `language`
    picks pysbd's rules (languages.segmenter_language)."""
    segmenter = pysbd.Segmenter(language=language, clean=False)
    headline = _normalise(title) if title else None
    kept: list[Sentence] = []
    seen: set[str] = set()
    offset = 0
    for line in text.split("\n"):
        line_start = offset
        offset += len(line) + 1
        if is_boilerplate(line) or (headline and _normalise(line) == headline):
            continue
        cursor = 0
        for piece in segmenter.segment(line):
            sentence = piece.strip()
            if not sentence:
                continue
            found = line.find(sentence, cursor)
            start = line_start + (found if found >= 0 else cursor)
            cursor = (found if found >= 0 else cursor) + len(sentence)
            key = _normalise(sentence)
            if is_boilerplate(sentence) or key in seen:
                continue
            seen.add(key)
            sentence = sentence[:max_sentence_chars]
            kept.append(Sentence(len(kept), start, start + len(sentence), sentence))
            if len(kept) >= max_sentences:
                return kept
    return kept


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())
