"""Gold labels for a story: expected status of every sentence, and precision/recall against them."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import StorydiffError
from .store import Store

LABELS = ("shared", "unique", "contradicted")


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    support: int


@dataclass(frozen=True)
class GoldReport:
    scores: dict[str, LabelScore]
    missing: list[tuple[str, str]]  # gold sentences the pipeline did not produce
    extra: list[tuple[str, str]]  # pipeline sentences the gold file does not list
    mistakes: list[tuple[str, str, str, str]]  # outlet, sentence, expected, got


def _key(outlet: str, sentence: str) -> tuple[str, str]:
    return outlet, " ".join(sentence.split())


def load_gold(path: Path) -> dict[tuple[str, str], str]:
    try:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except OSError as exc:
        raise StorydiffError(f"{path}: cannot read gold file ({exc.strerror or exc})") from None
    gold = {}
    for number, row in enumerate(rows, start=2):
        if row.get("label") not in LABELS:
            raise StorydiffError(f"{path}:{number}: label must be one of {', '.join(LABELS)}")
        gold[_key(row["outlet"], row["sentence"])] = row["label"]
    return gold


def score_story(store: Store, story_id: str, gold: dict[tuple[str, str], str]) -> GoldReport:
    predicted = {
        _key(row["outlet"], row["sentence"]): row["status"]
        for row in store.frame("sentence_labels", [story_id]).iter_rows(named=True)
    }
    # A gold sentence the pipeline lost counts as a wrong answer for its label.
    pairs = [(label, predicted.get(key, "missing")) for key, label in gold.items()]
    pairs += [("extra", label) for key, label in predicted.items() if key not in gold]
    scores = {}
    for label in LABELS:
        true_positive = sum(1 for want, got in pairs if want == label and got == label)
        predicted_n = sum(1 for _, got in pairs if got == label)
        support = sum(1 for want, _ in pairs if want == label)
        scores[label] = LabelScore(
            label,
            precision=true_positive / predicted_n if predicted_n else 0.0,
            recall=true_positive / support if support else 0.0,
            support=support,
        )
    return GoldReport(
        scores=scores,
        missing=[key for key in gold if key not in predicted],
        extra=[key for key in predicted if key not in gold],
        mistakes=[(k[0], k[1], want, predicted[k]) for k, want in gold.items() if k in predicted and predicted[k] != want],
    )
