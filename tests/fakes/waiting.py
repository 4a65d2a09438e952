"""Waiting on a condition another process (or a background job) makes true."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def until(check: Callable[[], Awaitable[bool]], within: float = 30.0) -> None:
    """Poll an async check every 0.1 s until it holds; AssertionError after `within` s."""
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {within} s waiting for {check.__name__}")
        await asyncio.sleep(0.1)
