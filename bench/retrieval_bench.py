"""Knowledge-base retrieval at 10,000 articles: index build, restart, latency, throughput,
memory, and rank_bm25 / BM25-only baselines with top-1 accuracy.

python -m bench.retrieval_bench [ARTICLES]   (default 10,000; a smaller number for a quick try)
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import astuple
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bench import retrieval_parts as parts
from bench import retrieval_process, synthetic_kb
from bot.core.clock import Clock
from bot.core.ports import Embedder
from bot.retrieval.backends import load_embedder
from bot.retrieval.embedder import DEFAULT_MODEL
from bot.retrieval.service import KnowledgeBase
from bot.storage.db import Database, backup

ARTICLES = 10_000
QUESTIONS = 300
CONCURRENT = 100
ROUNDS = 5
LONG_TOKENS = 64  # batches padded past this length hold article bodies, not titles/aliases

TARGETS = {
    "process_restart_s": 5.0,
    "p50_ms": 20.0,
    "p99_ms": 60.0,
    "throughput_qps": 200.0,
}


def _size(path: Path) -> int:
    return path.stat().st_size


def _rss_kib() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _bar(total: int, desc: str, unit: str = "q") -> tqdm:
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False)


class _EncodeProgress:
    """A progress bar and per-batch timings from forward hooks on the model (no other change)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.batches: list[tuple[int, int, float]] = []  # (texts, padded tokens, seconds)
        self._bar: tqdm | None = None
        self._handles: list[Any] = []
        self._t0 = 0.0

    def attach(self, embedder: Embedder) -> None:
        model = getattr(embedder, "_model", None)
        if model is None:
            return
        self._bar = _bar(self.total, "embedding articles", "text")
        self._handles = [
            model.register_forward_pre_hook(self._before),
            model.register_forward_hook(self._after),
        ]

    def _before(self, module: Any, args: Any) -> None:
        self._t0 = time.perf_counter()

    def _after(self, module: Any, args: Any, output: Any) -> None:
        texts, length = (int(n) for n in args[0]["input_ids"].shape)
        self.batches.append((texts, length, time.perf_counter() - self._t0))
        if self._bar is not None:
            self._bar.update(texts)

    def detach(self) -> None:
        for handle in self._handles:
            handle.remove()
        if self._bar is not None:
            self._bar.close()

    def split(self) -> dict[str, float]:
        """Model time and ms per text for short texts (titles, aliases) and long (bodies)."""
        result: dict[str, float] = {}
        for name, long in (("short", False), ("long", True)):
            chosen = [(t, s) for t, n, s in self.batches if (n > LONG_TOKENS) == long]
            texts, seconds = sum(t for t, _ in chosen), sum(s for _, s in chosen)
            result[f"{name}_texts"] = texts
            result[f"{name}_model_s"] = round(seconds, 2)
            result[f"{name}_ms_per_text"] = round(seconds / texts * 1000, 2) if texts else 0.0
        return result


