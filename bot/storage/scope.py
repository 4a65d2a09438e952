"""Which community the current task writes for: on a shared store, its transactions lock
that community only (bot.storage.postgres)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# The community whose event or timer the current task is handling, if any. On a shared store
# its write transactions lock that community only (bot.storage.postgres), so communities
# don't wait on each other; SQLite has one writer anyway.
_COMMUNITY: ContextVar[int | None] = ContextVar("entraide_writing_for", default=None)


@contextmanager
def writing_for(community_id: int) -> Iterator[None]:
    """Write transactions opened inside are about this community only (its caps, its
    questions): on PostgreSQL they exclude that community's writers, not everyone."""
    token = _COMMUNITY.set(community_id)
    try:
        yield
    finally:
        _COMMUNITY.reset(token)


def written_for() -> int | None:
    """The community writing_for() named for this task, if any."""
    return _COMMUNITY.get()
