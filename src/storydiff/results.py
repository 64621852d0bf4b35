"""What one comparison of a story produces, and its rows for the store."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from .align import Alignment
from .embed import text_hash
from .extract import ExtractedArticle
from .fact_links import figure_slots, value_text
from .fetch import Page
from .segment import Sentence
from .story import ArticleRef, Story


USABLE_STATUSES = ("ok", "truncated")


@dataclass
class ArticleOutcome:
    article_no: int
    ref: ArticleRef
    # 'ok'; 'truncated' (compared, but part of the article could not be read); or why it was not used
    status: str = "ok"
    page: Page | None = None
    extracted: ExtractedArticle | None = None
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.status in USABLE_STATUSES


@dataclass
class StoryResult:
    story: Story
    articles: list[ArticleOutcome]
    alignment: Alignment
    fingerprint: str | None = None  # of the inputs; an unchanged story is not compared again


def sentence_rows(articles: list[ArticleOutcome]) -> list[tuple[ArticleOutcome, Sentence]]:
    """All sentences of the usable articles, in story order: the row order of the alignment."""
    return [(article, s) for article in articles if article.usable for s in article.sentences]


def sentence_id(article_no: int, position: int) -> str:
    return f"a{article_no}s{position}"


def to_frames(result: StoryResult) -> dict[str, pl.DataFrame]:
    story_id = result.story.id
    rows = sentence_rows(result.articles)
    ids = [sentence_id(a.article_no, s.position) for a, s in rows]
    alignment = result.alignment
    articles = pl.DataFrame(
        {
            "story_id": [story_id] * len(result.articles),
            "article_no": [a.article_no for a in result.articles],
            "outlet": [a.ref.outlet for a in result.articles],
            "url": [a.ref.url for a in result.articles],
            "status": [a.status for a in result.articles],
            "error": [None if a.usable else a.status for a in result.articles],
            "truncation": [a.extracted.truncated if a.extracted else None for a in result.articles],
            "language": [a.extracted.language if a.extracted else None for a in result.articles],
            "title": [a.extracted.title if a.extracted else None for a in result.articles],
            "author": [a.extracted.author if a.extracted else None for a in result.articles],
            "published": [a.extracted.published if a.extracted else None for a in result.articles],
            "site_name": [a.extracted.site_name if a.extracted else None for a in result.articles],
            "fetched_at": [a.page.fetched_at if a.page else None for a in result.articles],
            "page_sha256": [a.page.sha256 if a.page else None for a in result.articles],
            "source_article_no": [
                alignment.source_of[a.article_no] if a.usable else a.article_no for a in result.articles
            ],
            "n_sentences": [len(a.sentences) for a in result.articles],
        },
        schema_overrides={"error": pl.String, "truncation": pl.String, "language": pl.String, "title": pl.String, "author": pl.String,
                          "published": pl.String, "site_name": pl.String, "page_sha256": pl.String,
                          "fetched_at": pl.Datetime("us", "UTC")},
    )
    sentences = pl.DataFrame(
        {
            "story_id": [story_id] * len(rows),
            "sentence_id": ids,
            "article_no": [a.article_no for a, _ in rows],
            "position": [s.position for _, s in rows],
            "start_char": [s.start for _, s in rows],
            "end_char": [s.end for _, s in rows],
            "text": [s.text for _, s in rows],
            "text_hash": [text_hash(s.text) for _, s in rows],
            "claim_id": alignment.claim_of,
            "language": list(alignment.languages) if alignment.languages else [None] * len(rows),
        },
        schema_overrides={"sentence_id": pl.String, "text": pl.String, "text_hash": pl.String, "language": pl.String,
                          "article_no": pl.Int32, "position": pl.Int32, "start_char": pl.Int32,
                          "end_char": pl.Int32, "claim_id": pl.Int32},
    )
    matches = pl.DataFrame(
        {
            "story_id": [story_id] * len(alignment.matches),
            "sentence_a": [ids[m.a] for m in alignment.matches],
            "sentence_b": [ids[m.b] for m in alignment.matches],
            "similarity": [m.similarity for m in alignment.matches],
            "relation": [m.relation for m in alignment.matches],
        },
        schema_overrides={"sentence_a": pl.String, "sentence_b": pl.String, "similarity": pl.Float64,
                          "relation": pl.String},
    )
    conflicts = pl.DataFrame(
        {
            "story_id": [story_id] * len(alignment.conflicts),
            "sentence_a": [ids[m.a] for m, _ in alignment.conflicts],
            "sentence_b": [ids[m.b] for m, _ in alignment.conflicts],
            "kind": [c.kind for _, c in alignment.conflicts],
            "score": [c.score for _, c in alignment.conflicts],
            "span_a_start": [c.span_a[0] if c.span_a else None for _, c in alignment.conflicts],
            "span_a_end": [c.span_a[1] if c.span_a else None for _, c in alignment.conflicts],
            "span_b_start": [c.span_b[0] if c.span_b else None for _, c in alignment.conflicts],
            "span_b_end": [c.span_b[1] if c.span_b else None for _, c in alignment.conflicts],
            "what": [c.what for _, c in alignment.conflicts],
            "value_a": [c.value_a for _, c in alignment.conflicts],
            "value_b": [c.value_b for _, c in alignment.conflicts],
            "confidence": [c.confidence if c.confidence is not None else c.score for _, c in alignment.conflicts],
        },
        schema_overrides={"sentence_a": pl.String, "sentence_b": pl.String, "kind": pl.String,
                          "score": pl.Float64, "span_a_start": pl.Int32, "span_a_end": pl.Int32,
                          "span_b_start": pl.Int32, "span_b_end": pl.Int32, "what": pl.String,
                          "value_a": pl.String, "value_b": pl.String, "confidence": pl.Float64},
    )
    members = pl.DataFrame(
        {
            "story_id": [story_id] * len(alignment.also_in),
            "sentence_id": [ids[row] for row, _ in alignment.also_in],
            "claim_id": [claim for _, claim in alignment.also_in],
        },
        schema_overrides={"sentence_id": pl.String, "claim_id": pl.Int32},
    )
    return {"articles": articles, "sentences": sentences, "matches": matches, "conflicts": conflicts,
            "facts": fact_frame(story_id, ids, alignment), "claim_members": members}


def fact_frame(story_id: str, ids: list[str], alignment: Alignment) -> pl.DataFrame:
    """One row per figure a sentence states, with its slot (the thing counted) and status."""
    slots = figure_slots(alignment.facts, alignment.fact_links)
    facts = [f for row_facts in alignment.facts for f in row_facts]
    return pl.DataFrame(
        {
            "story_id": [story_id] * len(facts),
            "sentence_id": [ids[f.row] for f in facts],
            "kind": [f.kind for f in facts],
            "value_text": [value_text(f) for f in facts],
            "low": [f.low for f in facts],
            "high": [f.high for f in facts],
            "unit": [f.unit for f in facts],
            "counted": [f.counted or None for f in facts],
            "role": [f.role or None for f in facts],
            "entities": [sorted(f.entities) for f in facts],
            "what": [f.slot_label for f in facts],
            "start_char": [f.start for f in facts],
            "end_char": [f.end for f in facts],
            "slot": [slots[(f.row, f.start)][0] for f in facts],
            "status": [slots[(f.row, f.start)][1] for f in facts],
        },
        schema_overrides={"sentence_id": pl.String, "kind": pl.String, "value_text": pl.String, "low": pl.Float64,
                          "high": pl.Float64, "unit": pl.String, "counted": pl.String, "role": pl.String,
                          "entities": pl.List(pl.String), "what": pl.String, "start_char": pl.Int32,
                          "end_char": pl.Int32, "slot": pl.Int32, "status": pl.String},
    )