async def _cold_build(kb_dir: Path, db_path: Path, texts: int) -> tuple[Embedder, dict[str, Any]]:
    """Fresh database: load the model with the default loader, embed every article, index."""
    progress = _EncodeProgress(texts)
    loaded: dict[str, Any] = {}

    def loader() -> Embedder | None:
        loaded["imports_included"] = "sentence_transformers" not in sys.modules
        t0 = time.perf_counter()
        embedder = load_embedder(DEFAULT_MODEL)
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
    embedded_texts = sum(t for t, _, _ in progress.batches)
    model_s = sum(s for _, _, s in progress.batches)
    return embedder, {
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


async def _process(kb_dir: Path, db_path: Path, question: str, workdir: Path) -> dict[str, Any]:
    """`python -m bot run --console` twice on a copy of the warmed database."""
    copy = workdir / "process.db"
    backup(db_path, copy)
    runs = []
    for _ in range(2):
        runs.append(await retrieval_process.bot_until_suggestion(kb_dir, copy, question, workdir))
    measured = runs[-1]
    # The same start with answer_while_loading: BM25-only answers until the model is in.
    early = await retrieval_process.bot_until_suggestion(
        kb_dir,
        copy,
        question,
        workdir,
        extra_env={"ENTRAIDE_RETRIEVAL__ANSWER_WHILE_LOADING": "true"},
    )
    return {
        "seconds_to_suggestion_answer_while_loading": early["seconds_to_suggestion"],
        "first_run": {k: v for k, v in runs[0].items() if k != "stdout"},
        "seconds_to_suggestion": measured["seconds_to_suggestion"],
        "seconds_to_exit": measured["seconds_to_exit"],
        "exit_code": measured["exit_code"],
        "suggested": measured["suggested"],
        "suggestion_line": next((s for s in measured["stdout"] if "📚" in s), None),
        "stderr_tail": measured["stderr_tail"][-500:],
        "import_only_s": await retrieval_process.import_seconds(),
        "bot_peak_rss_kib": measured["peak_rss_kib"],
    }


async def run(articles: int = ARTICLES) -> dict[str, Any]:
    """Build, restart, search and compare on a synthetic knowledge base; print the figures."""
    results: dict[str, Any] = {"machine_cores": _cores(), "load_avg_start": _load()}
    bench_started = time.perf_counter()
    # BENCH_WORKDIR keeps the articles and the vector cache between runs, so the
    # "cold build" of a later run is a warm start (say so when reporting it).
    keep = os.environ.get("BENCH_WORKDIR")
    with tempfile.TemporaryDirectory(prefix="entraide-retrieval-") as tmp:
        root = Path(keep) if keep else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        kb_dir, db_path = root / "kb", root / "bench.db"
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
        print(f"retrieval: {articles} articles written; cold build ({texts} texts)…", flush=True)
        others = parts.OtherLoad()
        embedder, results["cold_build"] = await _cold_build(kb_dir, db_path, texts)
        results["cold_build"]["others_cpu_share"] = others.share()
        db, kb, results["restart"] = await _restart(kb_dir, db_path, embedder, questions[0][0])
        try:
            others.start()
            ranked: dict[str, list[list[str]]] = {}
            results["latency"] = await _latency(kb, questions, ranked)
            results["latency"]["others_cpu_share"] = others.share()
            others.start()
            results["throughput"] = await _throughput(kb, questions, ranked["hybrid"])
            results["throughput"]["others_cpu_share"] = others.share()
            results["rank_bm25"] = parts.rank_bm25_baseline(kb.articles, questions, ranked)
            slots = {g.key: astuple(g.spec) for g in generated}
            results["top1_misses_by_wrong_slot"] = {
                mode: parts.confusions(keys, questions, slots) for mode, keys in ranked.items()
            }
        finally:
            await kb.close()
            await db.close()
        probe = generated[0].aliases[0]
        others.start()
        results["process_restart"] = await _process(kb_dir, db_path, probe, root)
        results["process_restart"]["others_cpu_share"] = others.share()
        results["process_restart"]["question"] = probe
    results["peak_rss_kib"] = _rss_kib()
    results["load_avg_end"] = _load()
    results["bench_seconds"] = round(time.perf_counter() - bench_started, 1)
    print(summary(results))
    print(json.dumps(results, ensure_ascii=False))
    return results


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def _load() -> list[float]:
    """1, 5 and 15-minute load averages: other work on the machine skews every figure."""
    return [round(x, 2) for x in os.getloadavg()]


def _mark(value: float | None, target: float, higher_is_better: bool = False) -> str:
    if value is None:
        return "✗ (none)"
    ok = value >= target if higher_is_better else value <= target
    return f"{'✓' if ok else '✗'} target {'≥' if higher_is_better else '≤'} {target:g}"


def summary(r: dict[str, Any]) -> str:
    """The figures, readable."""
    cold, restart, lat = r["cold_build"], r["restart"], r["latency"]
    hybrid, bm25, rb = lat["hybrid"], lat["bm25_mode"], r["rank_bm25"]
    thr, proc = r["throughput"], r["process_restart"]
    lines = [
        f"retrieval benchmark ({r['corpus']['articles']} articles, "
        f"{r['corpus']['questions']} questions, {r['machine_cores']} cores, "
        f"{r['bench_seconds']:.0f}s in all)",
        f"  cold build: {cold['seconds']:.1f}s for {cold['articles']} articles, "
        f"{cold['texts_embedded']} texts embedded ({cold['texts_per_s']:.0f} texts/s in the "
        f"model; model load {cold['model_load_s']:.1f}s, "
        f"{'with' if cold['model_load_includes_imports'] else 'libraries already imported, no'} "
        "imports)",
        f"    model time: short texts {cold['short_texts']} × {cold['short_ms_per_text']} ms = "
        f"{cold['short_model_s']}s, bodies {cold['long_texts']} × {cold['long_ms_per_text']} ms"
        f" = {cold['long_model_s']}s; db {cold['db_mib']} MiB",
        f"  restart (in process, model shared): embedded {restart['embedded']}, reused "
        f"{restart['reused']}, {restart['seconds_to_first_result']:.2f}s to first result "
        f"(kb start {restart['kb_start_s']:.2f}s: "
        + ", ".join(f"{k} {v}" for k, v in restart["kb_start_breakdown_s"].items())
        + ")",
        f"  restart (python -m bot run, warm db): 📚 after "
        f"{_fmt(proc['seconds_to_suggestion'])}s "
        f"{_mark(proc['seconds_to_suggestion'], TARGETS['process_restart_s'])} "
        f"(answer_while_loading=true: "
        f"{_fmt(proc['seconds_to_suggestion_answer_while_loading'])}s "
        f"{_mark(proc['seconds_to_suggestion_answer_while_loading'], TARGETS['process_restart_s'])}"
        f"; first run {_fmt(proc['first_run']['seconds_to_suggestion'])}s; imports alone "
        f"{proc['import_only_s']:.1f}s; bot peak RSS {proc['bot_peak_rss_kib'] / 1024:.0f} MiB)",
        f"  hybrid search, one at a time: p50 {hybrid['p50_ms']} ms "
        f"{_mark(hybrid['p50_ms'], TARGETS['p50_ms'])}, p95 {hybrid['p95_ms']} ms, "
        f"p99 {hybrid['p99_ms']} ms {_mark(hybrid['p99_ms'], TARGETS['p99_ms'])}",
        "    p50 breakdown (ms): "
        + ", ".join(f"{k} {v}" for k, v in lat["breakdown_p50_ms"].items()),
        f"  {thr['concurrent']} concurrent: {thr['questions_per_s']:.0f} questions/s "
        f"{_mark(thr['questions_per_s'], TARGETS['throughput_qps'], True)}, "
        f"{thr['embedding_calls_per_round']} embedding calls per {thr['concurrent']} questions "
        f"(rounds: {', '.join(str(x['seconds']) + 's' for x in thr['rounds'])}; the model alone "
        f"takes {thr['model_encode_batch_s']}s for {thr['concurrent']} questions in one call, "
        f"{thr['burst_encode_batch_s']}s on the burst path); "
        f"same top 3 as one at a time {thr['same_top3_as_alone']:.1%}, same top 1 "
        f"{thr['same_top1_as_alone']:.1%}",
        f"  top-1 accuracy: hybrid {hybrid['top1']:.1%}, dense {lat['dense']['top1']:.1%}, "
        f"our BM25 {bm25['top1']:.1%}, rank_bm25 {rb['top1']:.1%} (recall@3: hybrid "
        f"{hybrid['recall_at_3']:.1%}, BM25 {bm25['recall_at_3']:.1%}, rank_bm25 "
        f"{rb['recall_at_3']:.1%})",
        "  top-1 misses by the one slot they got wrong: "
        + "; ".join(
            f"{mode} " + ", ".join(f"{k} {v}" for k, v in counts.items() if v)
            for mode, counts in r["top1_misses_by_wrong_slot"].items()
        ),
        f"  BM25 latency: ours p50 {bm25['p50_ms']} / p95 {bm25['p95_ms']} / p99 "
        f"{bm25['p99_ms']} ms; rank_bm25 p50 {rb['p50_ms']} / p95 {rb['p95_ms']} / p99 "
        f"{rb['p99_ms']} ms (build {rb['build_s']}s)",
        "  fewer texts per article (top-1 dense / hybrid): "
        + "; ".join(
            f"{k} ({v['texts']} texts) {v['dense_top1']:.1%} / {v['hybrid_top1']:.1%}"
            for k, v in lat["vector_subsets"].items()
        ),
        f"  peak RSS: {r['peak_rss_kib'] / 1024:.0f} MiB (after cold build "
        f"{cold['rss_kib_after'] / 1024:.0f} MiB)",
        f"  other processes' CPU share: cold build {cold['others_cpu_share']:.0%}, latency "
        f"{lat['others_cpu_share']:.0%}, throughput {thr['others_cpu_share']:.0%}, process "
        f"restart {proc['others_cpu_share']:.0%} (load average at start "
        f"{r['load_avg_start'][0]}, end {r['load_avg_end'][0]})"
        + (" — busy machine: figures are pessimistic" if _busy(r) else ""),
    ]
    return "\n".join(lines)


def _busy(r: dict[str, Any]) -> bool:
    phases = ("cold_build", "latency", "throughput", "process_restart")
    return any(r[p]["others_cpu_share"] > 0.1 for p in phases)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def main() -> None:
    """Command line: optional article count."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else ARTICLES
    asyncio.run(run(count))


if __name__ == "__main__":
    main()
