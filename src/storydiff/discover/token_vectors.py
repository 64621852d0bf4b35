"""Whole-article vectors from the sentence model's vocabulary, without running the model per article.

Running the transformer over 10,000 articles takes two minutes on two cores, and it reads only
the first 128 tokens. Instead, every token of the model's vocabulary is run through the model
once, alone between [CLS] and [SEP] (the distillation of model2vec, whose `distill` extra is not
used because it pins transformers below the version storydiff needs), and an article's vector is
the TF-IDF-weighted sum of its tokens' vectors: the whole text, in well under a millisecond.
The table is made once per model (about 15 s) and kept beside the exported model.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..console import progress
from ..errors import StorydiffError

TABLE_FILE = "token-vectors.npy"
BATCH = 512


class TokenVectors:
    """A vector per vocabulary token (rows by token id), and the model's tokenizer."""

    def __init__(self, table: np.ndarray, tokenizer_file: Path):
        from tokenizers import Tokenizer

        self.table = table
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        # the model's settings pad every text to 128 tokens and cut it there: here the whole text counts
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one per text. Token weights are fitted on `texts`, so the words every
        article uses (said, the, Tuesday) weigh little next to names, places and figures."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectors = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        ids: list[list[int]] = []
        for first in range(0, len(texts), BATCH):  # a batch's encodings (offsets, strings) outweigh the ids
            batch = self._tokenizer.encode_batch(list(texts[first:first + BATCH]), add_special_tokens=False)
            ids.extend(encoding.ids for encoding in batch)
        if not any(ids):
            return vectors
        weighting = TfidfVectorizer(analyzer=_same, sublinear_tf=True, norm=None, dtype=np.float32)
        weights = weighting.fit_transform(ids)
        tokens = np.empty(len(weighting.vocabulary_), dtype=np.int64)
        for token, column in weighting.vocabulary_.items():
            tokens[column] = token
        vectors[:] = weights @ self.table[tokens]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.divide(vectors, norms, out=vectors, where=norms > 0)


def _same(ids: list[int]) -> list[int]:
    return ids


@lru_cache(maxsize=2)
def load_token_vectors(model: str, cache_dir: Path, threads: int = 0) -> TokenVectors:
    """The model's token table, made and saved at first use."""
    from ..embed import MULTILINGUAL_MODEL, exported_embedder, resolve_model

    if model == MULTILINGUAL_MODEL:
        raise StorydiffError(f"grouping needs a transformer model with a tokenizer.json; {model} has none "
                             "(set STORYDIFF_MODEL to a sentence-transformers model)")
    tokenizer_file = Path(resolve_model(model)) / "tokenizer.json"
    if not tokenizer_file.exists():
        raise StorydiffError(f"grouping needs the model's tokenizer.json: {tokenizer_file} is missing")
    onnx_path = exported_embedder(model, Path(cache_dir))
    table_path = onnx_path.parent / TABLE_FILE
    if not table_path.exists():
        table = _token_table(onnx_path, tokenizer_file, threads)
        partial = table_path.with_suffix(f".{os.getpid()}.partial.npy")  # two processes may make it at once
        np.save(partial, table)
        partial.replace(table_path)
    return TokenVectors(np.load(table_path), tokenizer_file)


def _token_table(onnx_path: Path, tokenizer_file: Path, threads: int) -> np.ndarray:
    """Each token's pooled vector from the model, the token alone between the model's start and
    end markers."""
    from tokenizers import Tokenizer

    from ..onnx_export import Runner

    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    size = tokenizer.get_vocab_size()
    start, end = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    if start is None or end is None:
        raise StorydiffError(f"{tokenizer_file}: no [CLS]/[SEP] tokens; token vectors need a BERT-style model")
    runner = Runner(onnx_path, threads)
    batches = []
    for first in range(0, size, BATCH):
        ids = np.arange(first, min(size, first + BATCH), dtype=np.int64)
        inputs = np.stack([np.full_like(ids, start), ids, np.full_like(ids, end)], axis=1)
        batches.append({"input_ids": inputs, "attention_mask": np.ones_like(inputs),
                        "token_type_ids": np.zeros_like(inputs)})
    outputs = []
    with progress("token vectors (once per model)", size, "token") as advance:
        for output in runner.run_all(batches):
            outputs.append(output)
            advance(len(output))
    return np.vstack(outputs).astype(np.float32)
