"""What changed between two versions of an article, sentence by sentence."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

# Two sentences at one place in the text are one edited sentence when at least this share of
# their characters match ("four thieves" -> "two thieves"); below it, one was removed and
# another added.
EDIT_SIMILARITY = 0.6


@dataclass(frozen=True)
class Change:
    kind: str  # 'added', 'removed' or 'edited'
    before: str | None
    after: str | None


def diff_sentences(old: list[str], new: list[str]) -> list[Change]:
    """Sentences added, removed and edited from `old` to `new`, in reading order."""
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        before, after = old[i1:i2], new[j1:j2]
        paired = 0
        if tag == "replace":
            for a, b in zip(before, after):
                if difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio() < EDIT_SIMILARITY:
                    break
                changes.append(Change("edited", a, b))
                paired += 1
        changes += [Change("removed", a, None) for a in before[paired:]]
        changes += [Change("added", None, b) for b in after[paired:]]
    return changes


def counts(changes: list[Change]) -> dict[str, int]:
    return {kind: sum(1 for c in changes if c.kind == kind) for kind in ("added", "removed", "edited")}
