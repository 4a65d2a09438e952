"""Embedding questions off the event loop, several concurrent questions in one model call."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from bot.core.ports import Embedder

log = logging.getLogger(__name__)


class BatchingEncoder:
    """Queues texts from concurrent callers and encodes them together in a worker thread.

    One model call for 32 texts costs far less than 32 calls, so a burst of questions is
    answered faster than one at a time, and the event loop never waits on the model.
    """

    def __init__(self, embedder: Embedder, max_batch: int = 64) -> None:
        self.embedder = embedder
        self.max_batch = max_batch
        self._queue: asyncio.Queue[tuple[list[str], asyncio.Future[np.ndarray]]] | None = None
        self._worker: asyncio.Task[None] | None = None
        # One thread: the model is the bottleneck, and torch parallelises inside a call.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed")
        self.calls = 0

    async def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for `texts`, computed in a batch with whatever else is waiting."""
        if self._queue is None:
            self._queue = asyncio.Queue()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="embedding-batcher")
        future: asyncio.Future[np.ndarray] = asyncio.get_running_loop().create_future()
        await self._queue.put((list(texts), future))
        return await future

    async def _run(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            jobs = [await self._queue.get()]
            size = len(jobs[0][0])
            # Take everything already waiting, up to the batch size.
            while not self._queue.empty() and size < self.max_batch:
                job = self._queue.get_nowait()
                jobs.append(job)
                size += len(job[0])
            texts = [t for job_texts, _ in jobs for t in job_texts]
            try:
                self.calls += 1
                vectors = await loop.run_in_executor(self._executor, self.embedder.encode, texts)
            except Exception as exc:
                log.exception("embedding %d texts failed", len(texts))
                for _, future in jobs:
                    if not future.done():
                        future.set_exception(exc)
                continue
            at = 0
            for job_texts, future in jobs:
                if not future.done():
                    future.set_result(vectors[at : at + len(job_texts)])
                at += len(job_texts)

    async def close(self) -> None:
        """Stop the worker and its thread."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        self._executor.shutdown(wait=False, cancel_futures=True)
