"""Knowledge-base retrieval at 10,000 articles, both embedding backends in one run: index
build, restart, latency, throughput, the bot process's start and memory (at 10,000 articles and
with the shipped knowledge base), `kb eval` figures, and rank_bm25 / BM25-only baselines.

python -m bench.retrieval_bench [ARTICLES] [--backends onnx,torch] [--no-eval]
(ARTICLES: default 10,000; a smaller number for a quick try)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import astuple
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bench import retrieval_eval, retrieval_process, retrieval_report, synthetic_kb
from bench import retrieval_parts as parts
from bench.encode_progress import EncodeProgress
from bot.core.clock import Clock
from bot.core.ports import Embedder
from bot.retrieval.backends import BACKENDS, Backend, load_embedder
from bot.retrieval.embedder import DEFAULT_MODEL
from bot.retrieval.service import KnowledgeBase
from bot.storage.db import Database, backup

ARTICLES = 10_000
QUESTIONS = 300
CONCURRENT = 100
ROUNDS = 5
# The module each backend imports first: absent from sys.modules, its load counts the imports.
FIRST_IMPORT = {"onnx": "onnxruntime", "torch": "sentence_transformers"}
# A question the shipped knowledge base answers (an alias of "How do I accept an answer…").
SHIPPED_PROBE = "choose which reply fixed my problem"


def _size(path: Path) -> int:
    return path.stat().st_size


def _rss_kib() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _bar(total: int, desc: str, unit: str = "q") -> tqdm:
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False)


async def _cold_build(
    kb_dir: Path, db_path: Path, texts: int, backend: Backend
) -> tuple[Embedder, dict[str, Any]]:
    """Fresh database: load the backend's model as the bot does, embed every article, index."""
    progress = EncodeProgress(texts)
    loaded: dict[str, Any] = {}

    def loader() -> Embedder | None:
        loaded["imports_included"] = FIRST_IMPORT[backend] not in sys.modules
        t0 = time.perf_counter()
        embedder = load_embedder(DEFAULT_MODEL, backend)
        loaded["seconds"] = time.perf_counter() - t0
        if embedder is not None:
            progress.attach(embedder)
        return embedder

    db = Database(db_path)
    await db.open()
    kb = KnowledgeBase(kb_dir, db, Clock(), loader)
    started = time.perf_counter()
    try:
        report = await kb.start()
    finally:
        progress.detach()
    seconds = time.perf_counter() - started
    embedder = kb.embedder
    await kb.close()
    await db.close()
    if embedder is None:
        raise RuntimeError("the embedding model did not load; see the warning above")
    if _backend_of(embedder) != backend:  # load_embedder falls back to torch quietly-ish
        raise RuntimeError(f"asked for the {backend} backend, got {type(embedder).__name__}")
    embedded_texts = sum(t for t, _, _ in progress.batches)
    model_s = sum(s for _, _, s in progress.batches)
    return embedder, {
        "embedder": embedder.name,
        "threads": _threads(embedder),
        "progress": progress.how,
        "articles": report.articles,
        "errors": len(report.errors),
        "embedded": report.embedded,
        "reused": report.reused,
        "texts_embedded": embedded_texts,
        "seconds": round(seconds, 2),
        "model_load_s": round(loaded.get("seconds", 0.0), 2),
        "model_load_includes_imports": loaded.get("imports_included", False),
        "model_forward_s": round(model_s, 2),
        "texts_per_s": round(embedded_texts / model_s, 1) if model_s else 0.0,
        # The whole build (tokenising, model, storing vectors): what a user waits for.
        "texts_per_s_overall": round(texts / seconds, 1) if report.embedded else 0.0,
        **progress.split(),
        "db_mib": round(await asyncio.to_thread(_size, db_path) / 2**20, 1),
        "rss_kib_after": _rss_kib(),
    }


async def _restart(
    kb_dir: Path, db_path: Path, embedder: Embedder, probe: str
) -> tuple[Database, KnowledgeBase, dict[str, Any]]:
    """A second KnowledgeBase on the same file: cached vectors, time to the first result."""
    started = time.perf_counter()
    db = Database(db_path)
    await db.open()
    opened = time.perf_counter()
    kb = KnowledgeBase(kb_dir, db, Clock(), lambda: embedder)
    report = await kb.start()
    ready = time.perf_counter()
    hits = await kb.search(probe, "en", limit=3)
    done = time.perf_counter()
    breakdown = await parts.start_breakdown(kb_dir, db, embedder.name, embedder.dim)
    return (
        db,
        kb,
        {
            "embedded": report.embedded,
            "reused": report.reused,
            "seconds_to_first_result": round(done - started, 3),
            "db_open_s": round(opened - started, 3),
            "kb_start_s": round(ready - opened, 3),
            "first_search_ms": round((done - ready) * 1000, 1),
            "first_result": hits[0].article.key if hits else None,
            "kb_start_breakdown_s": breakdown,
            "rss_kib_after": _rss_kib(),
        },
    )


