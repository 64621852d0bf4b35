"""Extract stage: main text and metadata of an article page (a string in, a value out)."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura

from .errors import ExtractError


@dataclass(frozen=True)
class ExtractedArticle:
    text: str
    title: str | None
    author: str | None
    published: str | None  # ISO date as found in the page
    site_name: str | None


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
    if document is None or not (document.text or "").strip():
        raise ExtractError(location, "no article text found")
    return ExtractedArticle(
        text=document.text[:max_chars],
        title=document.title or None,
        author=document.author or None,
        published=document.date or None,
        site_name=document.sitename or None,
    )
