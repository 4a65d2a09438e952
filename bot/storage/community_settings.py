"""A community's stored settings (the rows behind `config set`)."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite


async def rewrite_value(tx: aiosqlite.Connection, community_id: int, key: str, value: Any) -> None:
    """Replace a stored setting's value, keeping who set it and when (a forget's edit)."""
    await tx.execute(
        "UPDATE community_settings SET value_json = ? WHERE community_id = ? AND key = ?",
        (json.dumps(value), community_id, key),
    )