async def _latency(
    kb: KnowledgeBase, questions: list[parts.Question], ranked: dict[str, list[list[str]]]
) -> dict[str, Any]:
    """One question at a time: hybrid (with embedding), a breakdown, dense and BM25 modes.

    Fills `ranked` with each mode's top keys per question (for the confusion counts).
    """
    for text, _ in questions[:5]:  # warm-up, not counted
        await kb.search(text, "en", limit=3)
    hybrid_t, hybrid_keys = [], []
    with _bar(len(questions), "hybrid search") as bar:
        for text, _ in questions:
            t0 = time.perf_counter()
            hits = await kb.search(text, "en", limit=3)
            hybrid_t.append(time.perf_counter() - t0)
            hybrid_keys.append([h.article.key for h in hits])
            bar.update()
    # Where the time goes: embedding (through the batcher, then the bare model), ranking.
    assert kb.embedder is not None
    embed_t, model_t, rank_t, vectors, dense_keys = [], [], [], [], []
    steps: dict[str, list[float]] = {}
    index = kb._snapshot.index
    assert index is not None
    with _bar(len(questions), "search breakdown") as bar:
        for text, _ in questions:
            t0 = time.perf_counter()
            v = await kb.embed(text)
            t1 = time.perf_counter()
            kb.embedder.encode([text])
            t2 = time.perf_counter()
            index.rank(text, v, candidates=kb._snapshot.by_language["en"], limit=3)
            t3 = time.perf_counter()
            embed_t.append(t1 - t0)
            model_t.append(t2 - t1)
            rank_t.append(t3 - t2)
            assert v is not None
            vectors.append(v)
            for step, seconds in parts.profile_rank(index, text, v).items():
                steps.setdefault(step, []).append(seconds)
            hits = await kb.search(text, "en", limit=3, mode="dense")
            dense_keys.append([h.article.key for h in hits])
            bar.update()
    bm25_t, bm25_keys = [], []
    for text, _ in questions:
        t0 = time.perf_counter()
        hits = await kb.search(text, "en", limit=3, mode="bm25")
        bm25_t.append(time.perf_counter() - t0)
        bm25_keys.append([h.article.key for h in hits])
    ranked["hybrid"], ranked["dense"], ranked["bm25_mode"] = hybrid_keys, dense_keys, bm25_keys
    return {
        "hybrid": {**parts.percentiles(hybrid_t), **parts.accuracy(hybrid_keys, questions)},
        "dense": parts.accuracy(dense_keys, questions),
        "bm25_mode": {**parts.percentiles(bm25_t), **parts.accuracy(bm25_keys, questions)},
        "breakdown_p50_ms": {
            "embed_via_batcher": parts.percentiles(embed_t)["p50_ms"],
            "model_encode_1_text": parts.percentiles(model_t)["p50_ms"],
            "rank_given_vectors": parts.percentiles(rank_t)["p50_ms"],
            **{f"rank.{k}": parts.percentiles(v)["p50_ms"] for k, v in steps.items()},
        },
        "vector_subsets": parts.vector_subsets(index, vectors, questions),
    }


async def _throughput(
    kb: KnowledgeBase, questions: list[parts.Question], alone: list[list[str]]
) -> dict[str, Any]:
    """CONCURRENT questions at once, ROUNDS times: questions/s and model calls per round,
    and how often a burst's top 3 equals the one-at-a-time top 3 (`alone`)."""
    rounds = []
    total_t = 0.0
    same_top3 = same_top1 = 0
    for r in range(ROUNDS):
        start = (r * CONCURRENT) % len(questions)
        picked = [(start + i) % len(questions) for i in range(CONCURRENT)]
        batch = [questions[i][0] for i in picked]
        calls = kb.model_calls
        t0 = time.perf_counter()
        results = await asyncio.gather(*(kb.search(q, "en", limit=3) for q in batch))
        seconds = time.perf_counter() - t0
        total_t += seconds
        assert len(results) == CONCURRENT
        rounds.append({"seconds": round(seconds, 3), "embedding_calls": kb.model_calls - calls})
        for i, hits in zip(picked, results, strict=True):
            keys = [h.article.key for h in hits]
            same_top3 += keys == alone[i]
            same_top1 += keys[:1] == alone[i][:1]
    assert kb.embedder is not None
    batch = [q for q, _ in questions[:CONCURRENT]]
    t0 = time.perf_counter()
    kb.embedder.encode(batch)
    model_only = time.perf_counter() - t0
    t0 = time.perf_counter()
    kb.embedder.encode_queries(batch)
    burst_only = time.perf_counter() - t0
    return {
        "concurrent": CONCURRENT,
        "model_encode_batch_s": round(model_only, 3),
        "burst_encode_batch_s": round(burst_only, 3),
        "rounds": rounds,
        "questions_per_s": round(CONCURRENT * ROUNDS / total_t, 1),
        "embedding_calls_per_round": rounds[-1]["embedding_calls"],
        "same_top3_as_alone": round(same_top3 / (CONCURRENT * ROUNDS), 3),
        "same_top1_as_alone": round(same_top1 / (CONCURRENT * ROUNDS), 3),
    }


