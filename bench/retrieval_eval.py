"""`kb eval` figures for one embedding backend, in process (the CLI's own functions):
SemEval-2016 dev re-ranking and whole corpus, StackFAQ; dense and hybrid MAP and the rest."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bot.core.ports import Embedder
from bot.retrieval import evaluate
from bot.retrieval.index import Mode

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MODES: tuple[Mode, ...] = ("dense", "hybrid")
# (name, folder, search the whole corpus): StackFAQ has no candidates, one task only.
TASKS = (
    ("semeval_rerank", "semeval2016-dev", False),
    ("semeval_whole", "semeval2016-dev", True),
    ("stackfaq", "stackfaq", True),
)


def available(data: Path = DATA) -> bool:
    """Whether the data sets are on this machine (never copied into the repo)."""
    return all((data / folder / "corpus.jsonl").is_file() for _, folder, _ in TASKS)


def run(embedder: Embedder, data: Path = DATA) -> dict[str, Any]:
    """Each task's metrics per mode, as `kb eval --mode MODE [--whole-corpus]` prints them."""
    results: dict[str, Any] = {}
    indexes: dict[str, tuple[Any, list[evaluate.Query], float]] = {}
    for name, folder, whole in TASKS:
        if folder not in indexes:
            documents = evaluate.load_corpus(data / folder / "corpus.jsonl")
            queries = evaluate.load_queries(data / folder / "queries.jsonl")
            t0 = time.perf_counter()
            index = evaluate.build_index(documents, embedder, progress=False)
            indexes[folder] = (index, queries, time.perf_counter() - t0)
        index, queries, build_s = indexes[folder]
        if whole:
            queries = [evaluate.Query(q.id, q.text, q.relevant, None) for q in queries]
        task: dict[str, Any] = {"index_build_s": round(build_s, 1)}
        for mode in MODES:
            task[mode] = evaluate.evaluate(index, queries, embedder, mode, progress=False)
        results[name] = task
    return results
