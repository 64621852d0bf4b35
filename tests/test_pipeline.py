"""End to end through real Prefect flow runs, a real DuckDB file, HTTP on 127.0.0.1, the real model."""

import time
from dataclasses import replace

import pytest

from flows.compare import StorySummary, build_deployment, compare_stories, compare_story
from storydiff.errors import NothingToCompareError
from storydiff.gold import load_gold, score_story
from storydiff.settings import Settings
from storydiff.store import PUBLIC_VIEWS, Store, load_queries

from conftest import SAMPLE_GOLD, SAMPLE_STORY, write_story

OUTLET_FILES = ["tribune", "wire", "riverside", "quotidien", "metro", "capital"]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """The bundled sample story, compared once for the whole module."""
    root = tmp_path_factory.mktemp("sample")
    settings = replace(Settings(), db_path=root / "sample.duckdb", report_dir=root / "reports")
    summary = compare_story(str(SAMPLE_STORY), settings)
    return settings, summary


def test_sample_story_matches_gold_labels(sample_run):
    settings, summary = sample_run
    assert summary.failed == 0
    with Store.open(settings.db_path, read_only=True) as store:
        result = score_story(store, "louvre-heist", load_gold(SAMPLE_GOLD))
    print("\nsample story gold, per label:")
    for score in result.scores.values():
        print(f"  {score.label:<13} precision {score.precision:.2f}  recall {score.recall:.2f}  (n={score.support})")
    for mistake in result.mistakes:
        print("  mistake:", mistake)
    assert not result.missing and not result.extra, "segmentation drifted from the gold sentences"
    for score in result.scores.values():
        assert score.precision >= 0.8 and score.recall >= 0.8, score


def test_views_are_the_public_contract(sample_run):
    settings, _ = sample_run
    with Store.open(settings.db_path, read_only=True) as store:
        con = store.con
        claims = con.sql("SELECT * FROM story_claims WHERE story_id = 'louvre-heist'").pl()
        assert claims.columns == ["story_id", "claim_id", "status", "n_outlets", "outlets", "text"]
        assert set(claims["status"]) == {"shared", "unique", "contradicted"}
        assert con.sql("SELECT * FROM claim_sentences").pl().columns == [
            "story_id", "claim_id", "outlet", "url", "sentence_id", "sentence", "language"]
        contradictions = con.sql("SELECT * FROM contradictions ORDER BY kind").pl()
        assert contradictions.columns == [
            "story_id", "claim_id", "outlet_a", "sentence_a", "outlet_b", "sentence_b", "kind", "score",
            "explanation", "confidence"]
        assert {"number", "negation"} <= set(contradictions["kind"])
        explained = {r["explanation"] for r in contradictions.iter_rows(named=True)}
        assert "thieves: Four (Example Tribune) vs Two (Metro Bulletin)" in explained
        assert all(0 < r["confidence"] <= 1 for r in contradictions.iter_rows(named=True))
        figures = con.sql("SELECT * FROM figures WHERE story_id = 'louvre-heist'").pl()
        assert figures.columns == ["story_id", "slot", "what", "outlet", "value_text", "low", "high", "unit", "kind",
                                   "sentence_id", "sentence", "published", "status"]
        thieves = figures.filter(figures["what"] == "thieves")
        assert sorted(thieves["value_text"]) == ["Four", "Four", "Two"] and set(thieves["status"]) == {"conflict"}
        assert thieves["slot"].n_unique() == 1
        assert con.sql("SELECT * FROM updates").pl().columns == [
            "story_id", "what", "outlet_a", "published_a", "value_a", "sentence_a",
            "outlet_b", "published_b", "value_b", "sentence_b"]
        pairs = {(r["outlet_a"], r["outlet_b"]) for r in contradictions.iter_rows(named=True)}
        assert ("Example Tribune", "Metro Bulletin") in pairs
        assert not any("Riverside Daily" in p and "Northwind Wire" in p for p in pairs)
        coverage = con.sql("SELECT * FROM outlet_coverage WHERE story_id = 'louvre-heist'").pl()
        assert coverage.columns == [
            "story_id", "outlet", "sentences", "shared", "unique", "contradicted", "possibly_shared"]
        for row in coverage.iter_rows(named=True):
            assert row["sentences"] == row["shared"] + row["unique"] + row["contradicted"]
            assert row["possibly_shared"] == 0  # every article was read in full
        articles = con.sql("SELECT * FROM articles ORDER BY outlet").pl()
        assert articles.columns == [
            "story_id", "outlet", "url", "status", "error", "title", "published", "fetched_at", "n_sentences",
            "truncation", "language"]
        assert set(articles["status"]) == {"ok"}
        assert set(articles["language"]) == {"en"}
        richer = con.sql("""
            SELECT r.*, a.claim_id AS claim_of_richer, b.claim_id AS claim_of_other
            FROM richer_sentences r
            JOIN claim_sentences a ON a.story_id = r.story_id AND a.outlet = r.richer_outlet AND a.sentence = r.richer_sentence
            JOIN claim_sentences b ON b.story_id = r.story_id AND b.outlet = r.other_outlet AND b.sentence = r.other_sentence
            WHERE a.claim_id = r.claim_id AND b.claim_id = r.claim_id
        """).pl()
        assert richer.columns[:6] == [
            "story_id", "claim_id", "richer_outlet", "richer_sentence", "other_outlet", "other_sentence"]
        assert richer.height > 0
        for row in richer.iter_rows(named=True):  # both sides of one claim, from two outlets
            assert row["claim_of_richer"] == row["claim_of_other"] == row["claim_id"]
            assert row["richer_outlet"] != row["other_outlet"]