async def _process(
    kb_dir: Path, db_path: Path, question: str, workdir: Path, backend: Backend
) -> dict[str, Any]:
    """`python -m bot run --console` on the backend, twice on a copy of the warmed database."""
    copy = workdir / f"process-{backend}.db"
    copy.unlink(missing_ok=True)
    backup(db_path, copy)
    env: dict[str, str] = {"ENTRAIDE_RETRIEVAL__BACKEND": backend}
    runs = []
    for _ in range(2):
        runs.append(
            await retrieval_process.bot_until_suggestion(
                kb_dir, copy, question, workdir, extra_env=env
            )
        )
    measured = runs[-1]
    # The same start with answer_while_loading: BM25-only answers until the model is in.
    early = await retrieval_process.bot_until_suggestion(
        kb_dir,
        copy,
        question,
        workdir,
        extra_env={**env, "ENTRAIDE_RETRIEVAL__ANSWER_WHILE_LOADING": "true"},
    )
    return {
        "seconds_to_suggestion_answer_while_loading": early["seconds_to_suggestion"],
        "first_run": {k: v for k, v in runs[0].items() if k != "stdout"},
        **_process_figures(measured),
        "import_only_s": await retrieval_process.import_seconds(backend),
    }


async def _shipped_process(workdir: Path, backend: Backend) -> dict[str, Any]:
    """The bot on the shipped knowledge base (knowledge/): a run to fill a fresh database's
    vector cache, then the measured start."""
    db_path = workdir / f"shipped-{backend}.db"
    db_path.unlink(missing_ok=True)
    kb_dir = retrieval_process.PROJECT / "knowledge"
    env: dict[str, str] = {"ENTRAIDE_RETRIEVAL__BACKEND": backend}
    first = await retrieval_process.bot_until_suggestion(
        kb_dir, db_path, SHIPPED_PROBE, workdir, extra_env=env
    )
    measured = await retrieval_process.bot_until_suggestion(
        kb_dir, db_path, SHIPPED_PROBE, workdir, extra_env=env
    )
    return {
        "question": SHIPPED_PROBE,
        "first_run": {k: v for k, v in first.items() if k != "stdout"},
        **_process_figures(measured),
    }


def _process_figures(measured: dict[str, Any]) -> dict[str, Any]:
    return {
        "seconds_to_suggestion": measured["seconds_to_suggestion"],
        "seconds_to_exit": measured["seconds_to_exit"],
        "exit_code": measured["exit_code"],
        "suggested": measured["suggested"],
        "suggestion_line": next((s for s in measured["stdout"] if "📚" in s), None),
        "stderr_tail": measured["stderr_tail"][-500:],
        "bot_peak_rss_kib": measured["peak_rss_kib"],
    }


