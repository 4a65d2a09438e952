"""What indexing the knowledge base keeps in the database between starts (and shares between
processes on one database): BM25 tokens and embeddings per article content, so only new or
edited articles are tokenised or embedded again."""

from __future__ import annotations

import asyncio
import logging

import numpy as np

from bot.core.ports import Clock, Embedder
from bot.retrieval.articles import Article
from bot.retrieval.text import TOKENIZER_VERSION, tokenize
from bot.storage import article_tokens, article_vectors
from bot.storage.store import Store

log = logging.getLogger(__name__)

EMBED_CHUNK = 200  # articles per model call and commit during a (re)build


async def tokens_of(db: Store, clock: Clock, articles: list[Article]) -> list[list[str]]:
    """BM25 tokens of every article, tokenising only what the cache doesn't hold."""
    hashes = [a.tokens_hash(TOKENIZER_VERSION) for a in articles]
    async with db.read() as conn:
        cached = await article_tokens.load(conn, set(hashes))
    missing = {h: a for h, a in zip(hashes, articles, strict=True) if h not in cached}
    if missing:
        fresh = await asyncio.to_thread(
            lambda: {h: tokenize(a.lexical_text, a.lang) for h, a in missing.items()}
        )
        async with db.transaction() as tx:
            await article_tokens.store(tx, fresh, clock.now())
        cached.update(fresh)
    async with db.transaction() as tx:
        await article_tokens.prune(tx, set(hashes))  # edited or deleted articles
    return [cached[h] for h in hashes]


async def vectors_of(
    db: Store, clock: Clock, embedder: Embedder, articles: list[Article]
) -> tuple[list[np.ndarray], int, int]:
    """Every article's vectors, embedding only what the cache doesn't hold; with how many
    were embedded and how many came from the cache."""
    model = embedder.name
    hashes = [a.content_hash(model) for a in articles]
    async with db.read() as conn:
        cached = await article_vectors.load(conn, model, set(hashes))
    missing = [(h, a) for h, a in zip(hashes, articles, strict=True) if h not in cached]
    loop = asyncio.get_running_loop()
    # In chunks, each saved at once: a long first embedding keeps its progress if stopped.
    for start in range(0, len(missing), EMBED_CHUNK):
        chunk = missing[start : start + EMBED_CHUNK]
        texts = [t for _, a in chunk for t in a.dense_texts]
        encoded = await loop.run_in_executor(None, embedder.encode, texts)
        fresh, at = {}, 0
        for content_hash, article in chunk:
            fresh[content_hash] = encoded[at : at + len(article.dense_texts)]
            at += len(article.dense_texts)
        async with db.transaction() as tx:
            await article_vectors.store(tx, model, fresh, clock.now())
        cached.update(fresh)
        if len(missing) > EMBED_CHUNK:
            log.info("knowledge base: embedded %d/%d articles", start + len(chunk), len(missing))
    async with db.transaction() as tx:
        await article_vectors.prune(tx, model, set(hashes))  # edited or deleted articles
    return [cached[h] for h in hashes], len(missing), len(articles) - len(missing)
