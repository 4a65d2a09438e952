"""The community's solved threads, searchable like the articles: one index per community
(BM25 + dense, fused the same way), its embeddings cached in the database by content hash.

The list of solved threads is read from the database on every search: it is the truth (a
thread edited, deleted, forgotten or newly marked helpful changes it), and the index is
rebuilt only when that list changed. Rebuilding means BM25 over a few hundred documents and
embedding only the threads whose text is new.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.clock import Clock
from bot.retrieval.index import Document, HybridIndex, Mode
from bot.retrieval.searching import RANK_PER_CONFIDENCE
from bot.retrieval.service import KnowledgeBase
from bot.retrieval.text import without_mentions
from bot.storage import history
from bot.storage.history import SolvedThread
from bot.storage.store import Store

log = logging.getLogger(__name__)

KEY_PREFIX = "history:"  # how a thread is named beside article keys (shown, feedback)
ANSWER_CHARS = 1000  # of the best answer, embedded and indexed with the question


def key_of(question_id: int) -> str:
    """A thread's key among suggestion keys (articles are 'lang/slug')."""
    return f"{KEY_PREFIX}{question_id}"


def question_of(key: str) -> int | None:
    """The question id a suggestion key names, or None for an article key."""
    if not key.startswith(KEY_PREFIX) or not key[len(KEY_PREFIX) :].isdigit():
        return None
    return int(key[len(KEY_PREFIX) :])


@dataclass(frozen=True)
class ThreadHit:
    """A solved thread ranked for a new question, with the confidence the gate reads."""

    thread: SolvedThread
    score: float
    confidence: float
    dense: float | None
    coverage: float


def document(thread: SolvedThread) -> Document:
    """What is indexed of a thread: the question (title and body apart, like a query's
    views) and, for words only askers of the past used, the start of its best answer."""
    question = thread.text.strip()
    title, _, body = question.partition("\n")
    answer = thread.answer_text.strip()[:ANSWER_CHARS]
    views = tuple(v for v in (question, title.strip(), body.strip()) if v) or (" ",)
    return Document(
        key_of(thread.question_id),
        f"{question}\n{question}\n{answer}",
        views,
        thread.language,
    )


def content_hash(thread: SolvedThread, model: str) -> str:
    """Changes whenever what is embedded for the thread (or the model) changes."""
    digest = hashlib.sha256(model.encode())
    for text in document(thread).dense_texts:
        digest.update(b"\x00" + text.encode())
    return digest.hexdigest()


@dataclass
class _Built:
    signature: str
    threads: list[SolvedThread]
    index: HybridIndex | None
    by_language: dict[str, np.ndarray]


Adjuster = Callable[[np.ndarray | None], dict[str, float]]


