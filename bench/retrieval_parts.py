"""Pieces of the retrieval benchmark: timing helpers, baselines, and where a search's time goes."""

from __future__ import annotations

import asyncio
import os
import re
import resource
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rank_bm25 import BM25Okapi

from bot.retrieval import fusion
from bot.retrieval.articles import Article, load_directory
from bot.retrieval.bm25 import Bm25Index
from bot.retrieval.dense import DenseIndex
from bot.retrieval.index import HybridIndex
from bot.retrieval.text import tokenize
from bot.storage import article_vectors
from bot.storage.db import Database

WORD_RE = re.compile(r"\w+")
Question = tuple[str, str]  # (text, key of the article it was generated from)


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 and mean, in milliseconds."""
    ms = np.asarray(seconds, dtype=np.float64) * 1000
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return {
        "p50_ms": round(float(p50), 2),
        "p95_ms": round(float(p95), 2),
        "p99_ms": round(float(p99), 2),
        "mean_ms": round(float(ms.mean()), 2),
    }


def accuracy(ranked: Sequence[Sequence[str]], questions: Sequence[Question]) -> dict[str, float]:
    """Top-1 accuracy and recall@3 of ranked keys against each question's source article."""
    top1 = sum(1 for keys, (_, gold) in zip(ranked, questions, strict=True) if keys[:1] == [gold])
    top3 = sum(1 for keys, (_, gold) in zip(ranked, questions, strict=True) if gold in keys[:3])
    return {"top1": round(top1 / len(questions), 4), "recall_at_3": round(top3 / len(questions), 4)}


def simple_tokens(text: str) -> list[str]:
    """The baseline's tokeniser: lowercase words (no stemming, no stop words)."""
    return WORD_RE.findall(text.lower())


def rank_bm25_baseline(
    articles: Sequence[Article],
    questions: Sequence[Question],
    ranked_out: dict[str, list[list[str]]],
) -> dict[str, Any]:
    """rank_bm25.BM25Okapi over title + aliases + body: build time, latency, accuracy."""
    started = time.perf_counter()
    corpus = [simple_tokens(" ".join((a.title, *a.aliases, a.body))) for a in articles]
    model = BM25Okapi(corpus)
    build = time.perf_counter() - started
    keys = np.array([a.key for a in articles])
    timings, ranked = [], []
    for text, _ in questions:
        t0 = time.perf_counter()
        scores = model.get_scores(simple_tokens(text))
        top = np.argpartition(-scores, 3)[:3]
        top = top[np.argsort(-scores[top], kind="stable")]
        timings.append(time.perf_counter() - t0)
        ranked.append(list(keys[top]))
    ranked_out["rank_bm25"] = ranked
    return {"build_s": round(build, 3), **percentiles(timings), **accuracy(ranked, questions)}


