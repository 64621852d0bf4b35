"""Report stage: a story's diff as self-contained HTML, Markdown or JSON.

All text in a report comes from the web: HTML is rendered from Jinja2 templates with
autoescaping on (templates/), Markdown escapes every value by hand.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .errors import StorydiffError
from .results import USABLE_STATUSES
from .store import Store
from .story import SLUG

STATUS_ORDER = ("contradicted", "shared", "possibly-shared", "unique")
SIDE_BY_SIDE_MAX = 24  # outlets; more get the claims as a list
OUTLETS_NAMED = 12


@dataclass
class ReportData:
    story_id: str
    title: str
    compared_at: datetime | None
    articles: list[dict]
    claims: list[dict]  # each with "sentences": {article_no: [text, ...]}
    conflicts: list[dict]
    coverage: list[dict]
    versions: list[dict]  # only articles whose text changed after the first fetch
    figures: list[dict] = field(default_factory=list)  # rows of figures_of_story: slot, what, outlet, value...
    sentence_pairs: int = 0  # distinct sentence pairs judged
    unjudged_pairs: int = 0  # of those, checked by the rules alone: the NLI budget was spent

    @property
    def ok_articles(self) -> list[dict]:
        return [a for a in self.articles if a["status"] in USABLE_STATUSES]

    @property
    def failed_articles(self) -> list[dict]:
        return [a for a in self.articles if a["status"] not in USABLE_STATUSES]

    @property
    def truncated_articles(self) -> list[dict]:
        return [a for a in self.articles if a["status"] == "truncated"]

    def outlet(self, article_no: int) -> str:
        return next(a["outlet"] for a in self.articles if a["article_no"] == article_no)

    def language(self, article_no: int) -> str | None:
        return next(a["language"] for a in self.articles if a["article_no"] == article_no)

    def cross_language(self, conflict: dict) -> str | None:
        """"es ↔ en" for evidence in two languages, else None."""
        a, b = self.language(conflict["article_a"]), self.language(conflict["article_b"])
        return f"{a} ↔ {b}" if a and b and a != b else None

    def republications(self) -> list[tuple[dict, list[dict]]]:
        """(original, [copies]) for every text carried by more than one article."""
        groups: dict[int, list[dict]] = {}
        for article in self.ok_articles:
            groups.setdefault(article["source_article_no"], []).append(article)
        return [(g[0], g[1:]) for g in groups.values() if len(g) > 1]

    def budget_note(self) -> str | None:
        """Plain text: how much of the story the NLI model did not see, if any."""
        if not self.unjudged_pairs:
            return None
        return (f"The NLI model's budget ran out: {self.unjudged_pairs:,} of {self.sentence_pairs:,} sentence pairs "
                "were checked by the number and negation rules only (each sentence's closest matches were judged "
                "first). Raise STORYDIFF_MAX_NLI_PAIRS to judge them all.")

    def figure_rows(self) -> list[dict]:
        """One row per thing counted: what, its status, and each outlet's figures with their sentences."""
        rows: dict[int, dict] = {}
        rank = {"conflict": 3, "update": 2, "agrees": 1, "single": 0}
        english = {a["outlet"] for a in self.articles if a["language"] in (None, "en")}
        for f in self.figures:
            row = rows.setdefault(f["slot"], {"what": f["what"], "status": "single", "values": {}})
            if f["outlet"] in english and not row["values"].keys() & english:
                row["what"] = f["what"]  # a thing counted in several languages is named in English
            row["values"].setdefault(f["outlet"], []).append(f)
            if rank.get(f["status"], 0) > rank[row["status"]]:
                row["status"] = f["status"]
        return sorted(rows.values(), key=lambda r: (-rank[r["status"]], -len(r["values"]), r["what"]))

    def explanation(self, conflict: dict) -> str:
        """One line saying what differs, as the contradictions view words it."""
        a, b = self.outlet(conflict["article_a"]), self.outlet(conflict["article_b"])
        if conflict.get("what") and conflict["kind"] in ("number-revised", "number-update"):
            dates = {x["article_no"]: x["published"] or "undated" for x in self.articles}
            return (f"{conflict['what']}: {conflict['value_a']} ({a}, {dates[conflict['article_a']]}) vs "
                    f"{conflict['value_b']} ({b}, {dates[conflict['article_b']]})")
        if conflict.get("what"):
            return f"{conflict['what']}: {conflict['value_a']} ({a}) vs {conflict['value_b']} ({b})"
        if conflict["kind"] == "negation":
            return f"one denies or negates what the other states ({a} vs {b})"
        return f"the NLI model finds them incompatible both ways round ({a} vs {b})"

    def timeline(self) -> list[dict]:
        """Who published when, earliest first (undated last): first fetched, and the updates seen
        since, per article."""
        updates: dict[str, int] = {}
        for version in self.versions:
            updates[version["url"]] = max(updates.get(version["url"], 0), version["version"] - 1)
        rows = [{"outlet": a["outlet"], "language": a["language"], "published": a.get("published"),
                 "fetched_at": a.get("fetched_at"),
                 "updates": updates.get(a["url"], 0), "status": a["status"]} for a in self.articles]
        rows.sort(key=lambda r: (r["published"] is None, r["published"] or "", str(r["fetched_at"] or "")))
        first = rows[0]["published"] if rows and rows[0]["published"] else None
        for row in rows:
            row["first"] = first is not None and row["published"] is not None and row["published"][:10] == first[:10]
        return rows

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for c in self.claims if c["status"] == s) for s in STATUS_ORDER}