async def _backend(
    backend: Backend,
    root: Path,
    kb_dir: Path,
    generated: list[synthetic_kb.Generated],
    questions: list[parts.Question],
    texts: int,
    evaluate: bool,
) -> tuple[dict[str, Any], dict[str, list[list[str]]], list[Any]]:
    """Every figure of one backend; its rankings (for the confusions) and its articles."""
    print(f"retrieval [{backend}]: cold build ({texts} texts)…", file=sys.stderr, flush=True)
    result: dict[str, Any] = {}
    db_path = root / f"bench-{backend}.db"
    others = parts.OtherLoad()
    embedder, result["cold_build"] = await _cold_build(kb_dir, db_path, texts, backend)
    result["cold_build"]["others_cpu_share"] = others.share()
    db, kb, result["restart"] = await _restart(kb_dir, db_path, embedder, questions[0][0])
    ranked: dict[str, list[list[str]]] = {}
    try:
        others.start()
        result["latency"] = await _latency(kb, questions, ranked)
        result["latency"]["others_cpu_share"] = others.share()
        others.start()
        result["throughput"] = await _throughput(kb, questions, ranked["hybrid"])
        result["throughput"]["others_cpu_share"] = others.share()
        articles = list(kb.articles)
    finally:
        await kb.close()
        await db.close()
    result["rss_kib_after_search"] = _rss_kib()
    if evaluate and retrieval_eval.available():
        print(f"retrieval [{backend}]: kb eval…", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        result["eval"] = await asyncio.to_thread(retrieval_eval.run, embedder)
        result["eval"]["seconds"] = round(time.perf_counter() - t0, 1)
    del embedder, kb
    gc.collect()
    print(f"retrieval [{backend}]: bot processes…", file=sys.stderr, flush=True)
    probe = generated[0].aliases[0]
    others.start()
    result["process_restart"] = await _process(kb_dir, db_path, probe, root, backend)
    result["process_restart"]["others_cpu_share"] = others.share()
    result["process_restart"]["question"] = probe
    result["process_shipped"] = await _shipped_process(root, backend)
    return result, ranked, articles


async def run(
    articles: int = ARTICLES, backends: Sequence[Backend] = BACKENDS, evaluate: bool = True
) -> dict[str, Any]:
    """Build, restart, search and compare each backend on one synthetic knowledge base;
    print the figures and the side-by-side table."""
    results: dict[str, Any] = {"machine_cores": _cores(), "load_avg_start": _load()}
    results["backends"] = {}
    bench_started = time.perf_counter()
    # BENCH_WORKDIR keeps the articles and the vector caches between runs, so the
    # "cold build" of a later run is a warm start (say so when reporting it).
    keep = os.environ.get("BENCH_WORKDIR")
    with tempfile.TemporaryDirectory(prefix="entraide-retrieval-") as tmp:
        root = Path(keep) if keep else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        kb_dir = root / "kb"
        t0 = time.perf_counter()
        generated = synthetic_kb.write_articles(kb_dir, articles)
        questions = synthetic_kb.questions(generated, min(QUESTIONS, articles))
        texts = sum(2 + len(g.aliases) for g in generated)
        results["corpus"] = {
            "articles": len(generated),
            "texts_to_embed": texts,
            "questions": len(questions),
            "write_s": round(time.perf_counter() - t0, 2),
        }
        print(f"retrieval: {articles} articles written", file=sys.stderr, flush=True)
        slots = {g.key: astuple(g.spec) for g in generated}
        kb_articles: list[Any] = []
        for backend in backends:
            figures, ranked, kb_articles = await _backend(
                backend, root, kb_dir, generated, questions, texts, evaluate
            )
            figures["top1_misses_by_wrong_slot"] = {
                mode: parts.confusions(keys, questions, slots) for mode, keys in ranked.items()
            }
            results["backends"][backend] = figures
        baseline: dict[str, list[list[str]]] = {}
        results["rank_bm25"] = parts.rank_bm25_baseline(kb_articles, questions, baseline)
        results["rank_bm25"]["top1_misses_by_wrong_slot"] = parts.confusions(
            baseline["rank_bm25"], questions, slots
        )
    results["peak_rss_kib"] = _rss_kib()
    results["load_avg_end"] = _load()
    results["bench_seconds"] = round(time.perf_counter() - bench_started, 1)
    print(json.dumps(results, ensure_ascii=False))
    print(retrieval_report.summary(results))
    print()
    print(retrieval_report.table(results))
    return results


def _backend_of(embedder: Embedder) -> str:
    return "torch" if type(embedder).__name__ == "SentenceEmbedder" else "onnx"


def _threads(embedder: Embedder) -> int | None:
    """Threads one model run may use (ONNX Runtime's intra-op setting, or torch's)."""
    session = getattr(embedder, "_session", None)
    if session is not None:
        return int(session.get_session_options().intra_op_num_threads)
    if "torch" in sys.modules:
        return int(sys.modules["torch"].get_num_threads())
    return None


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def _load() -> list[float]:
    """1, 5 and 15-minute load averages: other work on the machine skews every figure."""
    return [round(x, 2) for x in os.getloadavg()]


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: optional article count, the backends to compare."""
    parser = argparse.ArgumentParser(prog="python -m bench.retrieval_bench")
    parser.add_argument("articles", nargs="?", type=int, default=ARTICLES)
    parser.add_argument(
        "--backends",
        default=",".join(BACKENDS),
        help="comma-separated, measured in this order (default: onnx,torch)",
    )
    parser.add_argument("--no-eval", action="store_true", help="skip the kb eval figures")
    args = parser.parse_args(argv)
    chosen = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in chosen if b not in BACKENDS]
    if unknown or not chosen:
        parser.error(f"--backends: choose among {', '.join(BACKENDS)}")
    backends: list[Backend] = [b for b in BACKENDS if b in chosen]
    backends.sort(key=chosen.index)
    asyncio.run(run(args.articles, backends, evaluate=not args.no_eval))


if __name__ == "__main__":
    main()
