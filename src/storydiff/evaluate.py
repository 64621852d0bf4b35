"""Evaluation on public labelled sets: is storydiff's judgement of sentence pairs right?

- MRPC test (news paraphrases): "same claim" as the aligner decides it: cosine at or above the
  match threshold, or entailment either way, and no contradiction; pairs under the candidate
  threshold are never judged, as in a story.
- SICK test (3-way NLI): the label classify_pairs gives.
- RTE-3 development set (3-way, news; NO = contradiction) and the RTE-2 development pairs with
  negated hypotheses: the label classify_pairs gives. Development data: the sentence-level
  NLI gate and the fact thresholds were chosen looking at it and at the development stories.
- Throughput of the NLI model in pairs/s, batched with dynamic padding.
Nothing here is tuned on these sets; they are read only to score.
"""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .classify import Judgement, PairJudge
from .errors import StorydiffError
from .settings import Settings

MRPC_FILE = "msr_paraphrase_test.txt"
SICK_FILE = "SICK_test_annotated.txt"
RTE3_FILE = "rte/RTE3_dev_3ways.xml"
RTE2_NEGATED_FILE = "rte/RTE2_dev_negated_contradiction.xml"
RTE_LABELS = {"YES": "entailment", "UNKNOWN": "neutral", "NO": "contradiction"}


@dataclass(frozen=True)
class LabelledPair:
    a: str
    b: str
    label: str


def read_mrpc(path: Path) -> list[LabelledPair]:
    rows = _lines(path, encoding="utf-8-sig")[1:]
    pairs = []
    for number, line in enumerate(rows, start=2):
        fields = line.split("\t")
        if len(fields) != 5 or fields[0] not in ("0", "1"):
            raise StorydiffError(f"{path}:{number}: expected 5 tab-separated fields starting with 0 or 1")
        pairs.append(LabelledPair(fields[3], fields[4], "same" if fields[0] == "1" else "different"))
    return pairs


def read_sick(path: Path) -> list[LabelledPair]:
    pairs = []
    for number, line in enumerate(_lines(path), start=1):
        fields = line.split("\t")
        if len(fields) != 5 or not fields[0].isdigit():
            continue  # a header line, where a copy has one
        label = fields[4].strip().lower()
        if label not in ("entailment", "neutral", "contradiction"):
            raise StorydiffError(f"{path}:{number}: unknown label {fields[4]!r}")
        pairs.append(LabelledPair(fields[1], fields[2], label))
    return pairs


