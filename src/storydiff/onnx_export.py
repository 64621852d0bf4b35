"""ONNX copies of storydiff's transformer models, made once from the torch weights and cached.

Both models (the sentence embedder and the NLI cross-encoder) run faster under onnxruntime on
a CPU; int8 weights faster still. bench/run.py measures each against torch, side by side.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")


def cache_folder(cache_dir: Path, model: str, kind: str) -> Path:
    return Path(cache_dir) / kind / re.sub(r"[^A-Za-z0-9_.-]+", "_", model)


def exported(folder: Path, source: str, wrap: Callable, output: str, quantized: bool) -> Path:
    """folder/model.onnx (fp32), and folder/model-int8.onnx when `quantized`; made if missing.

    `wrap(encoder_loader, names)` returns the torch module to export: it takes the tokenizer's
    tensors in `names` order and returns `output`."""
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
    return int8 if quantized else fp32


def session(path: Path, threads: int = 0):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