def load_report(store: Store, story_id: str) -> ReportData:
    header = store.frame("story_header", [story_id])
    if header.height == 0:
        raise StorydiffError(f"story {story_id!r} is not in {store.path} (run it first)")
    claims = store.frame("claims_of_story", [story_id]).to_dicts()
    by_claim = {c["claim_id"]: c for c in claims}
    for claim in claims:
        claim["sentences"] = {}
    for row in store.frame("sentences_of_story", [story_id]).iter_rows(named=True):
        by_claim[row["claim_id"]]["sentences"].setdefault(row["article_no"], []).append(row["text"])
    return ReportData(
        story_id=story_id,
        title=header["title"][0],
        compared_at=header["compared_at"][0],
        articles=store.frame("story_articles", [story_id]).to_dicts(),
        claims=claims,
        conflicts=store.frame("conflicts_of_story", [story_id]).to_dicts(),
        coverage=store.frame("coverage_of_story", [story_id]).to_dicts(),
        versions=_updated_versions(store.frame("versions_of_story", [story_id]).to_dicts()),
        figures=store.frame("figures_of_story", [story_id, story_id]).to_dicts(),
        sentence_pairs=header["sentence_pairs"][0] or 0,
        unjudged_pairs=header["unjudged_pairs"][0] or 0,
    )


def _updated_versions(rows: list[dict]) -> list[dict]:
    return [row for row in rows if row["version"] > 1]  # version 1 is the first text, not an update


def render(data: ReportData, fmt: str) -> str:
    renderers = {"html": render_html, "md": render_markdown, "json": render_json}
    if fmt not in renderers:
        raise StorydiffError(f"unknown report format {fmt!r} (html, md or json)")
    return renderers[fmt](data)


def write_html(store: Store, story_id: str, report_dir: Path) -> Path:
    """<report_dir>/<story_id>.html; a story id that is not a slug could name a path elsewhere."""
    if not SLUG.match(story_id):
        raise StorydiffError(f"story id {story_id[:80]!r} is not a slug; no report written")
    report_dir = Path(report_dir)
    path = report_dir / f"{story_id}.html"
    if path.resolve().parent != report_dir.resolve():
        raise StorydiffError(f"report for {story_id!r} would leave {report_dir}; no report written")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")  # a reader never sees half a page
    partial.write_text(render_html(load_report(store, story_id), index_link=True), encoding="utf-8")
    partial.replace(path)
    return path


