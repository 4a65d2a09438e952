"""`python -m bot kb index|search|eval|export-model`: the knowledge base from the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bot.cli import member_eval
from bot.core.clock import Clock
from bot.retrieval import bootstrap, evaluate, folders, metrics, model_cache, service
from bot.retrieval.backends import BACKENDS, load_embedder
from bot.settings import Settings
from bot.storage.store import open_store

MEMBER_MODES = ("hybrid", "dense", "bm25")  # what the bot itself can search with


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `kb` and its subcommands."""
    kb = sub.add_parser("kb", help="knowledge base: index, search, evaluate")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    index = kb_sub.add_parser("index", help="load and embed the articles (cached in the db)")
    index.add_argument("--db", type=Path, help="database file (default from settings)")
    search = kb_sub.add_parser("search", help="rank articles for a question")
    search.add_argument("text")
    search.add_argument("--lang", default="en", choices=["en", "fr"])
    search.add_argument("--mode", default="hybrid", choices=["dense", "bm25", "hybrid"])
    search.add_argument("--limit", type=int, default=5)
    search.add_argument("--db", type=Path, help="database file (default from settings)")
    ev = kb_sub.add_parser(
        "eval", help="retrieval metrics on CORPUS.jsonl QUERIES.jsonl, or --members"
    )
    ev.add_argument("corpus", type=Path, nargs="?")
    ev.add_argument("queries", type=Path, nargs="?")
    ev.add_argument(
        "--members",
        action="store_true",
        help="the bot's own articles on the member question sets of tests/fixtures",
    )
    ev.add_argument(
        "--mode",
        default="hybrid",
        choices=evaluate.EVAL_MODES,
        help="plain, hybrid-plain: dense or hybrid with the whole question as its only view",
    )
    ev.add_argument(
        "--against",
        choices=evaluate.EVAL_MODES,
        help="baseline mode: adds its MAP and the paired bootstrap 95%% interval of the difference",
    )
    ev.add_argument("--model", help="sentence-transformers model (default from settings)")
    ev.add_argument("--backend", choices=BACKENDS, help="embedding backend (default from settings)")
    ev.add_argument(
        "--whole-corpus", action="store_true", help="ignore candidates: search the whole corpus"
    )
    ev.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    export = kb_sub.add_parser(
        "export-model", help="export the embedding model to ONNX int8 (needs torch; once)"
    )
    export.add_argument("--model", help="sentence-transformers model (default from settings)")
    export.add_argument(
        "--cache", type=Path, help="folder of exported models (default from settings)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the chosen kb subcommand; returns the exit code."""
    if args.kb_command == "eval":
        return _eval(args, settings)
    if args.kb_command == "export-model":
        return _export(args, settings)
    return asyncio.run(_with_kb(args, settings))


async def _with_kb(args: argparse.Namespace, settings: Settings) -> int:
    # The bot's store: its SQLite file (or --db), or the shared PostgreSQL database.
    db = open_store(
        settings.database(args.db),
        data_path=args.db or settings.storage.db_path,
        busy_timeout_ms=settings.storage.busy_timeout_ms,
    )
    # The CLI always wants the model's vectors (and their counts) before it answers. The
    # articles are the bot's own: knowledge_dir with the overlay beside the database.
    retrieval = settings.retrieval.model_copy(update={"answer_while_loading": False})
    kb = service.from_settings(retrieval, db, Clock())  # a missing folder: SettingsError
    await db.open()
    try:
        report = await kb.start()
        if args.kb_command == "index":
            for error in report.errors:
                print(f"skipped {error}", file=sys.stderr)
            print(
                f"{report.articles} articles: {report.embedded} embedded, "
                f"{report.reused} from cache, {len(report.errors)} skipped"
            )
            return 1 if report.errors else 0
        hits = await kb.search(args.text, args.lang, limit=args.limit, mode=args.mode)
        for rank, hit in enumerate(hits, start=1):
            dense = "-" if hit.dense is None else f"{hit.dense:.3f}"
            print(
                f"{rank}. {hit.article.key}  score {hit.score:.3f}  confidence "
                f"{hit.confidence:.3f}  dense {dense}  coverage {hit.coverage:.2f}  "
                f"{hit.article.title}"
            )
        return 0
    finally:
        await kb.close()
        await db.close()


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.members:
        return _eval_members(args, settings)
    if args.corpus is None or args.queries is None:
        print(
            "entraide: kb eval needs CORPUS.jsonl and QUERIES.jsonl, or --members", file=sys.stderr
        )
        return 2
    try:
        documents = evaluate.load_corpus(args.corpus)
        queries = evaluate.load_queries(args.queries)
        if args.whole_corpus:
            queries = [evaluate.Query(q.id, q.text, q.relevant, None) for q in queries]
    except (OSError, ValueError, KeyError) as exc:
        print(f"entraide: cannot read the data set: {exc}", file=sys.stderr)
        return 2
    modes = [args.mode] + ([args.against] if args.against else [])
    embedder = None
    if any(mode != "bm25" for mode in modes):
        retrieval = settings.retrieval
        embedder = load_embedder(
            args.model or retrieval.model, args.backend or retrieval.backend, retrieval.model_cache
        )
        if embedder is None:
            print("entraide: the embedding model could not be loaded", file=sys.stderr)
            return 2
    progress = not args.no_progress
    # One index (and one model load) for both runs, so they differ only by their mode.
    index = evaluate.build_index(documents, embedder, progress=progress)
    runs = evaluate.rankings(index, queries, embedder, args.mode, progress=progress)
    result: dict[str, object] = dict(metrics.summarise(runs))
    if args.against:
        base = evaluate.rankings(index, queries, embedder, args.against, progress=progress)
        interval = bootstrap.paired_bootstrap(
            metrics.per_query_ap(runs), metrics.per_query_ap(base)
        )
        result["against"] = {
            "mode": args.against,
            "MAP": metrics.summarise(base)["MAP"],
            "diff": round(interval.diff, 2),
            "ci95": [round(interval.low, 2), round(interval.high, 2)],
        }
    print(json.dumps(result))
    return 0


def _eval_members(args: argparse.Namespace, settings: Settings) -> int:
    """The shipped (or configured) articles on the member question sets: one JSON line per
    set and language."""
    modes = [args.mode] + ([args.against] if args.against else [])
    if args.corpus is not None or args.whole_corpus:
        print("entraide: --members reads its own question sets: no files", file=sys.stderr)
        return 2
    if any(mode not in MEMBER_MODES for mode in modes):
        choices = ", ".join(MEMBER_MODES)
        print(f"entraide: with --members, --mode and --against take {choices}", file=sys.stderr)
        return 2
    retrieval = settings.retrieval
    embedder = load_embedder(
        args.model or retrieval.model, args.backend or retrieval.backend, retrieval.model_cache
    )
    try:
        rows = asyncio.run(
            member_eval.evaluate(
                embedder, folders.shipped_dir(retrieval), mode=args.mode, against=args.against
            )
        )
    except member_eval.MissingSets as exc:
        print(f"entraide: {exc}", file=sys.stderr)
        return 2
    for row in rows:
        print(json.dumps(row))
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    """Export the model once; the bot's onnx backend then starts without torch."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        print("entraide: exporting needs torch and sentence-transformers", file=sys.stderr)
        return 2
    from bot.retrieval.onnx_export import ExportError, export_model

    model = args.model or settings.retrieval.model
    cache = args.cache or settings.retrieval.model_cache or model_cache.default_cache()
    try:
        exported = export_model(model, cache)
    except (ExportError, OSError) as exc:
        print(f"entraide: {exc}", file=sys.stderr)
        return 2
    print(
        f"{model}: ONNX int8 in {exported.folder} "
        f"(cosine {exported.agreement:.4f} against torch on the probe texts)"
    )
    return 0
