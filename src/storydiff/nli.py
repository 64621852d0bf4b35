"""NLI stage: entailment / neutral / contradiction probabilities for sentence pairs.

The default model is storydiff's own MiniLM-L6 cross-encoder, shipped in the package
(models/nli-minilm-l6, see its README for data, licences and metrics), so it loads offline.
Any Hugging Face cross-encoder with an NLI head (e.g. cross-encoder/nli-deberta-v3-base) can be
named instead where the hub is reachable; its label names are read from its config.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import StorydiffError

PACKAGED_NLI_MODEL = "storydiff-nli-minilm-l6"
PACKAGED_NLI_PATH = Path(__file__).parent / "models" / "nli-minilm-l6"
LABELS = ("entailment", "neutral", "contradiction")


def resolve_nli_model(model: str) -> str:
    return str(PACKAGED_NLI_PATH) if model == PACKAGED_NLI_MODEL else model


class NliModel:
    """A loaded cross-encoder; `predict` gives one row of LABELS probabilities per pair."""

    def __init__(self, model: str, batch_size: int = 32, max_length: int = 128, threads: int | None = None):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.name = model
        self.batch_size = batch_size
        self.max_length = max_length
        path = resolve_nli_model(model)
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(path)
            # fp16 on disk, fp32 in memory: CPUs run half precision slowly
            self._model = AutoModelForSequenceClassification.from_pretrained(path, dtype=torch.float32).eval()
        except OSError as exc:
            raise StorydiffError(f"NLI model {model!r} cannot be loaded: {str(exc).splitlines()[0]}") from None
        if threads:
            torch.set_num_threads(threads)
        names = {i: str(n).lower() for i, n in self._model.config.id2label.items()}
        try:
            self._columns = [next(i for i, n in names.items() if n.startswith(label)) for label in LABELS]
        except StopIteration:
            raise StorydiffError(f"NLI model {model!r} has labels {sorted(names.values())}, not entailment/neutral/contradiction") from None
        self.calibration = read_calibration(model)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        import torch

        probabilities = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
        # similar lengths in one batch: dynamic padding then wastes little compute
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                batch = self._tokenizer(
                    [pairs[i][0] for i in rows], [pairs[i][1] for i in rows],
                    truncation=True, max_length=self.max_length, padding=True, return_tensors="pt",
                )
                logits = self._model(**batch).logits.float()
                probabilities[rows] = torch.softmax(logits, dim=-1)[:, self._columns].numpy()
        return probabilities


def read_calibration(model: str) -> dict:
    """calibration.json beside the weights (the packaged model has one), else {}."""
    calibration = Path(resolve_nli_model(model)) / "calibration.json"
    return json.loads(calibration.read_text()) if calibration.exists() else {}


class LazyNliModel:
    """Loads the model at the first prediction: a re-run whose pairs are all cached never does."""

    def __init__(self, model: str):
        self.name = model
        self.calibration = read_calibration(model)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return load_nli_model(self.name).predict(pairs)


@lru_cache(maxsize=2)
def load_nli_model(model: str = PACKAGED_NLI_MODEL, batch_size: int = 32) -> NliModel:
    """One load per process, like the embedder."""
    return NliModel(model, batch_size)
