"""The knowledge base the bot serves: articles on disk, cached vectors, the hybrid index."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from bot.core.ports import Clock, Embedder
from bot.retrieval import cached, folders, gate
from bot.retrieval.articles import Article, ArticleError
from bot.retrieval.backends import load_embedder
from bot.retrieval.batcher import Batcher
from bot.retrieval.index import HybridIndex, Mode
from bot.retrieval.searching import (
    Adjuster,
    Hit,
    LoadReport,
    Request,
    Result,
    Snapshot,
    document,
    language_pools,
    run_batch,
)
from bot.retrieval.text import without_mentions
from bot.settings import RetrievalSettings
from bot.storage import knowledge_version
from bot.storage.store import Store

log = logging.getLogger(__name__)

EmbedderLoader = Callable[[], Embedder | None]
__all__ = ["Hit", "KnowledgeBase", "LoadReport"]


class KnowledgeBase:
    """Loads articles, reuses cached embeddings, and answers searches (hybrid or lexical)."""

    def __init__(
        self,
        directory: Path,
        db: Store,
        clock: Clock,
        load_embedder: EmbedderLoader,
        *,
        overlay: Path | None = None,
        answer_while_loading: bool = False,
    ) -> None:
        self.directory = directory
        # Drafts and approved articles: never the shipped folder (see folders.py).
        self.overlay = overlay or db.path.parent / folders.OVERLAY
        self.answer_while_loading = answer_while_loading
        self._loading: asyncio.Task[None] | None = None
        # What the background model load re-indexes (answer_while_loading only).
        self._pending: tuple[list[Article], list[ArticleError], list[list[str]]] | None = None
        self.db = db
        self.clock = clock
        self._load_embedder = load_embedder
        self.embedder: Embedder | None = None
        self._batcher: Batcher[Request, Result] | None = None
        self._snapshot = Snapshot()
        self._ready = asyncio.Event()
        self.errors: tuple[ArticleError, ...] = ()
        self._gates: dict[str, float] = {}
        # The knowledge_version row as of this process's last read of the folders: another
        # process sharing the database bumps it when it reloads (follow() catches up).
        self._version = 0

    @property
    def articles(self) -> list[Article]:
        """The articles currently served."""
        return self._snapshot.articles

    def gate(self, language: str) -> float | None:
        """The calibrated confidence suggestions in `language` need (None: not calibrated,
        e.g. without the model)."""
        return self._gates.get(language)

    @property
    def lexical_only(self) -> bool:
        """True when no embedding model is loaded."""
        return self.embedder is None

    async def start(self, *, model_later: bool = False) -> LoadReport:
        """Read and tokenise the articles, load the model, build the index.

        With `answer_while_loading`, searches are served BM25-only as soon as the articles
        are indexed, and the model is loaded afterwards in the background (importing it takes
        about 6 s here): at once, or with `model_later` when load_model() is called (the
        platforms connect first); otherwise the model loads in a thread beside the articles
        and the first search waits for both.
        """
        loop = asyncio.get_running_loop()
        model = (
            None if self.answer_while_loading else loop.run_in_executor(None, self._load_embedder)
        )
        async with self.db.read() as conn:
            self._version = await knowledge_version.current(conn)
        articles, errors = await asyncio.to_thread(
            folders.load_layers, self.directory, self.overlay
        )
        tokens = await self._tokens(articles)
        if model is None:
            report = await self._install(articles, errors, tokens)
            self._ready.set()
            self._pending = (articles, errors, tokens)
            if not model_later:
                self.load_model()
            return report
        self._use(await model)
        report = await self._install(articles, errors, tokens)
        self._ready.set()
        return report

    def load_model(self) -> None:
        """Start loading the model in the background (answering BM25-only meanwhile); does
        nothing when it is loading or loaded already, or was loaded at start."""
        if self._pending is None or self._loading is not None:
            return
        self._loading = asyncio.create_task(self._upgrade(*self._pending))

    def _use(self, embedder: Embedder | None) -> None:
        # numpy's BLAS threads spin after each product and fight torch for the cores, so
        # beside torch one thread is faster (see bench/README.md); ONNX Runtime's threads
        # don't spin (onnx_embedder.py), and there the product over 10,000 articles halves.
        threadpool_limits(limits=1 if "torch" in sys.modules else None, user_api="blas")
        if embedder is not None:
            self._batcher = Batcher(lambda batch: run_batch(self.embedder, self._snapshot, batch))
        self.embedder = embedder

    async def _upgrade(
        self, articles: list[Article], errors: list[ArticleError], tokens: list[list[str]]
    ) -> None:
        """Load the model, then swap the BM25-only index for the hybrid one."""
        try:
            loop = asyncio.get_running_loop()
            self._use(await loop.run_in_executor(None, self._load_embedder))
            if self.embedder is not None:
                await self._install(articles, errors, tokens)
        except Exception:
            log.exception("knowledge base: loading the model failed; staying lexical-only")

    async def loaded(self) -> None:
        """Wait until the model (if any) is loaded and in use."""
        await self._ready.wait()
        if self._loading is not None:
            await asyncio.shield(self._loading)

    @property
    def model_calls(self) -> int:
        """Batches sent to the model so far (a burst of questions shares one)."""
        return self._batcher.calls if self._batcher is not None else 0

    async def embed_many(self, texts: list[str]) -> np.ndarray | None:
        """Vectors of whole texts (one row each), or None when lexical-only."""
        if self.embedder is None:
            return None
        embedder = self.embedder
        return await asyncio.get_running_loop().run_in_executor(None, embedder.encode, texts)

    async def close(self) -> None:
        """Stop the background model load and the worker thread."""
        if self._loading is not None and not self._loading.done():
            self._loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loading
        if self._batcher is not None:
            await self._batcher.close()

    async def reload(self, *, by: str = "reload") -> LoadReport:
        """Re-read the folders (shipped and overlay); only new or changed articles are
        embedded. Processes sharing the database reload too (follow())."""
        # Counted before the folders are read: a change another process makes meanwhile
        # bumps the version past ours, so follow() reads the folders again.
        async with self.db.transaction() as tx:
            self._version = await knowledge_version.bump(tx, self.clock.now(), by)
        return await self._reread()

    async def follow(self) -> bool:
        """Reload if another process sharing the database changed the knowledge base since
        this one last read it (its /kb reload, an approved draft); whether it did."""
        async with self.db.read() as conn:
            version = await knowledge_version.current(conn)
        if version == self._version:
            return False
        log.info("knowledge base changed elsewhere (version %d): reloading", version)
        self._version = version
        await self._reread()
        return True

    async def _reread(self) -> LoadReport:
        articles, errors = await asyncio.to_thread(
            folders.load_layers, self.directory, self.overlay
        )
        return await self._install(articles, errors, await self._tokens(articles))

    async def _install(
        self, articles: list[Article], errors: list[ArticleError], tokens: list[list[str]]
    ) -> LoadReport:
        for error in errors:
            log.warning("knowledge base: skipped %s", error)
        vectors, embedded, reused = await self._vectors(articles)
        index = await asyncio.to_thread(
            HybridIndex,
            [document(a) for a in articles],
            vectors,
            self.embedder.dim if self.embedder else 0,
            tokens,
        )
        snapshot = Snapshot(
            articles, index, language_pools(articles), {a.key: i for i, a in enumerate(articles)}
        )
        self._gates = await gate.calibrated(self.db, self.clock, self.embedder, snapshot)
        self._snapshot = snapshot
        self.errors = tuple(errors)
        log.info(
            "knowledge base: %d articles (%d embedded, %d from cache, %d skipped)",
            len(articles),
            embedded,
            reused,
            len(errors),
        )
        return LoadReport(len(articles), self.errors, embedded, reused)

    async def _tokens(self, articles: list[Article]) -> list[list[str]]:
        return await cached.tokens_of(self.db, self.clock, articles)

    async def _vectors(self, articles: list[Article]) -> tuple[list[np.ndarray] | None, int, int]:
        if self.embedder is None:
            return None, 0, 0
        return await cached.vectors_of(self.db, self.clock, self.embedder, articles)

    async def embed(self, text: str) -> np.ndarray | None:
        """The question's view vectors (see text.query_views), or None when lexical-only."""
        result = await self._submit(Request(text, "en", 0, "dense", None, embed_only=True))
        return result.vectors

    def by_key(self, key: str) -> Article | None:
        """An article by its key ('en/marking-solved'), if it still exists."""
        found = self._snapshot.position.get(key)
        return None if found is None else self._snapshot.articles[found]

    def article(self, slug: str, language: str) -> Article | None:
        """An article by slug, in `language` if translated, else in English."""
        return self.by_key(f"{language}/{slug}") or self.by_key(f"en/{slug}")

    async def search(
        self,
        text: str,
        language: str,
        *,
        limit: int = 3,
        adjust: Adjuster | None = None,
        mode: Mode = "hybrid",
    ) -> list[Hit]:
        """Articles for a question in `language` (plus untranslated English ones).

        `adjust(question_vector)` returns learned confidence adjustments per article key;
        they move both the ranking and the confidence.
        """
        text = without_mentions(text) or text
        result = await self._submit(Request(text, language, limit, mode, adjust))
        return result.hits

    async def _submit(self, request: Request) -> Result:
        await self._ready.wait()
        if self._batcher is None:
            return run_batch(self.embedder, self._snapshot, [request])[0]
        return await self._batcher.submit(request)


def from_settings(
    retrieval: RetrievalSettings,
    db: Store,
    clock: Clock,
    embedder_loader: EmbedderLoader | None = None,
) -> KnowledgeBase:
    """The knowledge base [retrieval] describes: knowledge_dir (a relative one beside the
    package, like config/; SettingsError if missing) with its overlay read over it."""
    return KnowledgeBase(
        folders.shipped_dir(retrieval),
        db,
        clock,
        embedder_loader
        or (
            lambda: (
                load_embedder(retrieval.model, retrieval.backend, retrieval.model_cache)
                if retrieval.dense
                else None
            )
        ),
        overlay=folders.overlay_dir(retrieval, db.path),
        answer_while_loading=bool(retrieval.answer_while_loading),  # None: off (see settings)
    )