def test_wire_copy_is_one_source(sample_run):
    settings, _ = sample_run
    with Store.open(settings.db_path, read_only=True) as store:
        (status,) = store.con.sql(
            "SELECT status FROM story_claims WHERE text LIKE 'Interior Minister Laurent Nuñez%'").fetchall()[0]
        outlets = store.con.sql(
            "SELECT outlets FROM story_claims WHERE text LIKE 'Interior Minister Laurent Nuñez%'").fetchall()[0][0]
    assert status == "unique"
    assert outlets == ["Northwind Wire", "Riverside Daily"]


def test_every_named_query_runs(sample_run):
    """Each query in sql/queries.sql is executed here or by the pipeline; a new one needs a line."""
    settings, _ = sample_run
    params = {
        "save_page": None, "record_fetch": None, "save_embeddings": None,  # run by every pipeline run
        "insert_story_articles": None, "insert_sentences": None, "insert_sentence_matches": None,
        "insert_conflicts": None, "insert_story": None, "insert_facts": None, "insert_claim_members": None,
        "delete_story": None, "delete_story_articles": None, "delete_sentences": None,
        "delete_sentence_matches": None, "delete_conflicts": None, "delete_facts": None, "delete_claim_members": None,
        "latest_page": [str(SAMPLE_STORY.parent / "louvre-heist" / "metro.html")],
        "cached_embeddings": ["all-MiniLM-L6-v2", ["no-such-hash"]],
        "insert_text_version": None, "save_nli_scores": None, "save_extraction": None,  # every run
        "stored_fingerprint": ["louvre-heist"], "touch_story": None,  # an unchanged re-run (test below)
        "cached_nli_scores": ["storydiff-nli-minilm-l6", ["no-such-hash"], ["no-such-hash"]],
        "cached_extractions": ["no-such-extractor", ["no-such-hash"]],
        "latest_text_version": ["louvre-heist", "tribune.html"],
        "versions_of_story": ["louvre-heist"],
        "story_header": ["louvre-heist"], "story_articles": ["louvre-heist"],
        "claims_of_story": ["louvre-heist"], "sentences_of_story": ["louvre-heist"],
        "conflicts_of_story": ["louvre-heist"], "coverage_of_story": ["louvre-heist"],
        "figures_of_story": ["louvre-heist", "louvre-heist"],
        "sentence_labels": ["louvre-heist"],
        "story_urls": [], "story_index": [],
        "feed_states": [], "recent_feed_items": ["2025-01-01"], "cached_robots": ["2025-01-01"],
        "save_robots": None,  # every run that fetched a robots.txt (tests/test_refetch.py)
        # written by every watch run (tests/test_watch.py)
        "add_feed": None, "delete_feed": None, "save_feed_state": None, "insert_feed_items": None, "assign_story": None,
        "set_item_text": None, "story_has_items": ["no-such-story"],
        "insert_story_merge": None,  # tests/test_store.py
        # every read-only open, and every open of Parquet results (tests/test_parquet_store.py)
        "has_story_generations": [], "pin_story_generations": None,
    } | {f"view_{view}": [["louvre-heist"]] for view in PUBLIC_VIEWS}
    assert set(params) == set(load_queries()), "add the new query to this test"
    with Store.open(settings.db_path, read_only=True) as store:
        for name, args in params.items():
            if args is not None:
                store.con.execute(store.q[name], args).fetchall()
        for view in PUBLIC_VIEWS:  # the named query of a view gives the view's rows, all of them
            everything = store.con.sql(store.q[f"view_{view}"], params=[None]).pl()
            assert everything.sort(everything.columns).equals(store.con.sql(f"SELECT * FROM {view}").pl().sort(everything.columns))
        assert store.con.sql("SELECT count(*) FROM fetches").fetchall()[0][0] == 6
        assert store.con.sql("SELECT count(*) FROM pages").fetchall()[0][0] == 6


