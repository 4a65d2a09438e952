"""A forgotten member's reputation: every row stays, tied to the now anonymous member row,
so totals, ranks and leaderboards add up; only ledger text that may identify them changes."""

from __future__ import annotations

import aiosqlite

from bot.storage import anonymise, reputation


async def anonymise_ledger(tx: aiosqlite.Connection, community_id: int, member_id: int) -> None:
    """Rewrite the ledger's id-bearing text; runs inside the forget guard (migration 0014)."""
    found = await anonymise.identity(tx, community_id, member_id)
    if found is None:
        return
    external_id, name = found
    # Platform event ids (Discord reactions, the READY sweep) carry the reacting member's id.
    await anonymise.rewrite_ids(
        tx,
        "reputation_ledger",
        "source_event_id",
        community_id,
        external_id,
        anonymise.token(member_id),
    )
    # Notes are admins' free-text reasons: those on the member's own rows are about them,
    # and any other may name them. Matching by name is broad on purpose (a short name blanks
    # more notes than needed): a lost reason costs less than a kept name.
    for row in await reputation.notes(tx, community_id):
        if row.member_id == member_id or anonymise.names(row.note, (external_id, name)):
            await reputation.blank_note(tx, row.id)
