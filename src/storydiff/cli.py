"""`storydiff` command line: a thin layer over the library and the flows.

Errors become one line on stderr and a non-zero exit here, and only here.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from . import console
from .errors import StorydiffError
from .settings import Settings

EXIT_ERROR = 1
SAMPLE_STORY = Path("data/stories/louvre-heist.toml")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    verbose = getattr(args, "verbose", False)
    # Prefect reads these when it is imported, which happens below, inside the commands.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose or args.command == "serve" else "CRITICAL")
    # Prefect's embedded server gives up after 20 s, which a busy 2-core machine exceeds
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")
    logging.getLogger("storydiff").setLevel(logging.INFO)
    console.configure(bars=None, verbose=verbose)
    try:
        settings = Settings.from_env()
        if getattr(args, "db", None):
            settings = replace(settings, db_path=Path(args.db))
        if getattr(args, "parquet_dir", None):
            settings = replace(settings, parquet_dir=Path(args.parquet_dir))
        return args.handler(args, settings)
    except StorydiffError as exc:
        print(f"storydiff: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("storydiff: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI promises one line, not a traceback
        if verbose:
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"storydiff: internal error: {type(exc).__name__}: {first} (rerun with -v for details)", file=sys.stderr)
        return EXIT_ERROR


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's unset option must not overwrite one given before the subcommand.
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="DuckDB file (default: $STORYDIFF_DB or data/storydiff.duckdb)")
    common.add_argument("--parquet-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="write results and caches as Parquet files here, so several workers write at once; "
                             "--db then holds views over them (default: $STORYDIFF_PARQUET_DIR, unset)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="show Prefect logs and full tracebacks")

    fetching = argparse.ArgumentParser(add_help=False)
    fetching.add_argument("--allow-private-networks", action="store_true",
                          help="fetch URLs on loopback/private/link-local addresses (refused by default)")
    reporting = argparse.ArgumentParser(add_help=False)
    reporting.add_argument("--report-dir", metavar="DIR", help="where HTML reports go (default data/reports)")

    parser = argparse.ArgumentParser(prog="storydiff", parents=[common],
                                     description="Compare how outlets cover one story, claim by claim.")
    # no set_defaults for these: it would change the shared actions' defaults, and a subcommand
    # would then reset an option given before it ("storydiff --db X run ...")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", parents=[common, fetching, reporting], help="compare the stories in STORY_FILE(s)")
    run.add_argument("story_files", nargs="+", metavar="STORY_FILE")
    run.add_argument("--no-refetch", action="store_true", help="reuse HTML stored by an earlier run")
    run.set_defaults(handler=cmd_run)

    compare = commands.add_parser("compare", parents=[common, fetching, reporting],
                                  help="compare articles given as URLs or files, without a story file")
    compare.add_argument("locations", nargs="+", metavar="URL_OR_PATH")
    compare.add_argument("--id", dest="story_id", metavar="ID",
                         help="story id, a slug (default: from the title; the same links keep their id)")
    compare.add_argument("--title", help="story title (default: the first page's title)")
    compare.set_defaults(handler=cmd_compare)

    export = commands.add_parser("export", parents=[common], help="write every public view to Parquet, CSV or JSON files")
    export.add_argument("story_ids", nargs="*", metavar="STORY_ID", help="stories to export (default: all)")
    export.add_argument("--format", choices=("parquet", "csv", "json"), default="parquet")
    export.add_argument("--out", required=True, metavar="DIR", help="folder for the files, one per view")
    export.set_defaults(handler=cmd_export)

    cluster = commands.add_parser("cluster", parents=[common],
                                  help="group the articles of a JSON Lines dump into stories")
    cluster.add_argument("articles", metavar="ARTICLES.jsonl",
                         help='one article a line, in published order: {"id", "outlet", "url", "title", "text", '
                              '"published", "language"}')
    cluster.add_argument("--out", required=True, metavar="ASSIGNMENTS.jsonl", help='one {"id", "story"} a line')
    cluster.set_defaults(handler=cmd_cluster)

    watch = commands.add_parser("watch", parents=[common, fetching, reporting],
                                help="poll the outlets' feeds, group new articles into stories, compare them")
    watch.add_argument("outlets_file", metavar="OUTLETS.toml")
    watch.add_argument("--cron", help='serve on this schedule (e.g. "*/30 * * * *") instead of running once')
    watch.add_argument("--name", default="storydiff-watch", help="deployment name (with --cron)")
    watch.set_defaults(handler=cmd_watch)

    demo = commands.add_parser("demo", parents=[common], help="compare the bundled sample story")
    demo.set_defaults(handler=cmd_demo)

    report = commands.add_parser("report", parents=[common], help="print or write a story's diff report")
    report.add_argument("story_id")
    report.add_argument("--format", choices=("html", "md", "json"), default="html")
    report.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    report.set_defaults(handler=cmd_report)

    serve = commands.add_parser("serve", parents=[common, fetching],
                                help="re-run stories on a schedule (Prefect deployment)")
    serve.add_argument("story_files", nargs="+", metavar="STORY_FILE")
    serve.add_argument("--cron", default="0 * * * *", help='schedule, cron syntax (default "0 * * * *")')
    serve.add_argument("--name", default="storydiff", help="deployment name")
    serve.set_defaults(handler=cmd_serve)

    deploy = commands.add_parser("deploy", parents=[common, fetching, reporting],
                                 help="one deployment per story in a Prefect work pool, for workers to run")
    deploy.add_argument("story_files", nargs="+", metavar="STORY_FILE")
    deploy.add_argument("--pool", required=True, help="work pool (created as a process pool if missing)")
    deploy.add_argument("--cron", help="also schedule each story (cron syntax)")
    deploy.set_defaults(handler=cmd_deploy)

    submit = commands.add_parser("submit", parents=[common, fetching, reporting],
                                 help="queue one job per story for task workers (storydiff task-worker) to run")
    submit.add_argument("story_files", nargs="+", metavar="STORY_FILE")
    submit.add_argument("--wait", action="store_true", help="wait for every story and print its claims")
    submit.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="with --wait, give up on the stories not done by then (default: wait for ever)")
    submit.set_defaults(handler=cmd_submit)

    # no --db or --parquet-dir: each job says where its results go; STORYDIFF_THREADS and
    # STORYDIFF_CACHE_DIR here say how this machine computes them
    task_worker = commands.add_parser("task-worker",
                                      help="run queued story jobs in this process, models loaded once, until stopped")
    task_worker.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                             help="show Prefect logs and full tracebacks")
    task_worker.add_argument("--limit", type=int, default=1, help="story jobs at a time (default 1)")
    task_worker.set_defaults(handler=cmd_task_worker)

    evaluation = commands.add_parser("eval", parents=[common],
                                     help="score the judgement on MRPC, SICK and the sample story's gold labels")
    evaluation.add_argument("--data", default="../shared/data", metavar="DIR",
                            help="folder holding msr_paraphrase_test.txt and SICK_test_annotated.txt")
    evaluation.add_argument("--out", default="eval/results.json", metavar="FILE", help="where the JSON goes")
    evaluation.add_argument("--limit", type=int, metavar="N", help="first N pairs of each set (quick check)")
    evaluation.set_defaults(handler=cmd_eval)

    compact = commands.add_parser("compact", parents=[common],
                                  help="Parquet results: remove superseded runs' files, merge small cache files")
    compact.set_defaults(handler=cmd_compact)

    sql = commands.add_parser("sql", parents=[common], help="run a read-only SQL query on the database")
    sql.add_argument("query")
    form = sql.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON rows")
    form.add_argument("--csv", action="store_true", help="print CSV")
    sql.set_defaults(handler=cmd_sql)
    return parser


def _network_opt_in(args, settings: Settings) -> Settings:
    if args.allow_private_networks:
        return replace(settings, fetch=replace(settings.fetch, allow_private_networks=True))
    return settings


def cmd_run(args, settings: Settings) -> int:
    settings = _network_opt_in(args, settings)
    if args.no_refetch:
        settings = replace(settings, fetch=replace(settings.fetch, refetch=False))
    if args.report_dir:
        settings = replace(settings, report_dir=Path(args.report_dir))
    return _compare(args.story_files, settings)


def cmd_compare(args, settings: Settings) -> int:
    from flows.compare import compare_urls

    from .store import Store

    settings = _network_opt_in(args, settings)
    if args.report_dir:
        settings = replace(settings, report_dir=Path(args.report_dir))
    print(f"storydiff: comparing {len(args.locations)} article(s); database {settings.db_path}", file=sys.stderr)
    summary = compare_urls(args.locations, args.story_id, args.title, settings)
    with Store.open(settings.db_path, read_only=True, lock_timeout_s=settings.lock_timeout_s) as store:
        print(format_summary(summary, store))
    print(f"\n# The story as a file: save it (e.g. as {summary.story_id}.toml) to re-run it with `storydiff run`\n"
          f"# or schedule it with `storydiff serve`.\n{summary.story_file}", end="")
    return 0


def cmd_export(args, settings: Settings) -> int:
    from .export import export_views
    from .store import Store

    with Store.open(settings.db_path, read_only=True, lock_timeout_s=settings.lock_timeout_s) as store:
        written = export_views(store, Path(args.out), args.format, args.story_ids or None)
    for path in written:
        print(path)
    return 0


def cmd_cluster(args, settings: Settings) -> int:
    from .discover.dump import read_articles, write_assignments
    from .discover.grouping import article_vectors, group
    from .discover.token_vectors import load_token_vectors
    from .embed import load_embedder

    articles = read_articles(Path(args.articles))
    embedder = load_embedder(settings.model, settings.embed_batch_size, settings.embed_backend, settings.model_cache,
                             settings.threads)
    token_vectors = load_token_vectors(settings.model, settings.model_cache, settings.threads)
    multilingual = (load_embedder(settings.multilingual_model, settings.embed_batch_size, threads=settings.threads)
                    if settings.multilingual_model else None)
    vectors = article_vectors(articles, embedder.encode, token_vectors, settings.group,
                              multilingual.encode if multilingual else None)
    stories = group(articles, vectors, settings.group)
    write_assignments(Path(args.out), (a.id for a in articles), stories)
    print(f"storydiff: {len(articles)} articles in {len(set(stories))} stories; wrote {args.out}", file=sys.stderr)
    return 0


def cmd_watch(args, settings: Settings) -> int:
    settings = _network_opt_in(args, settings)
    if args.report_dir:
        settings = replace(settings, report_dir=Path(args.report_dir))
    if args.cron:
        from prefect import serve

        from flows.watch import build_watch_deployment

        deployment = build_watch_deployment(args.outlets_file, args.cron, args.name, settings)
        print(f"serving deployment {args.name!r} on cron {args.cron!r}; Ctrl+C stops it", file=sys.stderr)
        serve(deployment)
        return 0
    from flows.compare import StorySummary
    from flows.watch import watch

    from .store import Store

    summary = watch(args.outlets_file, settings)
    feeds = ", ".join(f"{n} {what}" for what, n in summary.feeds.items())
    print(f"feeds: {feeds or 'none due'}; {summary.new_items} new items; {summary.stories} stories in the window")
    with Store.open(settings.db_path, read_only=True, lock_timeout_s=settings.lock_timeout_s) as store:
        for outcome in summary.compared:
            if isinstance(outcome, StorySummary):
                print(format_summary(outcome, store))
            else:
                print(f"storydiff: error: {outcome}", file=sys.stderr)
    return 0


def cmd_demo(args, settings: Settings) -> int:
    story = SAMPLE_STORY if SAMPLE_STORY.exists() else Path(__file__).resolve().parents[2] / SAMPLE_STORY
    return _compare([str(story)], settings)


def _compare(story_files: list[str], settings: Settings) -> int:
    from flows.compare import StorySummary, compare_stories, compare_story
    from .store import Store

    print(f"storydiff: comparing {len(story_files)} story file(s); database {settings.db_path}", file=sys.stderr)
    if len(story_files) == 1:
        outcomes: list[StorySummary | str] = [compare_story(story_files[0], settings)]
    else:
        outcomes = compare_stories(story_files, settings)
    failures = [o for o in outcomes if isinstance(o, str)]
    with Store.open(settings.db_path, read_only=True, lock_timeout_s=settings.lock_timeout_s) as store:
        for summary in (o for o in outcomes if isinstance(o, StorySummary)):
            print(format_summary(summary, store))
    for failure in failures:
        print(f"storydiff: error: {failure}", file=sys.stderr)
    return EXIT_ERROR if failures else 0


def format_summary(summary, store) -> str:
    claims = store.frame("claims_of_story", [summary.story_id])
    articles = store.frame("story_articles", [summary.story_id])
    lines = [f"\n{summary.story_id}: {summary.articles - summary.failed}/{summary.articles} articles compared, "
             + ", ".join(f"{n} {status}" for status, n in summary.claims.items()) + " claims"]
    header = store.frame("story_header", [summary.story_id])
    if header["unjudged_pairs"][0]:
        lines.append(f"  NLI budget spent: {header['unjudged_pairs'][0]:,} of {header['sentence_pairs'][0]:,} sentence pairs "
                     "checked by the rules only (STORYDIFF_MAX_NLI_PAIRS)")
    for row in articles.filter(articles["status"] != "ok").iter_rows(named=True):
        if row["status"] == "truncated":
            lines.append(f"  truncated (compared in part): {row['outlet']} <{row['url']}>: {row['truncation']}")
        else:
            lines.append(f"  failed: {row['outlet']} <{row['url']}>: {row['status']}")
    lines.append(f"  {'status':<13} {'n':>2}  {'outlets':<40} claim")
    for row in claims.iter_rows(named=True):
        outlets = _clip(", ".join(row["outlets"]), 40)
        lines.append(f"  {row['status']:<13} {row['n_outlets']:>2}  {outlets:<40} {_clip(row['text'], 90)}")
    lines.append(f"report: {summary.report_path}")
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_report(args, settings: Settings) -> int:
    from . import report
    from .store import Store

    with Store.open(settings.db_path, read_only=True, lock_timeout_s=settings.lock_timeout_s) as store:
        text = report.render(report.load_report(store, args.story_id), args.format)
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise StorydiffError(f"{args.out}: cannot write report ({exc.strerror or exc})") from None
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_deploy(args, settings: Settings) -> int:
    from flows.deploy import deploy_stories

    if args.report_dir:
        settings = replace(settings, report_dir=Path(args.report_dir))
    for name in deploy_stories(args.story_files, args.pool, _network_opt_in(args, settings), args.cron):
        print(name)
    print(f"start workers with: prefect worker start --pool {args.pool}", file=sys.stderr)
    return 0


def cmd_submit(args, settings: Settings) -> int:
    from flows.story_jobs import submit_stories

    if args.report_dir:
        settings = replace(settings, report_dir=Path(args.report_dir))
    futures = submit_stories(args.story_files, _network_opt_in(args, settings))
    if not args.wait:
        for story_file, future in zip(args.story_files, futures):
            print(f"{future.task_run_id}  {story_file}")
        print("run them with: storydiff task-worker (as many as you like, on any machine)", file=sys.stderr)
        return 0
    failed = 0
    deadline = time.monotonic() + args.timeout if args.timeout is not None else None
    for story_file, future in zip(args.story_files, futures):
        try:
            done = future.result(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            failed += 1
            print(f"{story_file}: not done after {args.timeout:g} s (task run {future.task_run_id}): no task worker "
                  "took it, or its worker stopped (a job is not queued again: submit it again)")
            continue
        except Exception as exc:  # noqa: BLE001 - a story's failure is one line; the others go on
            failed += 1
            print(f"{story_file}: failed: {type(exc).__name__}: {str(exc)[:300]}")
            continue
        claims = ", ".join(f"{status} {n}" for status, n in sorted(done["claims"].items()))
        print(f"{done['story_id']}: {done['articles'] - done['failed']}/{done['articles']} articles; {claims}; "
              f"{done['report_path']}")
    return 1 if failed else 0


def cmd_task_worker(args, settings: Settings) -> int:
    from flows.story_jobs import serve_story_jobs

    print(f"taking story jobs, {args.limit} at a time; Ctrl+C stops", file=sys.stderr)
    serve_story_jobs(args.limit)
    return 0


def cmd_serve(args, settings: Settings) -> int:
    from flows.compare import build_deployment
    from prefect import serve

    deployment = build_deployment(args.story_files, args.cron, args.name, _network_opt_in(args, settings))
    print(f"serving deployment {args.name!r} on cron {args.cron!r}; Ctrl+C stops it", file=sys.stderr)
    serve(deployment)
    return 0


def cmd_eval(args, settings: Settings) -> int:
    import json
    import tempfile

    from .evaluate import evaluate_all

    results = evaluate_all(Path(args.data), settings, args.limit)
    with tempfile.TemporaryDirectory() as scratch:
        results["sample_story_gold"] = _score_sample_story(
            replace(settings, db_path=Path(scratch) / "eval.duckdb", report_dir=Path(scratch)))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(format_evaluation(results))
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _score_sample_story(settings: Settings) -> dict:
    from flows.compare import compare_story

    from .gold import load_gold, score_story
    from .store import Store

    story = SAMPLE_STORY if SAMPLE_STORY.exists() else Path(__file__).resolve().parents[2] / SAMPLE_STORY
    compare_story(str(story), settings)
    with Store.open(settings.db_path, read_only=True) as store:
        scored = score_story(store, "louvre-heist", load_gold(story.with_suffix(".gold.tsv")))
    return {label: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "sentences": s.support}
            for label, s in scored.scores.items()} | {"mistakes": [list(m) for m in scored.mistakes]}


def format_evaluation(results: dict) -> str:
    lines = [f"NLI model {results['nli_model']} (contradiction threshold {results['contradiction_threshold']}); "
             f"{results['machine']}"]
    mrpc = results["mrpc_test"]
    if isinstance(mrpc, dict):
        same, cosine = mrpc["same_claim"], mrpc["cosine_only"]
        lines.append(f"MRPC test   same claim: F1 {same['f1']:.3f}  accuracy {same['accuracy']:.3f}  "
                     f"(cosine alone: F1 {cosine['f1']:.3f}, accuracy {cosine['accuracy']:.3f}; {same['pairs']} pairs)")
    else:
        lines.append(f"MRPC test   {mrpc}")
    sick = results["sick_test"]
    if isinstance(sick, dict):
        c = sick["contradiction"]
        lines.append(f"SICK test   3-way accuracy {sick['accuracy']:.3f}  contradiction P {c['precision']:.3f} "
                     f"R {c['recall']:.3f} F1 {c['f1']:.3f}  entailment called contradiction "
                     f"{sick['entailment_called_contradiction']:.1%}  ({sick['pairs']} pairs)")
        lines.append(f"throughput  {results['throughput']['nli_pairs_per_s']} NLI pairs/s")
    else:
        lines.append(f"SICK test   {sick}")
    for key, name in (("rte3_dev", "RTE-3 dev  "), ("rte2_dev_negated", "RTE-2 neg. ")):
        rte = results.get(key)
        if isinstance(rte, dict):
            c = rte["contradiction"]
            accuracy = f"3-way accuracy {rte['accuracy']:.3f}  " if "accuracy" in rte else ""
            lines.append(f"{name} {accuracy}contradiction P {c['precision']:.3f} R {c['recall']:.3f} "
                         f"F1 {c['f1']:.3f}  ({rte['pairs']} pairs)")
        elif rte:
            lines.append(f"{name} {rte}")
    gold = results["sample_story_gold"]
    lines.append("sample gold " + "  ".join(
        f"{label} P {gold[label]['precision']:.2f} R {gold[label]['recall']:.2f}" for label in ("shared", "unique", "contradicted")))
    return "\n".join(lines)


def cmd_compact(args, settings: Settings) -> int:
    from .parquet_store import compact

    if settings.parquet_dir is None:
        raise StorydiffError("compact works on Parquet results: give --parquet-dir or STORYDIFF_PARQUET_DIR")
    if not settings.parquet_dir.is_dir():
        raise StorydiffError(f"{settings.parquet_dir}: no Parquet results here")
    for table, (before, after) in compact(settings.parquet_dir).items():
        if before != after:
            print(f"{table}: {before} files -> {after}")
    return 0


def cmd_sql(args, settings: Settings) -> int:
    import polars as pl

    from .store import Store

    with Store.open(settings.db_path, read_only=True, lock_timeout_s=settings.lock_timeout_s) as store:
        frame = store.sql(args.query)
    if args.json:
        sys.stdout.write(frame.write_json() + "\n")
    elif args.csv:
        sys.stdout.write(frame.write_csv())
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=100, tbl_width_chars=200):
            print(frame)
    return 0


if __name__ == "__main__":
    sys.exit(main())
