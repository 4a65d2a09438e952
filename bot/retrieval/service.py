"""The knowledge base the bot serves: articles on disk, cached vectors, the hybrid index."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.core.ports import Clock, Embedder
from bot.retrieval.articles import Article, ArticleError, load_directory
from bot.retrieval.batcher import BatchingEncoder
from bot.retrieval.index import Document, HybridIndex, Mode
from bot.retrieval.text import query_views
from bot.storage import article_vectors
from bot.storage.db import Database

log = logging.getLogger(__name__)

EmbedderLoader = Callable[[], Embedder | None]


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
class _Snapshot:
    articles: list[Article] = field(default_factory=list)
    index: HybridIndex | None = None
    by_language: dict[str, np.ndarray] = field(default_factory=dict)


class KnowledgeBase:
    """Loads articles, reuses cached embeddings, and answers searches (hybrid or lexical)."""

    def __init__(
        self, directory: Path, db: Database, clock: Clock, load_embedder: EmbedderLoader
    ) -> None:
        self.directory = directory
        self.db = db
        self.clock = clock
        self._load_embedder = load_embedder
        self.embedder: Embedder | None = None
        self.encoder: BatchingEncoder | None = None
        self._snapshot = _Snapshot()
        self._ready = asyncio.Event()
        self.errors: tuple[ArticleError, ...] = ()

    @property
    def articles(self) -> list[Article]:
        """The articles currently served."""
        return self._snapshot.articles

    @property
    def lexical_only(self) -> bool:
        """True when no embedding model is loaded."""
        return self.embedder is None

    async def start(self) -> LoadReport:
        """Load the model off the event loop, then the articles."""
        loop = asyncio.get_running_loop()
        self.embedder = await loop.run_in_executor(None, self._load_embedder)
        if self.embedder is not None:
            self.encoder = BatchingEncoder(self.embedder)
        report = await self.reload()
        self._ready.set()
        return report

    async def close(self) -> None:
        """Stop the encoder thread."""
        if self.encoder is not None:
            await self.encoder.close()

    async def reload(self) -> LoadReport:
        """Re-read the directory; only new or changed articles are embedded."""
        articles, errors = await asyncio.to_thread(load_directory, self.directory)
        for error in errors:
            log.warning("knowledge base: skipped %s", error)
        vectors, embedded, reused = await self._vectors(articles)
        index = await asyncio.to_thread(
            HybridIndex,
            [_document(a) for a in articles],
            vectors,
            self.embedder.dim if self.embedder else 0,
        )
        self._snapshot = _Snapshot(articles, index, _language_pools(articles))
        self.errors = tuple(errors)
        log.info(
            "knowledge base: %d articles (%d embedded, %d from cache, %d skipped)",
            len(articles),
            embedded,
            reused,
            len(errors),
        )
        return LoadReport(len(articles), self.errors, embedded, reused)

    async def _vectors(self, articles: list[Article]) -> tuple[list[np.ndarray] | None, int, int]:
        if self.embedder is None or self.encoder is None:
            return None, 0, 0
        model = self.embedder.name
        hashes = [a.content_hash(model) for a in articles]
        async with self.db.read() as conn:
            cached = await article_vectors.load(conn, model, set(hashes))
        missing = [(h, a) for h, a in zip(hashes, articles, strict=True) if h not in cached]
        if missing:
            texts = [t for _, a in missing for t in a.dense_texts]
            loop = asyncio.get_running_loop()
            encoded = await loop.run_in_executor(None, self.embedder.encode, texts)
            fresh, at = {}, 0
            for content_hash, article in missing:
                fresh[content_hash] = encoded[at : at + len(article.dense_texts)]
                at += len(article.dense_texts)
            async with self.db.transaction() as tx:
                await article_vectors.store(tx, model, fresh, self.clock.now())
            cached.update(fresh)
        return [cached[h] for h in hashes], len(missing), len(articles) - len(missing)

    async def embed(self, text: str) -> np.ndarray | None:
        """The question's view vectors (see text.query_views), or None when lexical-only."""
        await self._ready.wait()
        if self.encoder is None:
            return None
        return await self.encoder.encode(query_views(text))

    def by_key(self, key: str) -> Article | None:
        """An article by its key ('en/marking-solved'), if it still exists."""
        return next((a for a in self._snapshot.articles if a.key == key), None)

    def article(self, slug: str, language: str) -> Article | None:
        """An article by slug, in `language` if translated, else in English."""
        by_key = {a.key: a for a in self._snapshot.articles}
        return by_key.get(f"{language}/{slug}") or by_key.get(f"en/{slug}")

    async def search(
        self,
        text: str,
        language: str,
        *,
        limit: int = 3,
        vectors: np.ndarray | None = None,
        adjust: Callable[[Article], float] | None = None,
        mode: Mode = "hybrid",
    ) -> list[Hit]:
        """Articles for a question in `language` (plus untranslated English ones).

        `adjust(article)` adds learned feedback to both the ranking and the confidence.
        """
        await self._ready.wait()
        snapshot = self._snapshot
        if snapshot.index is None or not snapshot.articles:
            return []
        if vectors is None and mode != "bm25":
            vectors = await self.embed(text)
        pool = snapshot.by_language.get(language, snapshot.by_language.get("en"))
        boosts = None
        adjustments = np.zeros(len(snapshot.articles), dtype=np.float32)
        if adjust is not None:
            for i, article in enumerate(snapshot.articles):
                adjustments[i] = adjust(article)
            boosts = adjustments * RANK_PER_CONFIDENCE
        ranked = snapshot.index.rank(
            text,
            vectors,
            mode=mode,
            language=language,
            candidates=pool,
            limit=limit,
            boosts=boosts,
        )
        hits = []
        for scored in ranked:
            base = scored.dense if scored.dense is not None else scored.coverage
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


# A feedback adjustment of +0.1 confidence moves an article 0.4 standard deviations up.
RANK_PER_CONFIDENCE = 4.0


def _document(article: Article) -> Document:
    return Document(article.key, article.lexical_text, article.dense_texts, article.lang)


def _language_pools(articles: list[Article]) -> dict[str, np.ndarray]:
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