def read_rte(path: Path) -> list[LabelledPair]:
    """RTE XML: <pair entailment="YES|UNKNOWN|NO"> (3-way) or contradiction="YES|NO" (negated set)."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise StorydiffError(f"{path}: cannot read evaluation file ({exc})") from None
    pairs = []
    for pair in root.iter("pair"):
        if pair.get("entailment") in RTE_LABELS:
            label = RTE_LABELS[pair.get("entailment")]
        elif pair.get("contradiction") in ("YES", "NO"):
            label = "contradiction" if pair.get("contradiction") == "YES" else "other"
        else:
            raise StorydiffError(f"{path}: pair {pair.get('id')} has no entailment or contradiction label")
        pairs.append(LabelledPair(" ".join((pair.findtext("t") or "").split()),
                                  " ".join((pair.findtext("h") or "").split()), label))
    return pairs


def evaluate_rte(pairs: Sequence[LabelledPair], judge: PairJudge) -> dict:
    judgements = judge.judge([(p.a, p.b) for p in pairs])
    gold = [p.label for p in pairs]
    predicted = [j.label for j in judgements]
    contradiction = binary_scores([g == "contradiction" for g in gold], [p == "contradiction" for p in predicted])
    result = {"contradiction": {k: contradiction[k] for k in ("precision", "recall", "f1")}, "pairs": len(pairs)}
    if "other" not in gold:
        result["accuracy"] = round(float(np.mean([g == p for g, p in zip(gold, predicted)])), 4)
    return result


def _lines(path: Path, encoding: str = "utf-8") -> list[str]:
    try:
        return [line for line in Path(path).read_text(encoding=encoding).splitlines() if line.strip()]
    except OSError as exc:
        raise StorydiffError(f"{path}: cannot read evaluation file ({exc.strerror or exc})") from None


def binary_scores(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    gold_a, predicted_a = np.asarray(gold, bool), np.asarray(predicted, bool)
    tp = int((gold_a & predicted_a).sum())
    precision = tp / max(1, int(predicted_a.sum()))
    recall = tp / max(1, int(gold_a.sum()))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "accuracy": round(float((gold_a == predicted_a).mean()), 4), "pairs": len(gold_a)}


def same_claim(similarity: float, judgement: Judgement | None, settings: Settings) -> bool:
    if similarity < settings.align.candidate_threshold or judgement is None:
        return False
    if judgement.label == "contradiction":
        return False
    return similarity >= settings.align.match_threshold or judgement.entails_either_way


def evaluate_mrpc(pairs: Sequence[LabelledPair], embedder, judge: PairJudge, settings: Settings) -> dict:
    vectors_a = embedder.encode([p.a for p in pairs])
    vectors_b = embedder.encode([p.b for p in pairs])
    similarity = (vectors_a * vectors_b).sum(axis=1)
    judged = [i for i, s in enumerate(similarity) if s >= settings.align.candidate_threshold]
    judgements: dict[int, Judgement] = dict(zip(judged, judge.judge([(pairs[i].a, pairs[i].b) for i in judged])))
    predicted = [same_claim(float(similarity[i]), judgements.get(i), settings) for i in range(len(pairs))]
    cosine_only = [float(s) >= settings.align.match_threshold for s in similarity]
    gold = [p.label == "same" for p in pairs]
    return {"same_claim": binary_scores(gold, predicted), "cosine_only": binary_scores(gold, cosine_only),
            "judged_pairs": len(judged)}


def evaluate_sick(pairs: Sequence[LabelledPair], judge: PairJudge) -> dict:
    judgements = judge.judge([(p.a, p.b) for p in pairs])
    gold = [p.label for p in pairs]
    predicted = [j.label for j in judgements]
    contradiction = binary_scores([g == "contradiction" for g in gold], [p == "contradiction" for p in predicted])
    entailments = [p for g, p in zip(gold, predicted) if g == "entailment"]
    kinds: dict[str, int] = {}
    for j in judgements:
        if j.label == "contradiction":
            kinds[j.kind] = kinds.get(j.kind, 0) + 1
    return {
        "accuracy": round(float(np.mean([g == p for g, p in zip(gold, predicted)])), 4),
        "contradiction": {k: contradiction[k] for k in ("precision", "recall", "f1")},
        "entailment_called_contradiction": round(entailments.count("contradiction") / max(1, len(entailments)), 4),
        "contradictions_by_kind": kinds,
        "pairs": len(pairs),
    }


def measure_throughput(pairs: Sequence[LabelledPair], judge: PairJudge, n: int = 1000, repeats: int = 3) -> dict:
    """The median of a few passes: a shared 2-core machine's speed drifts from one second to the next."""
    sample = [(p.a, p.b) for p in pairs[:n]]
    judge.nli.predict(sample[:32])  # warm-up
    passes = []
    for _ in range(repeats):
        started = time.perf_counter()
        judge.nli.predict(sample)
        passes.append(time.perf_counter() - started)
    seconds = statistics.median(passes)
    return {"nli_pairs_per_s": round(len(sample) / seconds, 1), "pairs": len(sample),
            "batch_size": judge.nli.batch_size}


def machine() -> str:
    import os

    import torch

    return f"{platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__} with {torch.get_num_threads()} threads"


def evaluate_all(data_dir: Path, settings: Settings, limit: int | None = None) -> dict:
    """Scores on every set present in data_dir; a missing set is reported as skipped."""
    from .embed import load_embedder
    from .nli import PACKAGED_NLI_MODEL, load_nli_model

    judge = PairJudge(load_nli_model(settings.nli_model or PACKAGED_NLI_MODEL, 32, settings.nli_backend,
                                     settings.model_cache, settings.threads))
    results: dict = {"nli_model": judge.nli.name, "contradiction_threshold": judge.contradiction_threshold,
                     "embedding_model": settings.model, "embed_backend": settings.embed_backend,
                     "nli_backend": settings.nli_backend, "machine": machine()}
    mrpc_path, sick_path = Path(data_dir) / MRPC_FILE, Path(data_dir) / SICK_FILE
    if mrpc_path.exists():
        mrpc = read_mrpc(mrpc_path)[:limit]
        embedder = load_embedder(settings.model, settings.embed_batch_size, settings.embed_backend,
                                 settings.model_cache, settings.threads)
        results["mrpc_test"] = evaluate_mrpc(mrpc, embedder, judge, settings)
    else:
        results["mrpc_test"] = f"skipped: {mrpc_path} not found"
    if sick_path.exists():
        sick = read_sick(sick_path)[:limit]
        results["sick_test"] = evaluate_sick(sick, judge)
        results["throughput"] = measure_throughput(sick, judge)
    else:
        results["sick_test"] = f"skipped: {sick_path} not found"
    for key, name in (("rte3_dev", RTE3_FILE), ("rte2_dev_negated", RTE2_NEGATED_FILE)):
        path = Path(data_dir) / name
        results[key] = evaluate_rte(read_rte(path)[:limit], judge) if path.exists() else f"skipped: {path} not found"
    return results
