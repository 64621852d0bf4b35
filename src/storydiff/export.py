"""Export stage: every public view of some stories (or all) as Parquet, CSV or JSON files.

Written by DuckDB's own COPY from the views' named queries, one file per view, so an export
holds exactly what `storydiff sql` and the notebook API show. CSV flattens list columns
(outlets, changes) to text; Parquet and JSON keep them as lists.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

from .errors import StorydiffError
from .store import PUBLIC_VIEWS, Store

FORMATS = {"parquet": "parquet", "csv": "csv", "json": "json"}  # format -> file extension
COPY_OPTIONS = {"parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER true", "json": "FORMAT json"}


def export_views(store: Store, out_dir: Path, fmt: str = "parquet", story_ids: Sequence[str] | None = None) -> list[Path]:
    """<out_dir>/<view>.<ext> for each public view; JSON is one object per line."""
    if fmt not in FORMATS:
        raise StorydiffError(f"unknown export format {fmt!r} ({', '.join(FORMATS)})")
    if story_ids:
        missing = store.missing_stories(story_ids)
        if missing:
            raise StorydiffError(f"story {missing[0]!r} is not in {store.path} (run it first)")
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorydiffError(f"{out_dir}: cannot create export folder ({exc.strerror or exc})") from None
    written = []
    for view in PUBLIC_VIEWS:
        path = out_dir / f"{view}.{FORMATS[fmt]}"
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")  # never half a file under the real name
        query = store.q[f"view_{view}"].rstrip().rstrip(";")
        try:
            store.con.execute(f"COPY ({query}) TO $2 ({COPY_OPTIONS[fmt]})",
                              [list(story_ids) if story_ids else None, str(partial)])
            partial.replace(path)
        except (duckdb.Error, OSError) as exc:
            partial.unlink(missing_ok=True)
            raise StorydiffError(f"{path}: cannot write export ({str(exc).strip().splitlines()[0]})") from None
        written.append(path)
    return written
