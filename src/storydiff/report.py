"""Report stage: a story's diff as self-contained HTML, Markdown or JSON.

All text in a report comes from the web: HTML output escapes every piece of it.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

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
        for f in self.figures:
            row = rows.setdefault(f["slot"], {"what": f["what"], "status": "single", "values": {}})
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
    path.write_text(render_html(load_report(store, story_id)), encoding="utf-8")
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
            {k: a[k] for k in ("outlet", "url", "status", "truncation", "title", "author", "published", "n_sentences")}
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
CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d232a;background:#fafafa}
h1{margin:0 0 .3rem} .meta{color:#5a6570;margin-bottom:1.2rem}
.chips span{display:inline-block;padding:.15rem .6rem;border-radius:1rem;margin-right:.4rem;font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff;margin:.6rem 0 1.6rem}
th,td{border:1px solid #d8dde2;padding:.45rem .55rem;vertical-align:top;text-align:left}
th{background:#eef1f4;position:sticky;top:0}
tr.shared td.status,.chip-shared{background:#d8f1dd} tr.unique td.status,.chip-unique{background:#e7ecf5}
tr.contradicted td.status,.chip-contradicted{background:#f9d6d5}
tr.updated td.status{background:#fbeecb}
tr.possibly-shared td.status,.chip-possibly-shared{background:#fbeecb} tr.possibly-shared td.cell:not(:empty){background:#fffaf0}
del{background:#fbe0df} ins{background:#dff3e3;text-decoration:none}
tr.contradicted td.cell:not(:empty){background:#fdf0ef} tr.shared td.cell:not(:empty){background:#f1faf3}
tr.unique td.cell:not(:empty){background:#f6f8fb}
td.status{font-weight:600;white-space:nowrap} td.cell p{margin:0 0 .4rem}
mark{background:#ffd54d;padding:0 .1rem;border-radius:2px}
tr.updated td.cell:not(:empty){background:#fffaf0} details summary{cursor:pointer;font-weight:600}
.failed td{background:#fff4e5} .note{color:#5a6570;font-size:.92rem}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _mark(text: str, start: int | None, end: int | None) -> str:
    if start is None or end is None:
        return _e(text)
    return f"{_e(text[:start])}<mark>{_e(text[start:end])}</mark>{_e(text[end:])}"


def render_html(data: ReportData) -> str:
    counts = data.counts()
    ok = data.ok_articles
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>storydiff: {_e(data.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(data.title)}</h1>",
        f"<div class='meta'>story <code>{_e(data.story_id)}</code> · {len(ok)} of {len(data.articles)} articles compared"
        f" · {_e(_when(data.compared_at))}</div>",
        "<div class='chips'>" + "".join(
            f"<span class='chip-{s}'>{counts[s]} {s}</span>" for s in STATUS_ORDER
            if counts[s] or s != "possibly-shared") + "</div>",
    ]
    if data.budget_note():
        parts.append(f"<p class='note'>{_e(data.budget_note())}</p>")
    for a in data.truncated_articles:
        parts.append(f"<p class='note'><b>{_e(a['outlet'])}</b> could only be read in part ({_e(a['truncation'])}): "
                     "a claim it lacks is marked <i>possibly shared</i>, not unique.</p>")
    if data.failed_articles:
        parts.append("<h2>Articles that could not be compared</h2><table class='failed'><tr><th>outlet</th><th>url</th><th>reason</th></tr>")
        parts += [f"<tr><td>{_e(a['outlet'])}</td><td>{_e(a['url'])}</td><td>{_e(a['status'])}</td></tr>" for a in data.failed_articles]
        parts.append("</table>")
    for original, copies in data.republications():
        parts.append(f"<p class='note'>{_e(original['outlet'])}'s text is republished by "
                     f"{_e(', '.join(c['outlet'] for c in copies))}: they count as one source, not as corroboration.</p>")
    if data.figures:
        parts += _figures_table(data)
    if data.conflicts:
        parts.append("<h2>Contradictions</h2><table id='contradictions'><tr><th>kind</th><th>what differs</th>"
                     "<th>confidence</th><th>outlet</th><th>says</th><th>outlet</th><th>says</th></tr>")
        for k in data.conflicts:
            parts.append(
                f"<tr class='{'updated' if k['kind'] == 'number-update' else 'contradicted'}'><td class='status'>{_e(k['kind'])}</td>"
                f"<td>{_e(data.explanation(k))}</td><td>{k['confidence']:.2f}</td>"
                f"<td>{_e(data.outlet(k['article_a']))}</td><td>{_mark(k['sentence_a'], k['span_a_start'], k['span_a_end'])}</td>"
                f"<td>{_e(data.outlet(k['article_b']))}</td><td>{_mark(k['sentence_b'], k['span_b_start'], k['span_b_end'])}</td></tr>")
        parts.append("</table>")
    parts += _claims_side_by_side(data, ok) if len(ok) <= SIDE_BY_SIDE_MAX else _claims_listed(data)
    parts.append("</table><h2>Coverage by outlet</h2><table><tr><th>outlet</th><th>sentences</th><th>shared</th><th>unique</th>"
                 "<th>contradicted</th><th>possibly shared</th></tr>")
    parts += [f"<tr><td>{_e(r['outlet'])}</td><td>{r['sentences']}</td><td>{r['shared']}</td><td>{r['unique']}</td>"
              f"<td>{r['contradicted']}</td><td>{r['possibly_shared']}</td></tr>" for r in data.coverage]
    parts.append("</table>")
    if data.versions:
        parts.append("<h2>Updates since the first fetch</h2><table><tr><th>outlet</th><th>version</th><th>fetched</th>"
                     "<th>changes</th></tr>")
        for v in data.versions:
            changes = "".join(f"<p>{_change_html(c)}</p>" for c in v["changes"])
            parts.append(f"<tr><td>{_e(v['outlet'])}</td><td>{v['version']}</td><td>{_e(_when(v['fetched_at']))}</td>"
                         f"<td>+{v['added']} −{v['removed']} ~{v['edited']}{changes}</td></tr>")
        parts.append("</table>")
    parts.append("<p class='note'>shared: an independent outlet says the same · unique: only this outlet (or copies of its text) · "
                 "possibly shared: only one source says it, but an outlet that could only be read in part may say it too · "
                 "contradicted: another outlet states something incompatible (kind: number, date, number-revised: a later "
                 "confirmed figure lower than an earlier one, negation, or nli: the trained model) · "
                 "number-update: a toll that changed between reports, listed but not counted as a contradiction.</p></body></html>")
    return "\n".join(parts)


def _figures_table(data: ReportData) -> list[str]:
    """One row per thing counted by two outlets or more; each outlet's figure, its sentence on
    hover (title) or click (details)."""
    rows = data.figure_rows()
    outlets = sorted({o for r in rows for o in r["values"]})
    if len(outlets) > SIDE_BY_SIDE_MAX:
        outlets = []  # too many columns: figures listed in one cell
    parts = ["<h2>Figures</h2><p class='note'>Each thing counted by two outlets or more, and each outlet's figure "
             "(hover or click a figure for its sentence). conflict: outlets disagree · update: it changed between "
             "reports · agrees: they give the same figure.</p><table id='figures'><tr><th>what</th><th>status</th>"
             + ("".join(f"<th>{_e(o)}</th>" for o in outlets) if outlets else "<th>figures</th>") + "</tr>"]
    for r in rows:
        def cell(facts: list[dict]) -> str:
            return "".join(
                f"<details title='{_e(f['sentence'])}'><summary>{_e(f['value_text'])}</summary>"
                f"<span class='note'>{_e(f['sentence'])}{' (' + _e(f['published']) + ')' if f['published'] else ''}</span>"
                "</details>" for f in facts)
        status = {"conflict": "contradicted", "update": "updated", "agrees": "shared"}.get(r["status"], "unique")
        if outlets:
            cells = "".join(f"<td class='cell'>{cell(r['values'].get(o, []))}</td>" for o in outlets)
        else:
            cells = "<td class='cell'>" + "".join(f"<b>{_e(o)}</b> {cell(fs)}" for o, fs in r["values"].items()) + "</td>"
        parts.append(f"<tr class='{status}'><td>{_e(r['what'])}</td><td class='status'>{_e(r['status'])}</td>{cells}</tr>")
    parts.append("</table>")
    return parts


def _claims_side_by_side(data: ReportData, ok: list[dict]) -> list[str]:
    parts = ["<h2>Claims side by side</h2><table><tr><th>status</th>"
             + "".join(f"<th>{_e(a['outlet'])}</th>" for a in ok) + "</tr>"]
    for claim in data.claims:
        cells = "".join(
            "<td class='cell'>" + "".join(f"<p>{_e(t)}</p>" for t in claim["sentences"].get(a["article_no"], [])) + "</td>"
            for a in ok)
        parts.append(f"<tr class='{_e(claim['status'])}'><td class='status'>{_e(claim['status'])}</td>{cells}</tr>")
    return parts


def _claims_listed(data: ReportData) -> list[str]:
    """Past SIDE_BY_SIDE_MAX outlets a column each is unreadable (and the page huge): one row per
    claim, with who says it."""
    parts = ["<h2>Claims</h2><table><tr><th>status</th><th>outlets</th><th>claim</th></tr>"]
    for claim in data.claims:
        outlets = claim["outlets"]
        named = ", ".join(outlets[:OUTLETS_NAMED]) + (f" and {len(outlets) - OUTLETS_NAMED} more" if len(outlets) > OUTLETS_NAMED else "")
        parts.append(f"<tr class='{_e(claim['status'])}'><td class='status'>{_e(claim['status'])}</td>"
                     f"<td>{len(outlets)}: {_e(named)}</td><td class='cell'><p>{_e(claim['text'])}</p></td></tr>")
    return parts


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, datetime) else str(value or "")


def _change_html(change: dict) -> str:
    before = f"<del>{_e(change['before'])}</del>" if change["before"] else ""
    after = f"<ins>{_e(change['after'])}</ins>" if change["after"] else ""
    return f"{_e(change['kind'])}: {before}{' → ' if before and after else ''}{after}"
