"""Synthetic stories for benchmarks: N outlets x M sentences, seeded.

A story has a pool of facts (who did what, how many, where, when). A wire service writes one
article; some outlets republish it (dropping a few sentences, adding local ones), the others
write their own: the same facts in other words (other verbs, nouns, word order), now and then
with a different figure (a contradiction), plus facts of their own. Sentences are made from
templates and word lists written for storydiff; nothing is copied from real articles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape
from pathlib import Path

PLACES = ["the harbour", "the central station", "the old bridge", "the city museum", "the north quay", "the market square",
          "the university library", "the river port", "the airport road", "the town hall", "the stadium", "the cathedral"]
AGENTS = [("police", "officers"), ("firefighters", "crews"), ("the mayor", "city officials"), ("prosecutors", "investigators"),
          ("witnesses", "residents"), ("the operator", "company staff"), ("the ministry", "the government")]
ACTIONS = [("evacuated", "moved out"), ("injured", "hurt"), ("arrested", "detained"), ("rescued", "pulled to safety"),
           ("questioned", "interviewed"), ("treated", "given first aid"), ("stranded", "left stuck")]
NOUNS = [("people", "people"), ("passengers", "travellers"), ("workers", "employees"), ("visitors", "tourists"),
         ("residents", "locals"), ("students", "pupils")]
TIMES = ["on Monday morning", "late on Sunday", "shortly after noon", "before dawn", "on Tuesday evening", "overnight"]
SAYS = [("said", "told reporters"), ("confirmed", "stated"), ("announced", "reported")]
LOCAL = ["Traffic on the ring road was diverted for several hours, the local council said.",
         "Readers can send photos of the scene to our newsroom.",
         "Schools in the district stayed open as usual, according to the education office.",
         "Local shops near the scene reopened in the afternoon.",
         "A community meeting about the incident is planned for next week."]


@dataclass(frozen=True)
class Fact:
    agent: int
    action: int
    noun: int
    count: int
    place: int
    time: int
    says: int


@dataclass(frozen=True)
class Article:
    outlet: str
    sentences: list[str]
    wire_copy: bool


NEAR = ["near", "close to", "outside", "next to"]
WERE = ["were", "had been"]


def render(fact: Fact, style: int, count: int | None = None) -> str:
    """One fact in one of 48 wordings; style 0 is the wire's."""
    agent = AGENTS[fact.agent][style % 2]
    action = ACTIONS[fact.action][(style // 2) % 2]
    noun = NOUNS[fact.noun][(style // 3) % 2]
    said = SAYS[fact.says][(style // 2) % 2]
    near, were = NEAR[(style // 6) % 4], WERE[(style // 24) % 2]
    n = fact.count if count is None else count
    place, time = PLACES[fact.place], TIMES[fact.time]
    if style % 3 == 0:
        return f"{agent.capitalize()} {said} that {n} {noun} {were} {action} {near} {place} {time}."
    if style % 3 == 1:
        return f"{time.capitalize()}, {n} {noun} {were} {action} {near} {place}, {agent} {said}."
    return f"{near.capitalize()} {place}, {n} {noun} {were} {action} {time}, according to {agent}."


def make_story(outlets: int, sentences: int, seed: int = 7, wire_share: float = 0.4) -> list[Article]:
    rng = random.Random(seed)
    # distinct who/what/whom per fact, so that two facts differ in more than their figures
    kinds = rng.sample([(a, b, c) for a in range(len(AGENTS)) for b in range(len(ACTIONS)) for c in range(len(NOUNS))],
                       2 * sentences)
    pool = [Fact(agent, action, noun, rng.randint(2, 400), rng.randrange(len(PLACES)), rng.randrange(len(TIMES)),
                 rng.randrange(len(SAYS))) for agent, action, noun in kinds]
    wire = [render(f, 0) for f in pool[:sentences]]
    articles = [Article("Wire Service", wire, False)]
    for number in range(1, outlets):
        if rng.random() < wire_share:
            kept = [s for s in wire if rng.random() > 0.1]
            kept += rng.sample(LOCAL, 2)
            articles.append(Article(f"Outlet {number:04d}", kept[:sentences], True))
            continue
        chosen = rng.sample(pool, sentences)
        own = []
        for fact in chosen:
            count = fact.count + rng.randint(1, 9) if rng.random() < 0.05 else None  # a different figure
            if rng.random() < 0.15:  # a fact of its own: another place and time
                fact = Fact(fact.agent, fact.action, fact.noun, rng.randint(2, 400), rng.randrange(len(PLACES)),
                            rng.randrange(len(TIMES)), fact.says)
            own.append(render(fact, rng.randrange(1, 48), count))
        articles.append(Article(f"Outlet {number:04d}", list(dict.fromkeys(own)), False))
    return articles


def write_story(articles: list[Article], folder: Path, story_id: str) -> Path:
    """HTML pages (with site furniture around the article) and a story file; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'id = "{story_id}"', f'title = "Synthetic story, {len(articles)} outlets"', ""]
    for number, article in enumerate(articles):
        name = f"a{number:04d}.html"
        body = "\n".join(f"<p>{escape(s)}</p>" for s in article.sentences)
        (folder / name).write_text(
            f"<!doctype html><html><head><meta charset='utf-8'><title>Incident report | {escape(article.outlet)}</title>"
            f"</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/subscribe'>Subscribe</a></nav>"
            f"<article><h1>Incident report</h1><p class='byline'>By Staff Reporter</p>\n{body}\n</article>"
            f"<footer><p>© 2026 {escape(article.outlet)}. All rights reserved.</p></footer></body></html>",
            encoding="utf-8")
        lines += ["[[articles]]", f'outlet = "{article.outlet}"', f'url = "{name}"', ""]
    story = folder / f"{story_id}.toml"
    story.write_text("\n".join(lines), encoding="utf-8")
    return story
