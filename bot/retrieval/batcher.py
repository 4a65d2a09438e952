"""Running model work off the event loop, several concurrent requests in one call.

One model call for 32 questions costs far less than 32 calls, so a burst of questions is
answered faster than one at a time, and the event loop never waits on the model.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Request = TypeVar("Request")
Result = TypeVar("Result")


class Batcher(Generic[Request, Result]):
    """Queues requests from concurrent callers; a worker thread handles each batch at once."""

    def __init__(
        self, run_batch: Callable[[list[Request]], list[Result]], max_batch: int = 128
    ) -> None:
        self.run_batch = run_batch
        self.max_batch = max_batch
        self._queue: asyncio.Queue[tuple[Request, asyncio.Future[Result]]] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._current: list[asyncio.Future[Result]] = []
        # One thread: the model is the bottleneck, and torch parallelises inside a call.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="retrieval")
        self.calls = 0

    async def submit(self, request: Request) -> Result:
        """The result for `request`, computed in a batch with whatever else is waiting."""
        if self._queue is None:
            self._queue = asyncio.Queue()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="retrieval-batcher")
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        await self._queue.put((request, future))
        return await future

    async def _run(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            jobs = [await self._queue.get()]
            while not self._queue.empty() and len(jobs) < self.max_batch:
                jobs.append(self._queue.get_nowait())
            self._current = [future for _, future in jobs]
            try:
                self.calls += 1
                results = await loop.run_in_executor(
                    self._executor, self.run_batch, [request for request, _ in jobs]
                )
            except Exception as exc:
                log.exception("a retrieval batch of %d requests failed", len(jobs))
                for _, future in jobs:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(jobs, results, strict=True):
                if not future.done():
                    future.set_result(result)
            self._current = []

    async def close(self) -> None:
        """Stop the worker; callers still waiting get CancelledError instead of hanging."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        waiting = list(self._current)
        while self._queue is not None and not self._queue.empty():
            waiting.append(self._queue.get_nowait()[1])
        for future in waiting:
            if not future.done():
                future.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
