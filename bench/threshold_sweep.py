"""Sweep the claim-matching threshold on the sample story and print per-label precision/recall.

    .venv/bin/python bench/threshold_sweep.py

The sample story is the only labelled story we have, so the default threshold is chosen here and
the gold test is not an independent check of it; issue 3 adds public benchmarks.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from storydiff.align import align_story
from storydiff.classify import RuleDetector
from storydiff.embed import load_embedder
from storydiff.extract import extract_article
from storydiff.fetch import fetch_page
from storydiff.gold import load_gold, score_story
from storydiff.results import ArticleOutcome, StoryResult, sentence_rows
from storydiff.segment import split_sentences
from storydiff.settings import Settings
from storydiff.store import Store
from storydiff.story import load_story

REPO = Path(__file__).resolve().parents[1]
STORY = REPO / "data" / "stories" / "louvre-heist.toml"
GOLD = REPO / "data" / "stories" / "louvre-heist.gold.tsv"


def main() -> int:
    settings = Settings()
    story = load_story(STORY)
    outcomes = []
    for number, ref in enumerate(story.articles):
        page = fetch_page(ref.location, settings.fetch)
        extracted = extract_article(page.html, ref.location)
        sentences = split_sentences(extracted.text, extracted.title)
        outcomes.append(ArticleOutcome(number, ref, page=page, extracted=extracted, sentences=sentences))
    rows = sentence_rows(outcomes)
    texts = [s.text for _, s in rows]
    article_of = [a.article_no for a, _ in rows]
    vectors = load_embedder(settings.model).encode(texts)
    gold = load_gold(GOLD)
    print(f"{'threshold':>9}  " + "  ".join(f"{label:>12} P/R" for label in ("shared", "unique", "contradicted")))
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "sweep.duckdb") as store:
        for threshold in np.arange(0.30, 0.95, 0.06):
            align = replace(settings.align, match_threshold=float(threshold))
            alignment = align_story(vectors, article_of, texts, len(outcomes), RuleDetector(), align)
            store.replace_story(StoryResult(story, outcomes, alignment))
            scores = score_story(store, story.id, gold).scores
            print(f"{threshold:>9.2f}  " + "  ".join(
                f"{scores[label].precision:>7.2f}/{scores[label].recall:.2f}" for label in scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
