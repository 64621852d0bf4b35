"""storydiff: compare how outlets cover one news story, claim by claim.

The stages are plain modules (story, fetch, extract, segment, embed, align, classify, store,
report); flows/ runs them as Prefect flows and cli.py is the `storydiff` command.
"""

from .classify import Judgement, classify_pairs
from .errors import (
    ExtractError,
    FetchError,
    NothingToCompareError,
    StoreError,
    StoryFileError,
    StorydiffError,
    TransientFetchError,
)
from .settings import AlignSettings, FetchSettings, Settings
from .story import Story, load_story

__version__ = "0.1.0"
__all__ = [
    "AlignSettings", "Judgement", "classify_pairs", "ExtractError", "FetchError", "FetchSettings", "NothingToCompareError",
    "Settings", "StoreError", "Story", "StoryFileError", "StorydiffError", "TransientFetchError",
    "load_story",
]
