"""Erase a member's personal data in one transaction (/privacy forget).

Each cog erases what it stores (Cog.delete_member_data, in this transaction); then the
tables no cog owns are scrubbed (processed event ids, timer payloads) and, last, the member
row itself is anonymised: no name, and an opaque token instead of the platform id. The row
stays, so the questions, answers, marks and ledger rows pointing at it still count: totals,
leaderboards and statistics don't move. Any failure rolls everything back.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

import aiosqlite

from bot.storage import anonymise, timers

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)


class ForgetFailed(Exception):
    """A cog could not erase its part; nothing was erased."""

    def __init__(self, cog: str) -> None:
        super().__init__(cog)
        self.cog = cog


async def forget(services: Services, community_id: int, member_id: int) -> bool:
    """Erase one member's data; False if the row is unknown or already anonymous."""
    async with services.db.transaction() as tx:
        found = await anonymise.identity(tx, community_id, member_id)
        if found is None or anonymise.is_forgotten(found[0]):
            return False
        external_id, name = found
        await anonymise.open_guard(tx, community_id)
        try:
            for cog in services.cogs:
                try:
                    await cog.delete_member_data(tx, community_id, member_id)
                except Exception as exc:
                    log.exception("cog %s failed to erase member %d", cog.name, member_id)
                    raise ForgetFailed(cog.name) from exc
            await _scrub_shared(tx, community_id, member_id, external_id, name)
            await anonymise.anonymise_member(tx, member_id)
        except BaseException:
            # Never leave the ledger unguarded (the rollback would undo the insert too, but
            # a caller catching the error must not find it open). On PostgreSQL a failed
            # statement has ended the transaction and this one is refused: the first error
            # is the one to report.
            with contextlib.suppress(Exception):
                await anonymise.close_guard(tx, community_id)
            raise
        await anonymise.close_guard(tx, community_id)
    # The erased rows' old versions still sit in the WAL (and, until copied back, the file
    # holds them too): a checkpoint that empties the WAL leaves only the zeroed pages.
    await services.db.checkpoint()
    log.info("member %d of community %d forgotten", member_id, community_id)
    return True


async def _scrub_shared(
    tx: aiosqlite.Connection, community_id: int, member_id: int, external_id: str, name: str
) -> None:
    """Tables without a member column that may still carry the platform id or the name."""
    replacement = anonymise.token(member_id)
    # Discord reaction (and sweep) event ids include the reacting user's id.
    await anonymise.rewrite_ids(
        tx,
        "processed_events",
        "event_id",
        community_id,
        external_id,
        replacement,
        replace_conflicts=True,
    )
    for timer in await timers.texts_naming(tx, community_id, external_id):
        old, last_error = timer.payload, timer.last_error
        new = _swap(old, external_id, replacement)
        # An error message is for debugging; it isn't worth keeping a name for.
        names_them = last_error is not None and anonymise.names(last_error, (external_id, name))
        if new != old or names_them:
            await timers.rewrite_texts(tx, timer.id, new, None if names_them else last_error)


def _swap(value: Any, external_id: str, replacement: str) -> Any:
    """A JSON value with every string equal to the platform id replaced."""
    if isinstance(value, dict):
        return {k: _swap(v, external_id, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, external_id, replacement) for v in value]
    if value == external_id:
        return replacement
    return value