class History:
    """Searches each community's solved threads."""

    def __init__(self, db: Store, knowledge: KnowledgeBase, clock: Clock) -> None:
        self.db = db
        self.knowledge = knowledge
        self.clock = clock
        self._built: dict[int, _Built] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    async def threads(self, community_id: int, min_marks: int) -> list[SolvedThread]:
        """The community's solved threads as the database has them now."""
        async with self.db.read() as conn:
            return await history.solved_threads(conn, community_id, min_marks)

    async def search(
        self,
        community_id: int,
        text: str,
        language: str,
        *,
        min_marks: int,
        limit: int = 3,
        query_vectors: np.ndarray | None = None,
        adjust: Adjuster | None = None,
        exclude: Sequence[int] = (),
        mode: Mode = "hybrid",
    ) -> list[ThreadHit]:
        """Earlier solved threads for a question (in its language), best first; `exclude`
        leaves out questions (the new one itself). `query_vectors`: the question's views, as
        KnowledgeBase.embed gives them (None: ranked by words only)."""
        built = await self._index(community_id, min_marks)
        pool = built.by_language.get(language)
        if built.index is None or pool is None:
            return []
        excluded = set(exclude)
        pool = np.array([i for i in pool if built.threads[i].question_id not in excluded])
        if pool.size == 0:
            return []
        boosts = np.zeros(len(built.threads), dtype=np.float32)
        if adjust is not None:
            learned = adjust(None if query_vectors is None else query_vectors[0])
            for i, thread in enumerate(built.threads):
                boosts[i] = learned.get(key_of(thread.question_id), 0.0)
        query = without_mentions(text) or text
        vectors = query_vectors if built.index.dense is not None else None
        # In a worker thread, like article searches: BM25 and the dot products grow with
        # the community's history and must not hold the event loop.
        ranked = await asyncio.to_thread(
            built.index.rank,
            query,
            vectors,
            mode=mode,
            language=language,
            candidates=pool,
            limit=limit,
            boosts=boosts * RANK_PER_CONFIDENCE,
        )
        return [
            ThreadHit(
                thread=built.threads[s.index],
                score=s.score,
                confidence=(s.dense if s.dense is not None else s.coverage)
                + float(boosts[s.index]),
                dense=s.dense,
                coverage=s.coverage,
            )
            for s in ranked
        ]

    def forget(self, community_id: int) -> None:
        """Drop a community's index (purged; a reinstall may reuse its row id)."""
        self._built.pop(community_id, None)

    async def _index(self, community_id: int, min_marks: int) -> _Built:
        lock = self._locks.setdefault(community_id, asyncio.Lock())
        async with lock:
            threads = await self.threads(community_id, min_marks)
            embedder = self.knowledge.embedder
            model = embedder.name if embedder is not None else ""
            signature = await asyncio.to_thread(_signature, threads, model)
            built = self._built.get(community_id)
            if built is None or built.signature != signature:
                built = await self._build(community_id, threads, signature)
                self._built[community_id] = built
            return built

    async def _build(
        self, community_id: int, threads: list[SolvedThread], signature: str
    ) -> _Built:
        by_language: dict[str, list[int]] = {}
        for i, thread in enumerate(threads):
            by_language.setdefault(thread.language, []).append(i)
        pools = {lang: np.array(ids, dtype=np.int64) for lang, ids in by_language.items()}
        if not threads:
            return _Built(signature, threads, None, pools)
        documents = [document(t) for t in threads]
        vectors = await self._vectors(community_id, threads)
        dim = self.knowledge.embedder.dim if self.knowledge.embedder is not None else 0
        index = await asyncio.to_thread(HybridIndex, documents, vectors, dim, calibrate=False)
        log.debug("history of community %d: %d solved threads indexed", community_id, len(threads))
        return _Built(signature, threads, index, pools)

    async def _vectors(
        self, community_id: int, threads: list[SolvedThread]
    ) -> list[np.ndarray] | None:
        """Each thread's vectors: cached when its text is unchanged, else embedded now."""
        embedder = self.knowledge.embedder
        if embedder is None:
            return None
        async with self.db.read() as conn:
            cached = await history.cached_vectors(conn, community_id, embedder.name)
        hashes = {t.question_id: content_hash(t, embedder.name) for t in threads}
        missing = [
            t for t in threads if cached.get(t.question_id, ("",))[0] != hashes[t.question_id]
        ]
        fresh: dict[int, tuple[str, np.ndarray]] = {}
        if missing:
            texts = [document(t).dense_texts for t in missing]
            flat = await self.knowledge.embed_many([v for views in texts for v in views])
            if flat is None:
                return None
            at = 0
            for thread, views in zip(missing, texts, strict=True):
                fresh[thread.question_id] = (hashes[thread.question_id], flat[at : at + len(views)])
                at += len(views)
        async with self.db.transaction() as tx:
            if fresh:
                await history.store_vectors(
                    tx, community_id, embedder.name, fresh, self.clock.now()
                )
            await history.prune_vectors(tx, community_id, hashes)
        every = cached | fresh
        return [every[t.question_id][1] for t in threads]


def _signature(threads: Sequence[SolvedThread], model: str) -> str:
    """Changes whenever the indexed threads or their texts change."""
    digest = hashlib.sha256(model.encode())
    for t in threads:
        facts = f"{t.question_id}:{t.answer_id}:{t.language}:{t.marks}:{t.accepted}"
        digest.update(f"\x00{facts}\x00".encode())
        digest.update(t.text.encode() + b"\x00" + t.answer_text[:ANSWER_CHARS].encode())
    return digest.hexdigest()
