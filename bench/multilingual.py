"""Embedding a story that mixes languages: the multilingual model (USE multilingual v3) against
the English default (all-MiniLM-L6-v2, onnx-int8), side by side in one run, in sentences/s.
A mixed story also embeds its English sentences with the English model, whose cosines gate the
NLI model's contradictions (between two English sentences): "mixed story" is both; and the
statements of its clauses that may meet one in another language (denials.py): "with its
statements". Target (issue 17): the mixed story embeds at >= 0.5x the default's rate.

    .venv/bin/python bench/multilingual.py [--sentences 1200] [--rounds 5]

The sentences are those of the bundled sample story and the Spanish and German test pages,
numbered so that none repeats; prints a table and writes bench/multilingual.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from run import side_by_side  # noqa: E402
from storydiff.embed import MULTILINGUAL_MODEL, embed_rows, load_embedder  # noqa: E402
from storydiff.extract import extract_article  # noqa: E402
from storydiff.languages import ENGLISH, segmenter_language  # noqa: E402
from storydiff.segment import split_sentences  # noqa: E402
from storydiff.settings import Settings  # noqa: E402

PAGES = [*sorted((REPO / "data" / "stories" / "louvre-heist").glob("*.html")),
         *sorted((REPO / "tests" / "data" / "multilingual").glob("*.html"))]


def sentences(count: int) -> tuple[list[str], list[str], list[int]]:
    """The texts, each one's language and its article (a page's sentences in one repetition)."""
    base = []
    for number, page in enumerate(PAGES):
        article = extract_article(page.read_text(encoding="utf-8"))
        base += [(s.text, article.language or "en", number) for s in split_sentences(
            article.text, article.title, language=segmenter_language(article.language))]
    picked = [(f"{base[i % len(base)][0]} ({i // len(base)})", base[i % len(base)][1],
               base[i % len(base)][2] + len(PAGES) * (i // len(base))) for i in range(count)]
    return [t for t, _, _ in picked], [language for _, language, _ in picked], [article for _, _, article in picked]


def statement_contexts(texts: list[str], languages: list[str], article_of: list[int], embed) -> list[str]:
    """The statements (denials.py) a mixed story embeds besides its sentences: those that may
    meet one in another language."""
    from storydiff.fact_links import contexts_to_embed
    from storydiff.facts_multilingual import extract_story_facts

    facts = extract_story_facts(texts, languages, embed)
    flat = [f for row in facts for f in row]
    return [flat[i].context for i in contexts_to_embed(facts, article_of) if flat[i].kind == "statement"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    settings = Settings()
    texts, languages, article_of = sentences(args.sentences)
    default = load_embedder(settings.model, settings.embed_batch_size, settings.embed_backend, settings.model_cache,
                            settings.threads)
    multilingual = load_embedder(MULTILINGUAL_MODEL, settings.embed_batch_size, threads=settings.threads)
    statements = statement_contexts(texts, languages, article_of, multilingual.encode)
    english = [language == ENGLISH for language in languages]
    medians = side_by_side({"default": lambda: default.encode(texts),
                            "multilingual": lambda: multilingual.encode(texts),
                            "mixed story": lambda: (multilingual.encode(texts), embed_rows(texts, english, default.encode)),
                            "mixed story, statements": lambda: (multilingual.encode(texts + statements),
                                                                embed_rows(texts, english, default.encode))},
                           args.rounds)
    rates = {name: round(len(texts) / seconds, 1) for name, seconds in medians.items()}
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "sentences": len(texts),
        "rounds": args.rounds,
        "sentences_per_s": {f"{settings.model} [{settings.embed_backend}]": rates["default"],
                            MULTILINGUAL_MODEL: rates["multilingual"],
                            "mixed story (both)": rates["mixed story"],
                            "mixed story with its statements": rates["mixed story, statements"]},
        "statements_embedded": len(statements),
        "ratio_multilingual_to_default": round(rates["multilingual"] / rates["default"], 2),
        "ratio_mixed_story_to_default": round(rates["mixed story"] / rates["default"], 2),
        "ratio_mixed_story_with_statements_to_default": round(rates["mixed story, statements"] / rates["default"], 2),
    }
    print(f"{'model':<42}{'sentences/s':>12}")
    for name, rate in result["sentences_per_s"].items():
        print(f"{name:<42}{rate:>12}")
    print(f"multilingual / default: {result['ratio_multilingual_to_default']}x; "
          f"mixed story / default: {result['ratio_mixed_story_to_default']}x, with its "
          f"{len(statements)} statements {result['ratio_mixed_story_with_statements_to_default']}x (target >= 0.5x)")
    (REPO / "bench" / "multilingual.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
