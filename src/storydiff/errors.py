"""The one exception tree of storydiff.

Every error a user can cause derives from StorydiffError and carries a one-line message that
names the file, URL or story at fault. The CLI prints that line; nothing else is shown.
"""


class StorydiffError(Exception):
    """Base class: a problem the user can act on."""


class StoryFileError(StorydiffError):
    """A story file is missing, unreadable or invalid."""


class FetchError(StorydiffError):
    """An article could not be fetched; `reason` is what the report shows."""

    def __init__(self, location: str, reason: str):
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


class TransientFetchError(FetchError):
    """A fetch failure worth retrying (timeout, connection error, 5xx, 429)."""


class ExtractError(StorydiffError):
    """No usable article text could be extracted from a page."""

    def __init__(self, location: str, reason: str):
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


class NothingToCompareError(StorydiffError):
    """No article of a story yielded any sentence."""


class StoreError(StorydiffError):
    """The DuckDB file cannot be opened or queried."""
