"""Whether a person had a criminal record: "a Texas resident with a prior criminal record" /
"both individuals had clean criminal backgrounds".

Crime coverage states it of the suspect in passing, in sentences that are about something else
(the sentences are rarely each other's best match), so each mention is a status fact (kind
'status', unit CRIMINAL_RECORD) that fact_links.py sets against every other article's, as it
does what became of a named person: two that differ contradict. A record is denied by a
negation or "clean" just before it ("had no criminal record", "without a criminal history",
"clean criminal backgrounds"); a background *check* says nothing of one. Whose record it is
comes from the parse (facts.py): the name the phrase is said of, or none ("both individuals"),
which meets any.
"""

from __future__ import annotations

import re

CRIMINAL_RECORD = "criminal record"
RECORDS = ("had one", "none")
RECORD = re.compile(r"\bcriminal\s+(?:records?|histor(?:y|ies)|backgrounds?(?!\s+checks?)|past)\b|\brap\s+sheets?\b"
                    r"|\b(?:prior|previous)\s+(?:arrests|convictions)\b", re.IGNORECASE)
# a denial among the few words before the record: "no prior", "without a", "clean", "never had a"
DENIED_BEFORE = re.compile(r"\b(?:no|not|never|without|clean|nor)\b(?:\s+\S+){0,3}\s*$|n['’]t(?:\s+\S+){0,3}\s*$",
                           re.IGNORECASE)
WINDOW_CHARS = 40


def record_mentions(text: str) -> list[tuple[int, int, int]]:
    """(index in RECORDS, start, end) for each criminal record a sentence mentions."""
    return [(1 if DENIED_BEFORE.search(text[max(0, m.start() - WINDOW_CHARS):m.start()]) else 0, m.start(), m.end())
            for m in RECORD.finditer(text)]