def test_failed_articles_are_listed_and_the_rest_compared(http_server, settings, tmp_path):
    base, _ = http_server
    refs = [(name.title(), f"{base}/articles/{name}.html") for name in ("tribune", "metro", "capital")]
    refs += [
        ("Gone Gazette", f"{base}/articles/deleted.html"),
        ("Slow Times", f"{base}/slow"),
        ("PDF Press", f"{base}/report.pdf"),
        ("Missing File", "no-such-article.html"),
    ]
    story = write_story(tmp_path / "mixed.toml", "mixed", refs)
    summary = compare_story(str(story), settings)
    assert summary.failed == 4
    with Store.open(settings.db_path, read_only=True) as store:
        statuses = dict(store.con.sql("SELECT outlet, status FROM articles WHERE story_id = 'mixed'").fetchall())
        contradicted = store.con.sql(
            "SELECT count(*) FROM story_claims WHERE story_id = 'mixed' AND status = 'contradicted'").fetchall()[0][0]
    assert statuses["Gone Gazette"] == "HTTP 404"
    assert statuses["Slow Times"] == "timed out: no data for 0.5s"
    assert statuses["PDF Press"] == "not HTML (content-type application/pdf)"
    assert statuses["Missing File"].startswith("cannot read file")
    assert [statuses[o] for o in ("Tribune", "Metro", "Capital")] == ["ok"] * 3
    assert contradicted >= 3
    html = (settings.report_dir / "mixed.html").read_text(encoding="utf-8")
    assert "Gone Gazette" in html and "HTTP 404" in html


def test_a_story_is_one_task_run_per_stage_not_per_page(http_server, settings, tmp_path):
    """Each task run costs the Prefect server that every worker shares (bench/task_runs.py)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    base, _ = http_server
    refs = [(name.title(), f"{base}/articles/{name}.html") for name in ("tribune", "metro", "capital", "wire")]
    refs.append(("Gone Gazette", f"{base}/articles/deleted.html"))
    state = compare_story(str(write_story(tmp_path / "staged.toml", "staged", refs)), settings, return_state=True)
    assert state.result().failed == 1
    deadline = time.monotonic() + 15
    with get_client(sync_client=True) as client:  # the server records task runs from events, a moment later
        while True:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
            if len(runs) >= 4 and all(run.state.is_completed() for run in runs) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert sorted(run.name.rsplit("-", 1)[0] for run in runs) == [
        "align-and-classify", "embed", "extract-and-segment", "fetch-pages"]
    assert all(run.state.is_completed() for run in runs)


def test_transient_failures_are_retried(http_server, settings, tmp_path):
    base, _ = http_server
    story = write_story(tmp_path / "flaky.toml", "flaky", [("Flaky", f"{base}/flaky")])
    retrying = replace(settings, fetch=replace(settings.fetch, retries=1))
    assert compare_story(str(story), retrying).failed == 0


def test_rerun_replaces_results_and_reuses_embeddings(settings, tmp_path):
    story = write_story(tmp_path / "two.toml", "two", [
        ("Tribune", str(SAMPLE_STORY.parent / "louvre-heist" / "tribune.html")),
        ("Capital", str(SAMPLE_STORY.parent / "louvre-heist" / "capital.html")),
    ])
    first_run = compare_story(str(story), settings)
    with Store.open(settings.db_path, read_only=True) as store:
        first = store.con.sql("SELECT count(*) FROM sentences").fetchall()[0][0]
        vectors = store.con.sql("SELECT count(*) FROM embeddings").fetchall()[0][0]
        judged = store.con.sql("SELECT count(*) FROM nli_scores").fetchall()[0][0]
    # the sentences and the masked contexts of their figures (facts.py)
    assert first_run.work["pages_extracted"] == 2 and first_run.work["sentences_embedded"] == vectors > first
    assert first_run.work["nli_pairs"] == judged > 0
    offline = replace(settings, fetch=replace(settings.fetch, refetch=False))
    second_run = compare_story(str(story), offline)
    assert second_run.work == {"pages_extracted": 0, "sentences_embedded": 0, "nli_pairs": 0}
    assert second_run.claims == first_run.claims
    with Store.open(settings.db_path, read_only=True) as store:
        assert store.con.sql("SELECT count(*) FROM sentences").fetchall()[0][0] == first
        assert store.con.sql("SELECT count(*) FROM stories").fetchall()[0][0] == 1
        assert store.con.sql("SELECT count(*) FROM embeddings").fetchall()[0][0] == vectors
        assert store.con.sql("SELECT count(*) FROM fetches").fetchall()[0][0] == 2  # no refetch
    assert compare_story(str(story), settings).work == second_run.work  # fetched again: same pages, no work
    # another NLI backend gives slightly other probabilities: its scores are its own
    other_backend = compare_story(str(story), replace(offline, nli_backend="torch"))
    assert other_backend.work["nli_pairs"] == judged and other_backend.claims == first_run.claims
    with Store.open(settings.db_path, read_only=True) as store:
        models = store.con.sql("SELECT model, count(*) FROM nli_scores GROUP BY model ORDER BY model").fetchall()
    assert models == [("storydiff-nli-minilm-l6", judged), ("storydiff-nli-minilm-l6 [onnx-int8]", judged)]


def test_nothing_to_compare_keeps_previous_results(settings, tmp_path):
    good = write_story(tmp_path / "s.toml", "same-id", [
        ("Tribune", str(SAMPLE_STORY.parent / "louvre-heist" / "tribune.html"))])
    compare_story(str(good), settings)
    bad = write_story(tmp_path / "s2.toml", "same-id", [("Nowhere", "missing.html")])
    with pytest.raises(NothingToCompareError, match="story same-id: no article could be compared"):
        compare_story(str(bad), settings)
    with Store.open(settings.db_path, read_only=True) as store:
        assert store.con.sql("SELECT status FROM articles WHERE story_id = 'same-id'").fetchall() == [("ok",)]


def test_compare_stories_reports_a_bad_story_and_runs_the_others(settings, tmp_path):
    good = write_story(tmp_path / "good.toml", "good", [
        ("Metro", str(SAMPLE_STORY.parent / "louvre-heist" / "metro.html"))])
    results = compare_stories([str(tmp_path / "absent.toml"), str(good)], settings)
    assert isinstance(results[0], str) and "absent.toml" in results[0]
    assert isinstance(results[1], StorySummary) and results[1].story_id == "good"


def test_deployment_carries_schedule_and_parameters(settings):
    deployment = build_deployment([str(SAMPLE_STORY)], "0 * * * *", "hourly", settings)
    assert deployment.name == "hourly"
    assert deployment.schedules[0].schedule.cron == "0 * * * *"
    assert deployment.parameters["story_files"] == [str(SAMPLE_STORY.resolve())]
    assert deployment.parameters["settings"]["db_path"] == str(settings.db_path.resolve())
    # a scheduled run gets JSON parameters back; the flow turns them into Settings again
    validated = compare_stories.validate_parameters(deployment.parameters)
    assert validated["settings"] == replace(
        settings, db_path=settings.db_path.resolve(), report_dir=settings.report_dir.resolve())


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{date}T08:00:00Z"></head><body><article><h1>{title}</h1>
{paragraphs}</article></body></html>"""


