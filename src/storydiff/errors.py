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
    """A fetch failure worth retrying (timeout, connection error, 5xx, 429).

    `retry_after` is the wait in seconds the server asked for (Retry-After), if it did.
    """

    def __init__(self, location: str, reason: str, retry_after: float | None = None):
        super().__init__(location, reason)
        self.retry_after = retry_after


class FeedGoneError(FetchError):
    """A feed answered 410 Gone: it is disabled, not retried."""


class RefusedAddressError(FetchError):
    """A URL, or a redirect, resolves to a loopback, private, link-local or metadata address."""


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


class DatabaseBusyError(StoreError):
    """Another process holds the DuckDB file's write lock for longer than the lock timeout."""
