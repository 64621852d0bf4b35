"""Extract stage: main text and metadata of an article page (a string in, a value out)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import trafilatura
from htmldate import find_date

from .errors import ExtractError
from .languages import declared_language, detect_language


@dataclass(frozen=True)
class ExtractedArticle:
    text: str
    title: str | None
    author: str | None
    published: str | None  # ISO date as found in the page
    site_name: str | None
    # Why the page holds only part of the article (paywall, a promise of more words), or None.
    truncated: str | None = None
    language: str | None = None  # ISO 639-1, from the text (languages.py)


# Part of the extraction cache key: bump when detect_truncation, publication_date or the fields change.
EXTRACTION_RULES = 3


def extractor_id(max_chars: int) -> str:
    """Names what produced an extraction; a cached one is reused only under the same name."""
    return f"trafilatura {trafilatura.__version__}; rules {EXTRACTION_RULES}; max {max_chars} chars"


def extract_article(html: str, url: str | None = None, max_chars: int = 200_000) -> ExtractedArticle:
    """Main text without navigation, ads or comments; raises ExtractError when none is found."""
    location = url or "page"
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url if url and url.startswith(("http://", "https://")) else None,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
        )
    except Exception as exc:  # trafilatura raises assorted parser errors on broken markup
        raise ExtractError(location, f"extraction failed ({type(exc).__name__})") from None
    text = (document.text or "")[:max_chars] if document is not None else ""
    if not text.strip():  # checked after the cap: a cut can leave only whitespace
        raise ExtractError(location, "no article text found")
    return ExtractedArticle(
        text=text,
        title=document.title or None,
        author=document.author or None,
        published=publication_date(html, document.date, url if url and url.startswith(("http://", "https://")) else None),
        site_name=document.sitename or None,
        truncated=detect_truncation(html, text),
        language=detect_language(text, declared_language(html)),
    )


def publication_date(html: str, found: str | None, url: str | None = None) -> str | None:
    """The date trafilatura found, unless it is a year passed off as a day. With no date in its
    metadata, htmldate falls back on the page's copyright line ("© 2025") or a bare year and reports
    1 January of it; storydiff tells updates from contradictions by these dates, and an undated
    article is better than one dated to a day it was not published. So 1 January stands only where
    the page's metadata or its URL (".../2025/01/01/...") gives it."""
    if not found:
        return None
    if not found.endswith("-01-01"):
        return found
    try:
        in_metadata = find_date(html, url=url, extensive_search=False)
    except Exception:  # htmldate's parser rejects markup trafilatura cleans first (control characters)
        in_metadata = None
    return found if in_metadata == found else None


# Phrases a paywall puts where the article stops; specific enough not to match a site's
# everyday "Subscribe" or "Log in" links.
PAYWALL = re.compile(
    r"""\b(
        subscribe\s+(now\s+)?to\s+(continue|keep)\s+reading
      | subscribe\s+to\s+read\s+(the\s+)?(full|rest|whole)
      | to\s+(continue|keep)\s+reading,?\s+(please\s+)?(subscribe|log\s*in|sign\s*in|register|become\s+a\s+(member|subscriber))
      | (article|story|content)\s+is\s+(only\s+)?(available|reserved|exclusive)\s+(to|for)\s+(paying\s+)?(subscribers|members)
      | (for|to)\s+subscribers\s+only | subscribers?[-\s]only\s+(article|content|story)
      | the\s+rest\s+of\s+this\s+(article|story)\s+is\s+(for|available\s+to)
      | réservé\s+aux\s+abonnés | la\s+suite\s+est\s+réservée
      | (nur\s+für|exklusiv\s+für)\s+abonnenten
    )""",
    re.IGNORECASE | re.VERBOSE,
)
NON_TEXT = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
JSON_LD = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]*>")
MIN_MISSING_WORDS = 150


def detect_truncation(html: str, text: str) -> str | None:
    """Why `text` is only part of the article `html` promises, or None when nothing says so.

    Two kinds of evidence: paywall wording in the visible page, and a schema.org wordCount at
    least twice what was extracted (and 150 words more)."""
    visible = " ".join(TAG.sub(" ", NON_TEXT.sub(" ", html)).split())
    marker = PAYWALL.search(visible)
    if marker:
        return f"paywall: '{marker.group(0)}'"
    promised = _promised_words(html)
    readable = len(text.split())
    if promised and promised >= 2 * readable and promised - readable >= MIN_MISSING_WORDS:
        return f"the page promises {promised} words, {readable} could be read"
    return None


def _promised_words(html: str) -> int | None:
    counts = []
    for block in JSON_LD.findall(html)[:20]:
        try:
            data = json.loads(block)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item[:100])
            elif isinstance(item, dict):
                value = item.get("wordCount")
                if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
                    counts.append(int(value))
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return max(counts) if counts else None
