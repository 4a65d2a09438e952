"""Batched search over one snapshot of the knowledge base (pure, runs in a worker thread)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bot.core.ports import Embedder
from bot.retrieval import fusion
from bot.retrieval.articles import Article, ArticleError
from bot.retrieval.index import Document, HybridIndex, Mode
from bot.retrieval.text import query_views


@dataclass(frozen=True)
class Hit:
    """An article ranked for a query, with the confidence used to decide whether to show it."""

    article: Article
    score: float
    confidence: float
    dense: float | None
    coverage: float


@dataclass(frozen=True)
class LoadReport:
    """What a (re)load found."""

    articles: int
    errors: tuple[ArticleError, ...]
    embedded: int
    reused: int


@dataclass
class Snapshot:
    """What one load of the knowledge base serves; replaced whole on reload."""

    articles: list[Article] = field(default_factory=list)
    index: HybridIndex | None = None
    by_language: dict[str, np.ndarray] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)


Adjuster = Callable[[np.ndarray | None], dict[str, float]]


@dataclass(frozen=True)
class Request:
    """A search (or, with embed_only, just the question's vectors)."""

    text: str
    language: str
    limit: int
    mode: Mode
    adjust: Adjuster | None
    embed_only: bool = False


@dataclass(frozen=True)
class Result:
    """Ranked hits, and the question's view vectors when the model is loaded."""

    hits: list[Hit]
    vectors: np.ndarray | None


def run_batch(
    embedder: Embedder | None, snapshot: Snapshot, requests: list[Request]
) -> list[Result]:
    """Embed every question of the batch in one model call, score them with one matrix
    product, then rank each (runs in the batcher's worker thread)."""
    index = snapshot.index
    embed = embedder is not None
    views = [query_views(r.text) if embed and r.mode != "bm25" else [] for r in requests]
    flat = [v for vs in views for v in vs]
    encoded = embedder.encode_queries(flat) if flat and embedder is not None else None
    dense_all = None
    if encoded is not None and index is not None and index.dense is not None:
        dense_all = index.dense.scores_many(encoded)
    results, at = [], 0
    for request, request_views in zip(requests, views, strict=True):
        rows = slice(at, at + len(request_views))
        at += len(request_views)
        vectors = None if encoded is None or not request_views else encoded[rows]
        if request.embed_only or index is None or not snapshot.articles:
            results.append(Result([], vectors))
            continue
        dense = None if dense_all is None or not request_views else dense_all[rows].mean(axis=0)
        results.append(Result(rank(snapshot, request, vectors, dense), vectors))
    return results


def rank(
    snapshot: Snapshot,
    request: Request,
    vectors: np.ndarray | None,
    dense: np.ndarray | None,
) -> list[Hit]:
    """Rank one request's articles, with learned adjustments applied."""
    assert snapshot.index is not None
    adjustments = np.zeros(len(snapshot.articles), dtype=np.float32)
    if request.adjust is not None:
        learned = request.adjust(None if vectors is None else vectors[0])
        for key, value in learned.items():
            if key in snapshot.position:
                adjustments[snapshot.position[key]] = value
    pool = snapshot.by_language.get(request.language, snapshot.by_language.get("en"))
    ranked = snapshot.index.rank(
        request.text,
        vectors,
        dense_scores=dense,
        mode=request.mode,
        language=request.language,
        candidates=pool,
        limit=request.limit,
        boosts=adjustments * RANK_PER_CONFIDENCE,
    )
    hits = []
    for scored in ranked:
        base = fusion.confidence(scored.dense, scored.coverage, request.language)
        hits.append(
            Hit(
                article=snapshot.articles[scored.index],
                score=scored.score,
                confidence=base + float(adjustments[scored.index]),
                dense=scored.dense,
                coverage=scored.coverage,
            )
        )
    return hits


RANK_PER_CONFIDENCE = 4.0


def document(article: Article) -> Document:
    return Document(article.key, article.lexical_text, article.dense_texts, article.lang)


def language_pools(articles: list[Article]) -> dict[str, np.ndarray]:
    """For each language, its articles plus English ones with no translation in it."""
    pools: dict[str, np.ndarray] = {}
    slugs = {lang: {a.slug for a in articles if a.lang == lang} for lang in ("en", "fr")}
    for lang in ("en", "fr"):
        pools[lang] = np.array(
            [
                i
                for i, a in enumerate(articles)
                if a.lang == lang or (a.lang == "en" and a.slug not in slugs[lang])
            ],
            dtype=np.int64,
        )
    return pools