# -- JSON ----------------------------------------------------------------------------------
def render_json(data: ReportData) -> str:
    outlets = {a["article_no"]: a["outlet"] for a in data.articles}
    document = {
        "story_id": data.story_id,
        "title": data.title,
        "compared_at": data.compared_at.isoformat() if data.compared_at else None,
        "counts": data.counts(),
        "sentence_pairs": data.sentence_pairs,
        "unjudged_pairs": data.unjudged_pairs,
        "articles": [
            {k: a[k] for k in ("outlet", "url", "status", "truncation", "language", "title", "author", "published",
                               "n_sentences")}
            | {"republishes": outlets[a["source_article_no"]] if a["source_article_no"] != a["article_no"] else None}
            for a in data.articles
        ],
        "claims": [
            {
                "claim_id": c["claim_id"],
                "status": c["status"],
                "outlets": c["outlets"],
                "text": c["text"],
                "sentences": [{"outlet": outlets[no], "text": t} for no, texts in c["sentences"].items() for t in texts],
            }
            for c in data.claims
        ],
        "contradictions": [
            {
                "claim_id": k["claim_id"], "kind": k["kind"], "score": k["score"],
                "outlet_a": outlets[k["article_a"]], "sentence_a": k["sentence_a"],
                "span_a": _span_text(k["sentence_a"], k["span_a_start"], k["span_a_end"]),
                "outlet_b": outlets[k["article_b"]], "sentence_b": k["sentence_b"],
                "span_b": _span_text(k["sentence_b"], k["span_b_start"], k["span_b_end"]),
                "explanation": data.explanation(k), "confidence": k["confidence"],
            }
            for k in data.conflicts
        ],
        "figures": [
            {"what": r["what"], "status": r["status"],
             "values": [{"outlet": outlet, "value": f["value_text"], "sentence": f["sentence"], "published": f["published"]}
                        for outlet, facts in r["values"].items() for f in facts]}
            for r in data.figure_rows()
        ],
        "coverage": data.coverage,
        "timeline": data.timeline(),
        "updates": data.versions,
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str)


def _span_text(text: str, start: int | None, end: int | None) -> str | None:
    return text[start:end] if start is not None and end is not None else None


# -- Markdown ------------------------------------------------------------------------------
def _md(text: str) -> str:
    # Markdown renderers pass HTML through: web text is escaped here too.
    return html.escape(" ".join(str(text).split()), quote=False).replace("|", "\\|")


def render_markdown(data: ReportData) -> str:
    counts = data.counts()
    lines = [
        f"# {_md(data.title)}",
        "",
        f"Story `{data.story_id}`: {len(data.ok_articles)} of {len(data.articles)} articles compared; "
        f"{counts['shared']} shared, {counts['unique']} unique, {counts['contradicted']} contradicted"
        + (f", {counts['possibly-shared']} possibly shared" if counts["possibly-shared"] else "") + " claims.",
        "",
    ]
    if data.budget_note():
        lines += [f"- {data.budget_note()}", ""]
    for a in data.truncated_articles:
        lines += [f"- {_md(a['outlet'])} could only be read in part ({_md(a['truncation'])}): a claim it lacks "
                  "is marked possibly-shared, not unique.", ""]
    if data.failed_articles:
        lines += ["## Articles that could not be compared", "", "| outlet | url | reason |", "|---|---|---|"]
        lines += [f"| {_md(a['outlet'])} | {_md(a['url'])} | {_md(a['status'])} |" for a in data.failed_articles]
        lines.append("")
    for original, copies in data.republications():
        lines.append(f"- {_md(original['outlet'])}'s text is republished by {', '.join(_md(c['outlet']) for c in copies)}: counted as one source.")
    if data.republications():
        lines.append("")
    if data.figures:
        lines += ["## Figures", "", "| what | status | figures |", "|---|---|---|"]
        for r in data.figure_rows():
            values = "; ".join(f"{_md(o)}: {_md(', '.join(f['value_text'] for f in fs))}" for o, fs in r["values"].items())
            lines.append(f"| {_md(r['what'])} | {r['status']} | {values} |")
        lines.append("")
    if data.conflicts:
        lines += ["## Contradictions", "", "| kind | what differs | outlet | sentence | outlet | sentence |",
                  "|---|---|---|---|---|---|"]
        for k in data.conflicts:
            a = _md_mark(k["sentence_a"], k["span_a_start"], k["span_a_end"])
            b = _md_mark(k["sentence_b"], k["span_b_start"], k["span_b_end"])
            lines.append(f"| {k['kind']} | {_md(data.explanation(k))} | {_md(data.outlet(k['article_a']))} | {a} "
                         f"| {_md(data.outlet(k['article_b']))} | {b} |")
        lines.append("")
    lines += ["## Claims", "", "| status | outlets | claim |", "|---|---|---|"]
    lines += [f"| {c['status']} | {_md(', '.join(c['outlets']))} | {_md(c['text'])} |" for c in data.claims]
    lines += ["", "## Coverage", "", "| outlet | sentences | shared | unique | contradicted | possibly shared |",
              "|---|---|---|---|---|---|"]
    lines += [f"| {_md(r['outlet'])} | {r['sentences']} | {r['shared']} | {r['unique']} | {r['contradicted']} "
              f"| {r['possibly_shared']} |" for r in data.coverage]
    if data.versions:
        lines += ["", "## Updates since the first fetch", "", "| outlet | version | fetched | change | before | after |",
                  "|---|---|---|---|---|---|"]
        for v in data.versions:
            for c in v["changes"]:
                lines.append(f"| {_md(v['outlet'])} | {v['version']} | {_md(v['fetched_at'])} | {c['kind']} "
                             f"| {_md(c['before'] or '')} | {_md(c['after'] or '')} |")
    return "\n".join(lines) + "\n"


