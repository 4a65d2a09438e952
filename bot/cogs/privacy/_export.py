"""Everything stored about one member, as one JSON-ready document (/privacy export).

Other members appear only as what the member did with them (a question number, points), not
by name: their data isn't this member's to take. Staff-internal details of escalations stop
at status and times.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.storage import member_export

FORMAT = "entraide-member-data/1"


async def collect(
    conn: aiosqlite.Connection, community_id: int, member_id: int, now: datetime
) -> dict[str, Any]:
    """The member's data, section by section, in one read."""
    document: dict[str, Any] = {"format": FORMAT, "exported_at": now.isoformat()}
    document.update(await member_export.sections(conn, community_id, member_id))
    return document
