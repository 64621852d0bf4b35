"""storydiff: compare how outlets cover one news story, claim by claim.

The stages are plain modules (story, fetch, extract, segment, embed, facts, align, classify,
store, report, export); flows/ runs them as Prefect flows, cli.py is the `storydiff` command and
api.py the notebook API (`storydiff.compare`, `storydiff.connect`).
"""

__version__ = "0.2.0"  # before the imports: settings.py puts it in the user agent

from .api import Comparison, Database, StoryResults, compare, connect
from .classify import Judgement, classify_pairs
from .errors import (
    DatabaseBusyError,
    ExtractError,
    FetchError,
    NothingToCompareError,
    RefusedAddressError,
    StoreError,
    StoryFileError,
    StorydiffError,
    TransientFetchError,
)
from .settings import AlignSettings, FetchSettings, Settings
from .story import Story, load_story

__all__ = [
    "Comparison", "Database", "StoryResults", "compare", "connect",
    "AlignSettings", "DatabaseBusyError", "Judgement", "classify_pairs", "ExtractError", "FetchError", "FetchSettings", "NothingToCompareError", "RefusedAddressError",
    "Settings", "StoreError", "Story", "StoryFileError", "StorydiffError", "TransientFetchError",
    "load_story",
]
