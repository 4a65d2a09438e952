"""The running bot's heartbeat: a small file beside the database, rewritten every EVERY
seconds while every platform's connection is up; `python -m bot health` reads it.

A file, not a row: a row every 30 s would be a write transaction on the bot's one
connection (queued behind event handling) and WAL growth for nothing, and health would
then need the write lock to learn the bot is alive. The file survives a restart with its
old time in it, which is right: after a restart the bot is unhealthy until it connects
again (Docker's --start-period covers the first connection).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

EVERY = 30.0  # seconds between beats
STALE_AFTER = 90.0  # three beats missed: the connection (or the process) is gone


@dataclass(frozen=True)
class Beat:
    """One heartbeat: when (Unix time: health runs in another process), for which platforms."""

    at: float
    platforms: tuple[str, ...]
    pid: int


def path_for(db_path: Path) -> Path:
    """The heartbeat file of the bot serving `db_path` (in the same data folder)."""
    return db_path.with_name(db_path.name + ".heartbeat")


def write(path: Path, platforms: Sequence[str], at: float | None = None) -> None:
    """Record a beat; written beside and renamed, so a reader never sees half a file."""
    beat = {"at": time.time() if at is None else at, "platforms": list(platforms)}
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps({**beat, "pid": os.getpid()}), encoding="utf-8")
    os.replace(partial, path)


def read(path: Path) -> Beat | None:
    """The last beat, None when there is none; ValueError when the file is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Beat(float(data["at"]), tuple(map(str, data["platforms"])), int(data["pid"]))
    except FileNotFoundError:
        return None
    except (OSError, TypeError, KeyError, json.JSONDecodeError) as exc:
        raise ValueError(f"unreadable heartbeat file {path}: {exc}") from None


async def beat(
    path: Path,
    alive: Callable[[], bool],
    platforms: Sequence[str],
    written: asyncio.Event | None = None,
) -> None:
    """Write a beat every EVERY seconds while `alive()`, until cancelled (`written` is set
    after each). A failed write is logged once a failure streak: health reports the stale beat."""
    failing = False
    while True:
        if alive():
            try:
                write(path, platforms)
                failing = False
                if written is not None:
                    written.set()
            except OSError as exc:
                if not failing:
                    log.warning("cannot write the heartbeat file %s: %s", path, exc)
                failing = True
        await asyncio.sleep(EVERY)