def test_a_confirmed_lower_toll_is_a_revision_shown_with_both_dates(settings, tmp_path):
    """Written for this test: the toll of a crash rises, then a confirmed figure corrects it."""
    pages = {
        "early": ("2025-03-01", ["Portugal said at least 265 people were killed when the night train derailed near Coimbra.",
                                 "Rescue teams worked through the night to reach the last carriages of the train.",
                                 "The railway company said it would open an inquiry into the state of the track."]),
        "later": ("2025-03-03", ["Portugal said the confirmed toll stands at 260 dead after every victim was identified.",
                                 "The railway company has opened an inquiry into the state of the track near Coimbra.",
                                 "Families of the victims gathered at the station for a vigil on Sunday evening."]),
    }
    refs = []
    for name, (date, sentences) in pages.items():
        page = tmp_path / f"{name}.html"
        page.write_text(PAGE.format(title=f"Train derailment near Coimbra ({name})", date=date,
                                    paragraphs="\n".join(f"<p>{s}</p>" for s in sentences)), encoding="utf-8")
        refs.append((name.title(), str(page)))
    compare_story(str(write_story(tmp_path / "crash.toml", "crash", refs)), settings)
    with Store.open(settings.db_path, read_only=True) as store:
        rows = store.con.sql("SELECT kind, explanation FROM contradictions WHERE story_id = 'crash'").fetchall()
        figures = store.con.sql("SELECT outlet, value_text, status FROM figures WHERE story_id = 'crash' "
                                "AND kind = 'count' ORDER BY outlet").fetchall()
    assert rows == [("number-revised", "people dead: at least 265 (Early, 2025-03-01) vs 260 (Later, 2025-03-03)")]
    assert figures == [("Early", "at least 265", "conflict"), ("Later", "260", "conflict")]