def _md_mark(text: str, start: int | None, end: int | None) -> str:
    if start is None or end is None:
        return _md(text)
    return _md(text[:start]) + " **" + _md(text[start:end]) + "** " + _md(text[end:])


# -- HTML ----------------------------------------------------------------------------------
# Jinja2 with autoescaping on for every template: web text is escaped by construction, and a
# value is output raw only where it is wrapped in Markup after escaping its parts (`marked`).
TEMPLATES = Path(__file__).with_name("templates")
FIGURE_CLASS = {"conflict": "contradicted", "update": "updated", "agrees": "shared"}


@cache
def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters["when"] = _when
    environment.filters["marked"] = _marked
    return environment


def _marked(text: str, start: int | None, end: int | None) -> Markup:
    """The sentence with the span that differs in <mark>; every part escaped."""
    if start is None or end is None:
        return escape(text)
    return Markup("{}<mark>{}</mark>{}").format(text[:start], text[start:end], text[end:])


def render_html(data: ReportData, index_link: bool = False) -> str:
    ok = data.ok_articles
    rows = data.figure_rows()
    figure_outlets = sorted({o for r in rows for o in r["values"]})
    return _environment().get_template("report.html.j2").render(
        data=data, ok=ok, counts=data.counts(), statuses=STATUS_ORDER, index_link=index_link,
        figure_rows=rows, figure_class=FIGURE_CLASS,
        # too many columns: each row lists its outlets' figures in one cell
        figure_outlets=figure_outlets if len(figure_outlets) <= SIDE_BY_SIDE_MAX else [],
        # past SIDE_BY_SIDE_MAX outlets a column each is unreadable (and the page huge)
        side_by_side=len(ok) <= SIDE_BY_SIDE_MAX, outlets_named=OUTLETS_NAMED)


def render_index(stories: list[dict], report_dir: Path, database: str, updated: datetime) -> str:
    """Every story of the database, linked to its report when that is in report_dir."""
    rows = []
    for story in stories:
        name = f"{story['story_id']}.html"
        linked = SLUG.match(story["story_id"]) and (Path(report_dir) / name).is_file()
        rows.append(story | {"report": name if linked else None})
    return _environment().get_template("index.html.j2").render(stories=rows, database=database, updated=updated)


def write_index(store: Store, report_dir: Path) -> Path:
    """<report_dir>/index.html, listing every story in the database."""
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / "index.html"
    text = render_index(store.frame("story_index").to_dicts(), report_dir, str(store.path), datetime.now(timezone.utc))
    partial = path.with_suffix(f".{os.getpid()}.partial")  # a reader never sees half a page
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, datetime) else str(value or "")
