"""What a refused write raises on either store (SQLite's constraint error, or PostgreSQL's
integrity violation: SQLSTATE 23…, which the ledger's triggers raise on purpose), and a way
to try statements that must be refused."""

from __future__ import annotations

import sqlite3

from asyncpg.exceptions import IntegrityConstraintViolationError

from bot.storage.store import Store

INTEGRITY = (sqlite3.IntegrityError, IntegrityConstraintViolationError)


async def run(db: Store, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Execute statements in one transaction (a refusal rolls all of them back: on
    PostgreSQL a failed statement ends its transaction, so each attempt gets its own)."""
    async with db.transaction() as tx:
        for sql, params in statements:
            await tx.execute(sql, params)