def profile_rank(index: HybridIndex, text: str, vectors: np.ndarray) -> dict[str, float]:
    """Seconds spent in each step of HybridIndex.rank (hybrid mode, all documents, top 3)."""
    steps: dict[str, float] = {}

    def timed(name: str, call: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        value = call()
        steps[name] = time.perf_counter() - t0
        return value

    dense_index = index.dense
    assert dense_index is not None
    tokens = timed("tokenize", lambda: tokenize(text, "en"))
    lexical = timed("bm25_scores", lambda: index.bm25.scores(tokens))
    dense = timed("dense_scores", lambda: dense_index.scores_many(np.atleast_2d(vectors)))
    fused = timed("fuse", lambda: fusion.zscore(dense.mean(axis=0), lexical))
    order = timed("argsort", lambda: np.argsort(-fused, kind="stable")[:3])
    timed("coverage", lambda: [index.bm25.coverage(tokens, int(j)) for j in order])
    return steps


def vector_subsets(
    index: HybridIndex,
    query_vectors: Sequence[np.ndarray],
    questions: Sequence[Question],
) -> dict[str, dict[str, float]]:
    """Top-1 accuracy (dense only and hybrid) if fewer texts per article were embedded.

    Every article's vectors are [title, aliases…, title+body]; keeping a subset of those rows
    shows what embedding fewer texts would cost in quality, without re-embedding anything.
    """
    assert index.dense is not None
    matrix, starts = index.dense.matrix, np.asarray(index.dense.starts)
    ends = np.append(starts[1:], len(matrix))
    keys = [d.id for d in index.documents]
    lexical = [index.bm25.scores(tokenize(text, "en")) for text, _ in questions]
    choices: dict[str, Callable[[int, int], list[int]]] = {
        "title+aliases+body": lambda s, e: list(range(s, e)),
        "title+aliases": lambda s, e: list(range(s, max(s + 1, e - 1))),
        "title+body": lambda s, e: [s, e - 1],
        "title": lambda s, e: [s],
        "body": lambda s, e: [e - 1],
    }
    result = {}
    for name, rows_of in choices.items():
        rows: list[int] = []
        new_starts: list[int] = []
        for s, e in zip(starts, ends, strict=True):
            new_starts.append(len(rows))
            rows.extend(rows_of(int(s), int(e)))
        sub = matrix[rows]
        dense_ranked, hybrid_ranked = [], []
        for views, lex in zip(query_vectors, lexical, strict=True):
            sims = np.atleast_2d(views) @ sub.T
            dense = np.maximum.reduceat(sims, new_starts, axis=1).mean(axis=0)
            dense_ranked.append([keys[int(np.argmax(dense))]])
            hybrid = fusion.zscore(dense, lex)
            hybrid_ranked.append([keys[int(np.argmax(hybrid))]])
        result[name] = {
            "texts": len(rows),
            "dense_top1": accuracy(dense_ranked, questions)["top1"],
            "hybrid_top1": accuracy(hybrid_ranked, questions)["top1"],
        }
    return result


async def start_breakdown(kb_dir: Path, db: Database, model: str, dim: int) -> dict[str, float]:
    """The steps of KnowledgeBase.reload on a warm cache, timed one by one (seconds)."""
    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    articles, _ = await asyncio.to_thread(load_directory, kb_dir)
    t1 = time.perf_counter()
    hashes = [a.content_hash(model) for a in articles]
    t2 = time.perf_counter()
    async with db.read() as conn:
        cached = await article_vectors.load(conn, model, set(hashes))
    t3 = time.perf_counter()
    tokens = [tokenize(a.lexical_text, a.lang) for a in articles]
    t4 = time.perf_counter()
    Bm25Index(tokens)
    t5 = time.perf_counter()
    DenseIndex([cached[h] for h in hashes], dim)
    t6 = time.perf_counter()
    steps = {
        "parse_articles": t1 - t0,
        "content_hashes": t2 - t1,
        "load_vectors": t3 - t2,
        "tokenize": t4 - t3,
        "bm25_index": t5 - t4,
        "dense_index": t6 - t5,
    }
    return {k: round(v, 3) for k, v in steps.items()}


class OtherLoad:
    """Share of the machine's CPU used by other processes between start() and share()."""

    def __init__(self) -> None:
        self._tick = os.sysconf("SC_CLK_TCK")
        self._cores = os.cpu_count() or 1
        self._at = self._snapshot()

    def _snapshot(self) -> tuple[float, float, float]:
        try:
            with open("/proc/stat", encoding="ascii") as stat:
                fields = [int(x) for x in stat.readline().split()[1:]]
        except OSError:
            return time.perf_counter(), 0.0, 0.0
        # user nice system idle iowait irq softirq steal …: busy = all but idle and iowait
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / self._tick
        own = 0.0
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
            usage = resource.getrusage(who)
            own += usage.ru_utime + usage.ru_stime
        return time.perf_counter(), busy, own

    def start(self) -> None:
        """Begin a phase."""
        self._at = self._snapshot()

    def share(self) -> float:
        """Others' CPU since start(), as a share of all cores (0 = machine was ours)."""
        wall, busy, own = self._snapshot()
        elapsed = (wall - self._at[0]) * self._cores
        if elapsed <= 0:
            return 0.0
        return round(max(0.0, (busy - self._at[1]) - (own - self._at[2])) / elapsed, 3)


def confusions(
    ranked: Sequence[Sequence[str]],
    questions: Sequence[Question],
    slots: dict[str, tuple[int, ...]],
) -> dict[str, int]:
    """For top-1 misses: how many got only one slot wrong (which one), or several."""
    names = ("area", "action", "platform", "problem")
    counts = dict.fromkeys((*names, "several", "none"), 0)
    for keys, (_, gold) in zip(ranked, questions, strict=True):
        if not keys:
            counts["none"] += 1
        elif keys[0] != gold:
            wrong = [
                n for n, a, b in zip(names, slots[keys[0]], slots[gold], strict=True) if a != b
            ]
            counts[wrong[0] if len(wrong) == 1 else "several"] += 1
    return counts
