"""Reads over the whole schema (privacy's reach, counts by community) and raw seeding.

Privacy tests look at every table on purpose: a new table must be covered without anyone
remembering to add it here; figures tests seed rows no command can write in bulk.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from bot.storage.db import Database
from bot.storage.postgres import PostgresDatabase
from tests.queries._db import count, rows, value

Rows = dict[str, list[tuple[Any, ...]]]
# Figures forgetting a member must not move: totals, boards' sums, counts insights use.
FIGURES = {
    "totals": "SELECT member_id, total FROM reputation_totals ORDER BY member_id",
    "ledger": "SELECT member_id, SUM(delta), COUNT(*) FROM reputation_ledger"
    " GROUP BY member_id ORDER BY member_id",
    "questions": "SELECT status, resolution, kb_outcome, COUNT(*), COUNT(first_answer_at),"
    " COUNT(solved_at) FROM questions GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    "asked": "SELECT asker_id, COUNT(*) FROM questions GROUP BY 1 ORDER BY 1",
    "answered": "SELECT author_id, by_staff, COUNT(*), COUNT(DISTINCT question_id) FROM answers"
    " GROUP BY 1, 2 ORDER BY 1, 2",
    "marks": "SELECT giver_id, receiver_id, points FROM helpful_marks ORDER BY id",
    "accepts": "SELECT question_id, answer_id, accepter_id FROM accepted_answers ORDER BY 1",
    "nudges": "SELECT question_id, member_id, via FROM nudges ORDER BY id",
    "escalations": "SELECT question_id, reason, status, claimed_by FROM escalations ORDER BY 1",
    "bounties": "SELECT question_id, sponsor_id, amount, status FROM bounties ORDER BY 1",
    "feedback": "SELECT question_id, article, verdict FROM kb_feedback ORDER BY id",
}


async def figures(db: Database) -> Rows:
    """Every figure of FIGURES, by name."""
    return {name: await rows(db, sql) for name, sql in FIGURES.items()}


def _on_postgres(db: Database) -> bool:
    return isinstance(db, PostgresDatabase)


async def tables(db: Database) -> list[str]:
    """Every table of the schema, sorted."""
    if _on_postgres(db):
        sql = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return sorted(str(r[0]) for r in await rows(db, sql))


async def member_columns(db: Database, table: str) -> list[str]:
    """Columns of a table that reference a member (from its foreign keys)."""
    if _on_postgres(db):
        keys = await db.fetchall(
            "SELECT kcu.column_name FROM information_schema.table_constraints tc"
            " JOIN information_schema.key_column_usage kcu"
            "  ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema"
            " JOIN information_schema.constraint_column_usage ccu"
            "  ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema"
            " WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"
            "  AND tc.table_name = ? AND ccu.table_name = 'members'",
            (table,),
        )
        return [str(k[0]) for k in keys]
    keys = await db.fetchall(f"PRAGMA foreign_key_list({table})")
    return [str(k[3]) for k in keys if k[2] == "members"]


async def rows_about(db: Database, member: int) -> Rows:
    """Every row that points at a member (found from the schema's foreign keys), by table;
    and the member's own row under "members"."""
    out: Rows = {"members": await rows(db, "SELECT * FROM members WHERE id = ?", (member,))}
    for table in await tables(db):
        columns = await member_columns(db, table)
        if columns:
            where = " OR ".join(f"{c} = ?" for c in columns)
            order = "1" if _on_postgres(db) else "rowid"  # insertion order on SQLite
            sql = f"SELECT * FROM {table} WHERE {where} ORDER BY {order}"
            out[table] = await rows(db, sql, (member,) * len(columns))
    return out


async def text_values(db: Database) -> list[tuple[str, str, str]]:
    """(table, column, value) of every text value in every row of every table."""
    found = []
    for table in await tables(db):
        for row in await db.fetchall(f"SELECT * FROM {table}"):
            found += [(table, c, v) for c, v in dict(row).items() if isinstance(v, str)]
    return found


async def rows_of_community(db: Database, table: str, platform: str, external_id: str) -> int:
    """How many rows of a table belong to one community (by platform and platform id)."""
    sql = (
        f"SELECT COUNT(*) FROM {table} WHERE community_id ="
        " (SELECT id FROM communities WHERE platform = ? AND external_id = ?)"
    )
    return await count(db, sql, (platform, external_id))


async def insert_rows(
    db: Database, table: str, columns: str, values: list[tuple[Any, ...]]
) -> None:
    """Plain INSERTs in one transaction, to seed what no command writes in bulk."""
    async with db.transaction() as tx:
        marks = ", ".join("?" * len(values[0]))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        await tx.executemany(sql, values)


async def set_solved_at(db: Database, when_by_question: dict[int, str | None]) -> None:
    """Stamp when questions were solved, by row id (seeding figures)."""
    async with db.transaction() as tx:
        await tx.executemany(
            "UPDATE questions SET solved_at = ? WHERE id = ?",
            [(when, question) for question, when in when_by_question.items()],
        )


def file_questions(path: Path) -> list[tuple[int, str, str]]:
    """(number, text, status) of every question in a database file no bot holds open."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT number, text, status FROM questions ORDER BY rowid").fetchall()


async def questions_by_platform(db: Database) -> list[tuple[str, str, int]]:
    """(platform, community platform id, number) of every question, by platform."""
    found = await db.fetchall(
        "SELECT c.platform, c.external_id, q.number FROM questions q"
        " JOIN communities c ON c.id = q.community_id ORDER BY c.platform, q.number"
    )
    return [(str(r[0]), str(r[1]), int(r[2])) for r in found]


def add_community_to_file(path: Path, platform: str, external_id: str, name: str, at: str) -> None:
    """A second community row in a database file (commands then have to pick one)."""
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO communities (platform, external_id, name, created_at) VALUES (?, ?, ?, ?)",
            (platform, external_id, name, at),
        )


async def leave_platform_traces(
    db: Database, event_id: str, giver: int, receiver: int, at: str, dm: tuple[str, str]
) -> None:
    """What only a real platform leaves: an event id processed and on the ledger row of a
    mark `giver` gave `receiver`, and a failed DM timer with its (payload, error)."""
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO processed_events (community_id, event_id, processed_at) VALUES (1, ?, ?)",
            (event_id, at),
        )
        await tx.execute(
            "INSERT INTO reputation_ledger (community_id, member_id, delta, kind, reason,"
            " source_event_id, actor_id, created_at) VALUES (1, ?, 1, 'helpful', 'mark', ?, ?, ?)",
            (receiver, event_id, giver, at),
        )
        await tx.execute(
            "INSERT INTO timers (community_id, kind, key, due_at, payload_json, status,"
            " last_error, created_at) VALUES (1, 'dm', 'x', ?, ?, 'failed', ?, ?)",
            (at, dm[0], dm[1], at),
        )


async def secure_delete(db: Database) -> bool:
    """Whether SQLite overwrites deleted content with zeros on this connection."""
    return bool(await value(db, "PRAGMA secure_delete"))


async def vectors_by_model(db: Database) -> dict[str, int]:
    """How many articles each embedding model (and backend) has cached vectors for."""
    found = await rows(db, "SELECT model, COUNT(*) FROM article_vectors GROUP BY model")
    return {str(model): int(n) for model, n in found}


async def estimated_rows(db: Database, table: str) -> float:
    """PostgreSQL's planner estimate of a table's rows (-1: never analyzed: it plans blind)."""
    row = await db.fetchone(
        "SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relname = ?",
        (table,),
    )
    return float(row[0]) if row else -1.0
