"""NLI stage: entailment / neutral / contradiction probabilities for sentence pairs.

The default model is storydiff's own MiniLM-L6 cross-encoder, shipped in the package
(models/nli-minilm-l6, see its README for data, licences and metrics), so it loads offline.
Any Hugging Face cross-encoder with an NLI head (e.g. cross-encoder/nli-deberta-v3-base) can be
named instead where the hub is reachable; its label names are read from its config.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .console import progress, quiet_model_loading
from .errors import StorydiffError

PACKAGED_NLI_MODEL = "storydiff-nli-minilm-l6"
PACKAGED_NLI_PATH = Path(__file__).parent / "models" / "nli-minilm-l6"
LABELS = ("entailment", "neutral", "contradiction")


def resolve_nli_model(model: str) -> str:
    return str(PACKAGED_NLI_PATH) if model == PACKAGED_NLI_MODEL else model


class NliModel:
    """A loaded cross-encoder; `predict` gives one row of LABELS probabilities per pair.

    backend "torch" runs the weights as they are; "onnx" and "onnx-int8" run an ONNX copy made
    once into `cache_dir` (bench/run.py measures the three side by side)."""

    def __init__(self, model: str, batch_size: int = 32, max_length: int = 128, backend: str = "torch",
                 cache_dir: Path | None = None, threads: int = 0, batch_int8: bool = False):
        from .onnx_export import load_tokenizer, read_config

        self.name = model
        self.backend = backend
        # int8 activations are quantized with one scale per batch, so batched, a pair's
        # probabilities moved with the other pairs (by up to 0.68 on news pairs, bench/run.py).
        # One pair at a time they are always the same; one run per core makes up the speed.
        # (bench/run.py alone sets batch_int8, to measure the batches.)
        self.batch_size = 1 if backend == "onnx-int8" and not batch_int8 else batch_size
        self.max_length = max_length
        path = resolve_nli_model(model)
        try:
            self._tokenizer = load_tokenizer(path, max_length)
            config = read_config(path)
        except (OSError, ValueError) as exc:
            raise StorydiffError(f"NLI model {model!r} cannot be loaded: {str(exc).splitlines()[0]}") from None
        names = {int(i): str(n).lower() for i, n in config.get("id2label", {}).items()}
        try:
            self._columns = [next(i for i, n in names.items() if n.startswith(label)) for label in LABELS]
        except StopIteration:
            raise StorydiffError(f"NLI model {model!r} has labels {sorted(names.values())}, not entailment/neutral/contradiction") from None
        self.calibration = read_calibration(model)
        if backend == "torch":
            import torch
            from transformers import AutoModelForSequenceClassification

            # fp16 on disk, fp32 in memory: CPUs run half precision slowly
            with quiet_model_loading():
                self._model = AutoModelForSequenceClassification.from_pretrained(path, dtype=torch.float32).eval()
            self._inputs = set(inspect.signature(self._model.forward).parameters)
        elif backend in ("onnx", "onnx-int8") and cache_dir is not None:
            from .onnx_export import Runner, cache_folder, exported

            onnx_path = exported(cache_folder(cache_dir, model, "nli"), path, lambda names: _logits(path, names),
                                 "logits", backend == "onnx-int8")
            self._runner = Runner(onnx_path, threads, one_at_a_time=self.batch_size == 1)
        else:
            raise StorydiffError(f"unknown NLI backend {backend!r} (torch, onnx, onnx-int8 with a cache folder)")

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        probabilities = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
        # similar lengths in one batch: dynamic padding then wastes little compute
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        batches = [order[start : start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        feeds = (self._tokenizer([pairs[i][0] for i in rows], [pairs[i][1] for i in rows]) for rows in batches)
        outputs = map(self._torch_logits, feeds) if self.backend == "torch" else self._runner.run_all(feeds)
        with progress("judging", len(pairs), "pair") as advance:
            for rows, logits in zip(batches, outputs):
                logits = logits.astype(np.float32)
                exp = np.exp(logits - logits.max(axis=1, keepdims=True))
                probabilities[rows] = (exp / exp.sum(axis=1, keepdims=True))[:, self._columns]
                advance(len(rows))
        return probabilities

    def _torch_logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            feed = {k: torch.from_numpy(v) for k, v in batch.items() if k in self._inputs}
            return self._model(**feed).logits.float().numpy()


def _logits(path: str, names: list[str]):
    import torch
    from transformers import AutoModelForSequenceClassification

    # eager attention: the exporter traces the scaled-dot-product kernel wrongly
    classifier = AutoModelForSequenceClassification.from_pretrained(
        path, dtype=torch.float32, attn_implementation="eager").eval()

    class Logits(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.classifier = classifier

        def forward(self, *inputs):
            return self.classifier(**dict(zip(names, inputs))).logits

    return Logits()


def read_calibration(model: str) -> dict:
    """calibration.json beside the weights (the packaged model has one), else {}."""
    calibration = Path(resolve_nli_model(model)) / "calibration.json"
    return json.loads(calibration.read_text()) if calibration.exists() else {}


class LazyNliModel:
    """Loads the model at the first prediction: a re-run whose pairs are all cached never does."""

    def __init__(self, model: str, backend: str = "torch", cache_dir: Path | None = None, threads: int = 0):
        self.name = model
        self.backend = backend
        self.cache_dir = cache_dir
        self.threads = threads
        self.calibration = read_calibration(model)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return load_nli_model(self.name, 32, self.backend, self.cache_dir, self.threads).predict(pairs)


@lru_cache(maxsize=4)
def load_nli_model(model: str = PACKAGED_NLI_MODEL, batch_size: int = 32, backend: str = "torch",
                   cache_dir: Path | None = None, threads: int = 0) -> NliModel:
    """One load per process, like the embedder."""
    return NliModel(model, batch_size, backend=backend, cache_dir=cache_dir, threads=threads)
