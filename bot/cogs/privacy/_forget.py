"""Erase a member's personal data in one transaction (/privacy forget).

Each cog erases what it stores (Cog.delete_member_data, in this transaction); then the
tables no cog owns are scrubbed (processed event ids, timer payloads) and, last, the member
row itself is anonymised: no name, and an opaque token instead of the platform id. The row
stays, so the questions, answers, marks and ledger rows pointing at it still count: totals,
leaderboards and statistics don't move. Any failure rolls everything back.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import aiosqlite

from bot.storage import anonymise

if TYPE_CHECKING:
    from bot.runtime.app import App

log = logging.getLogger(__name__)


class ForgetFailed(Exception):
    """A cog could not erase its part; nothing was erased."""

    def __init__(self, cog: str) -> None:
        super().__init__(cog)
        self.cog = cog


async def forget(app: App, community_id: int, member_id: int) -> bool:
    """Erase one member's data; False if the row is unknown or already anonymous."""
    async with app.db.transaction() as tx:
        found = await anonymise.identity(tx, community_id, member_id)
        if found is None or anonymise.is_forgotten(found[0]):
            return False
        external_id, name = found
        await tx.execute(
            f"INSERT OR IGNORE INTO {anonymise.GUARD} (community_id) VALUES (?)", (community_id,)
        )
        try:
            for cog in app.cogs:
                try:
                    await cog.delete_member_data(tx, community_id, member_id)
                except Exception as exc:
                    log.exception("cog %s failed to erase member %d", cog.name, member_id)
                    raise ForgetFailed(cog.name) from exc
            await _scrub_shared(tx, community_id, member_id, external_id, name)
            await tx.execute(
                "UPDATE members SET external_id = ?, display_name = '' WHERE id = ?",
                (anonymise.token(member_id), member_id),
            )
        finally:
            # Never leave the ledger unguarded, whatever happened (the rollback would undo
            # the insert too, but a caller catching the error must not find it open).
            await tx.execute(
                f"DELETE FROM {anonymise.GUARD} WHERE community_id = ?", (community_id,)
            )
    # The erased rows' old versions still sit in the WAL (and, until copied back, the file
    # holds them too): a checkpoint that empties the WAL leaves only the zeroed pages.
    await app.db.checkpoint()
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
    cur = await tx.execute(
        "SELECT id, payload_json, last_error FROM timers WHERE community_id = ?"
        " AND (instr(payload_json, ?) > 0 OR last_error IS NOT NULL)",
        (community_id, external_id),
    )
    for timer_id, payload, last_error in await cur.fetchall():
        old = json.loads(payload)
        new = _swap(old, external_id, replacement)
        # An error message is for debugging; it isn't worth keeping a name for.
        names_them = last_error is not None and anonymise.names(last_error, (external_id, name))
        if new != old or names_them:
            await tx.execute(
                "UPDATE timers SET payload_json = ?, last_error = ? WHERE id = ?",
                (json.dumps(new), None if names_them else last_error, timer_id),
            )


def _swap(value: Any, external_id: str, replacement: str) -> Any:
    """A JSON value with every string equal to the platform id replaced."""
    if isinstance(value, dict):
        return {k: _swap(v, external_id, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, external_id, replacement) for v in value]
    if value == external_id:
        return replacement
    return value
