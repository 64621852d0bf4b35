"""What a run shows while it works: progress of long stages, and third-party notices kept out.

Configured once, at the edge (the CLI or the notebook API), like logging: stages call
`progress(...)` and `quiet_model_loading()` and do not know where their output goes.
- On a terminal, long work gets a progress bar (tqdm) on stderr; elsewhere (a log file, CI, a
  pipe) a plain log line now and then, never carriage-return residue.
- Loading and exporting models makes transformers, torch's ONNX exporter and onnxruntime print
  notices about their own internals (weight-loading bars, TracerWarning, "consider
  pre-processing"), which a user cannot act on. They are silenced by category and message around
  those calls only, so storydiff's own warnings and everyone's warnings elsewhere still show.
  `verbose` (the CLI's -v) keeps them all.
"""

from __future__ import annotations

import logging
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

log = logging.getLogger("storydiff")

MIN_BAR_ITEMS = 16  # shorter work finishes before a bar is worth drawing
LOG_EVERY_S = 15.0  # without a terminal: a line at most this often


@dataclass
class _Console:
    bars: bool = False
    verbose: bool = False


_console = _Console()


def configure(bars: bool | None = None, verbose: bool = False) -> None:
    """bars: progress bars on stderr (None: when stderr is a terminal); verbose: keep every
    third-party notice."""
    _console.bars = sys.stderr.isatty() if bars is None else bars
    _console.verbose = verbose


@contextmanager
def progress(description: str, total: int, unit: str = "item") -> Iterator[Callable[[int], None]]:
    """Yields advance(n): a bar on a terminal, else a log line every LOG_EVERY_S seconds."""
    if _console.bars and total >= MIN_BAR_ITEMS:
        from tqdm import tqdm

        with tqdm(total=total, desc=description, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True) as bar:
            yield bar.update
        return
    done, last = 0, time.monotonic()

    def advance(n: int = 1) -> None:
        nonlocal done, last
        done += n
        if time.monotonic() - last >= LOG_EVERY_S and done < total:
            last = time.monotonic()
            log.info("%s: %d of %d %ss", description, done, total, unit)

    yield advance


class _DropMessage(logging.Filter):
    def __init__(self, prefix: str):
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.prefix)


@contextmanager
def quiet_model_loading() -> Iterator[None]:
    """Around loading or exporting a model: no weight-loading bars, no tracer or exporter
    warnings, no onnxruntime pre-processing hint (unless verbose)."""
    if _console.verbose:
        yield
        return
    from transformers.utils import logging as transformers_logging

    bars_were_on = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()
    # onnxruntime's quantizer logs this on the root logger for every model it quantizes
    hint = _DropMessage("Please consider to run pre-processing before quantization")
    logging.getLogger().addFilter(hint)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=_tracer_warning())
            warnings.filterwarnings("ignore", message=r"Exporting aten::\w+ operator", category=UserWarning)
            yield
    finally:
        logging.getLogger().removeFilter(hint)
        if bars_were_on:
            transformers_logging.enable_progress_bar()


def _tracer_warning() -> type[Warning]:
    import torch

    return torch.jit.TracerWarning
