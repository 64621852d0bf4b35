"""ONNX copies of storydiff's transformer models, made once from the torch weights and cached.

Both models (the sentence embedder and the NLI cross-encoder) run faster under onnxruntime on
a CPU; int8 weights faster still. bench/run.py measures each against torch, side by side.
Their tokenizers run on the `tokenizers` library alone: importing transformers (and torch
with it) costs about 1.5 s per run, which a 10-outlet story cannot afford.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .console import quiet_model_loading

INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")


def cache_folder(cache_dir: Path, model: str, kind: str) -> Path:
    return Path(cache_dir) / kind / re.sub(r"[^A-Za-z0-9_.-]+", "_", model)


def exported(folder: Path, source: str, wrap: Callable, output: str, quantized: bool) -> Path:
    """folder/model.onnx (fp32), and folder/model-int8.onnx when `quantized`; made if missing.

    `wrap(encoder_loader, names)` returns the torch module to export: it takes the tokenizer's
    tensors in `names` order and returns `output`."""
    fp32, int8 = folder / "model.onnx", folder / "model-int8.onnx"
    if not fp32.exists() or (quantized and not int8.exists()):
        with quiet_model_loading():
            _export(folder, source, wrap, output, quantized)
    return int8 if quantized else fp32


def _export(folder: Path, source: str, wrap: Callable, output: str, quantized: bool) -> None:
    fp32, int8 = folder / "model.onnx", folder / "model-int8.onnx"
    if not fp32.exists():
        import torch
        from transformers import AutoTokenizer

        folder.mkdir(parents=True, exist_ok=True)
        tokenizer = AutoTokenizer.from_pretrained(source)
        example = tokenizer(["an example sentence", "a second example"], ["and its pair", "a longer second pair here"],
                            padding=True, return_tensors="pt")
        names = [n for n in INPUT_NAMES if n in example]
        axes = {n: {0: "batch", 1: "tokens"} for n in names} | {output: {0: "batch"}}
        partial = fp32.with_suffix(f".{os.getpid()}.partial")  # two processes may export at once
        with torch.inference_mode():
            torch.onnx.export(wrap(names), tuple(example[n] for n in names), str(partial), input_names=names,
                              output_names=[output], dynamic_axes=axes, opset_version=17, dynamo=False)
        partial.replace(fp32)  # a half-written file never looks like a model
    if quantized and not int8.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        partial = int8.with_suffix(f".{os.getpid()}.partial")
        # per-channel int8 weights of the matrix products only: the embedder's mean cosine to fp32
        # stays 0.99 (bench/run.py); per-tensor, or the embedding table too, falls to 0.96
        quantize_dynamic(str(fp32), str(partial), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"])
        partial.replace(int8)


def usable_cores() -> int:
    """The cores this process may run on (a container's cpuset, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Runner:
    """An onnxruntime session on `threads` cores (0: all of them). A model run one input at a
    time gets a single-threaded session run on every core side by side: one input is too little
    work to share among threads, which spend the run waiting for one another. So it runs about
    as fast as in batches (bench/run.py measures both side by side)."""

    def __init__(self, path: Path, threads: int = 0, one_at_a_time: bool = False):
        import onnxruntime

        self.workers = (threads or usable_cores()) if one_at_a_time else 1
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1 if one_at_a_time else threads
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def run_all(self, feeds: Iterable[dict[str, np.ndarray]]) -> Iterator[np.ndarray]:
        """The first output for each feed, in order. Feeds are made in the calling thread (a
        transformers tokenizer must not be shared between threads); onnxruntime lets threads
        share a session and releases the GIL while it runs."""
        feeds = ({k: v for k, v in feed.items() if k in self.inputs} for feed in feeds)

        def run(feed: dict[str, np.ndarray]) -> np.ndarray:
            return self.session.run(None, feed)[0]

        if self.workers == 1:
            return map(run, feeds)

        def in_order() -> Iterator[np.ndarray]:  # each output as soon as it and those before it are done
            with ThreadPoolExecutor(self.workers) as pool:
                yield from pool.map(run, feeds)

        return in_order()


class FastTokenizer:
    """tokenizer.json run by the `tokenizers` library: the ids transformers' fast tokenizer
    gives (tests/test_onnx_tokenizer.py compares them), padded to the longest in the batch."""

    def __init__(self, source: str | Path, max_length: int):
        from tokenizers import Tokenizer

        folder = Path(source)
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        config_file = folder / "tokenizer_config.json"
        config = json.loads(config_file.read_text()) if config_file.exists() else {}
        pad = config.get("pad_token", "[PAD]")
        pad = pad.get("content", "[PAD]") if isinstance(pad, dict) else pad
        self._tokenizer.enable_truncation(max_length=max_length)
        self._tokenizer.enable_padding(pad_id=self._tokenizer.token_to_id(pad) or 0, pad_token=pad)

    def __call__(self, texts: Sequence[str], pairs: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        inputs = list(zip(texts, pairs)) if pairs is not None else list(texts)
        encodings = self._tokenizer.encode_batch(inputs)
        return {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64)}


def load_tokenizer(source: str, max_length: int) -> Callable[..., dict[str, np.ndarray]]:
    """FastTokenizer for a folder with tokenizer.json; otherwise transformers' AutoTokenizer
    (a hub name, or a model with only a slow tokenizer), called the same way."""
    if (Path(source) / "tokenizer.json").exists():
        return FastTokenizer(source, max_length)
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(source)

    def tokenize(texts: Sequence[str], pairs: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        batch = tokenizer(list(texts), list(pairs) if pairs is not None else None, truncation=True,
                          max_length=max_length, padding=True, return_tensors="np")
        return {name: values.astype(np.int64) for name, values in batch.items()}

    return tokenize


def read_config(source: str) -> dict:
    """config.json of a local model folder, else through transformers (hub names)."""
    local = Path(source) / "config.json"
    if local.exists():
        return json.loads(local.read_text())
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(source).to_dict()
