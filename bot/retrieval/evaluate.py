"""`kb eval`: retrieval quality on a data set of corpus and queries in JSON lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
from tqdm import tqdm

from bot.core.ports import Embedder
from bot.retrieval import metrics
from bot.retrieval.index import Document, HybridIndex, Mode
from bot.retrieval.text import query_views


@dataclass(frozen=True)
class Query:
    """One evaluation query."""

    id: str
    text: str
    relevant: frozenset[str]
    candidates: tuple[str, ...] | None


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Objects of a JSON-lines file; a bad line raises ValueError naming file and line."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
    return rows


def load_corpus(path: Path) -> list[Document]:
    """Corpus lines {"id", "title", "body"} as index documents."""
    documents = []
    for row in read_jsonl(path):
        title, body = str(row.get("title") or ""), str(row.get("body") or "")
        documents.append(
            Document(
                id=str(row["id"]),
                lexical_text=f"{title}\n{title}\n{body}",
                dense_texts=tuple(t for t in (title, body, f"{title}. {body}") if t.strip())
                or (" ",),
            )
        )
    return documents


def load_queries(path: Path) -> list[Query]:
    """Query lines {"query", "relevant", "candidates"?}."""
    return [
        Query(
            id=str(row.get("id", n)),
            text=str(row["query"]),
            relevant=frozenset(map(str, row.get("relevant", []))),
            candidates=tuple(map(str, row["candidates"])) if row.get("candidates") else None,
        )
        for n, row in enumerate(read_jsonl(path))
    ]


def build_index(
    documents: Sequence[Document], embedder: Embedder | None, progress: bool = True
) -> HybridIndex:
    """Index the corpus, embedding every document text in batches."""
    if embedder is None:
        return HybridIndex(documents, None)
    texts = [t for d in documents for t in d.dense_texts]
    chunks = []
    step = 256
    for start in tqdm(
        range(0, len(texts), step), desc="embedding corpus", disable=not progress, file=sys.stderr
    ):
        chunks.append(embedder.encode(texts[start : start + step]))
    matrix = np.vstack(chunks) if chunks else np.zeros((0, embedder.dim), np.float32)
    vectors, at = [], 0
    for d in documents:
        vectors.append(matrix[at : at + len(d.dense_texts)])
        at += len(d.dense_texts)
    return HybridIndex(documents, vectors, embedder.dim)


# What `kb eval` can run: the index's modes, "plain": dense with the whole question as its
# only view (no first-line / rest views), the baseline the multi-view queries must beat, and
# "hybrid-plain": the shipped hybrid with that one view.
EvalMode = Literal["dense", "bm25", "hybrid", "plain", "hybrid-plain"]
EVAL_MODES: tuple[EvalMode, ...] = ("dense", "bm25", "hybrid", "plain", "hybrid-plain")
ONE_VIEW: dict[str, Mode] = {"plain": "dense", "hybrid-plain": "hybrid"}


def evaluate(
    index: HybridIndex,
    queries: Sequence[Query],
    embedder: Embedder | None,
    mode: EvalMode,
    progress: bool = True,
    **rank_options: Any,
) -> dict[str, float]:
    """Rank every query (among its candidates when given) and average the metrics."""
    return metrics.summarise(rankings(index, queries, embedder, mode, progress, **rank_options))


def rankings(
    index: HybridIndex,
    queries: Sequence[Query],
    embedder: Embedder | None,
    mode: EvalMode,
    progress: bool = True,
    *,
    single_view: bool = False,
    **rank_options: Any,
) -> list[tuple[list[str], set[str]]]:
    """(top 10 ids, relevant ids) of every query, in the queries' order.

    `single_view` embeds only the whole question (no first-line / rest views), as the
    "plain" and "hybrid-plain" modes do.
    """
    position = {d.id: i for i, d in enumerate(index.documents)}
    index_mode = ONE_VIEW[mode] if mode in ONE_VIEW else cast(Mode, mode)
    # query_views' first view is always the whole question, so one view is that one alone.
    one = single_view or mode in ONE_VIEW
    views = [query_views(q.text)[:1] if one else query_views(q.text) for q in queries]
    flat = [v for vs in views for v in vs]
    encoded = embedder.encode_queries(flat) if embedder is not None and mode != "bm25" else None
    query_vectors: list[np.ndarray | None] = []
    at = 0
    for vs in views:
        query_vectors.append(None if encoded is None else encoded[at : at + len(vs)])
        at += len(vs)
    runs = []
    for n, query in enumerate(
        tqdm(queries, desc=f"ranking ({mode})", disable=not progress, file=sys.stderr)
    ):
        candidates = (
            [position[c] for c in query.candidates if c in position] if query.candidates else None
        )
        ranked = index.rank(
            query.text,
            query_vectors[n],
            mode=index_mode,
            candidates=candidates,
            limit=10,
            **rank_options,
        )
        runs.append(([index.documents[s.index].id for s in ranked], set(query.relevant)))
    return runs
