"""What PostgreSQL is sent for the storage modules' SQL (written once, in the form both
dialects accept): SQLite's few own forms rewritten, `?` and `:name` placeholders numbered
$1, $2…, and a connection that runs it with aiosqlite's calls (execute → cursor with
fetchone, fetchall, rowcount; executemany)."""

from __future__ import annotations

import functools
import re
from collections.abc import Coroutine, Generator, Iterable, Mapping, Sequence
from typing import Any

# Placeholders outside string literals and quoted names: ?, or :name (not ::casts).
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?|(?<![:\w]):([A-Za-z_]\w*)")
_STATUS_COUNT = re.compile(r"(\d+)$")
# Statements that give rows back: a query, or a change with RETURNING.
_RETURNS_ROWS = re.compile(r"^\s*(SELECT|WITH|VALUES|EXPLAIN|SHOW)\b|\bRETURNING\b", re.IGNORECASE)
# SQLite's planner hints (INDEXED BY, NOT INDEXED) mean nothing to PostgreSQL's planner and
# change no result; instr(haystack, needle) is strpos there. Rewritten, so the storage
# modules keep one text per query.
_SQLITE_ONLY = (
    (re.compile(r"\s+INDEXED\s+BY\s+\w+|\s+NOT\s+INDEXED\b", re.IGNORECASE), ""),
    (re.compile(r"\binstr\(", re.IGNORECASE), "strpos("),
    # SQLite's CROSS JOIN … ON fixes the join order (a hint); PostgreSQL wants JOIN … ON.
    (re.compile(r"\bCROSS\s+JOIN\b(?=\s+\w+(?:\s+\w+)?\s+ON\b)", re.IGNORECASE), "JOIN"),
    # json_each(t.col) alias → the JSON array's elements as rows with a `value` column.
    (
        re.compile(r"\bjson_each\((\w+\.\w+)\)\s+(?:AS\s+)?(\w+)", re.IGNORECASE),
        r"jsonb_array_elements_text(\1::jsonb) AS \2(value)",
    ),
    # a IS b / a IS NOT b between values: SQLite's null-safe comparison.
    (
        re.compile(r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.IGNORECASE),
        "IS DISTINCT FROM ",
    ),
    (
        re.compile(r"\bIS\s+(?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.IGNORECASE),
        "IS NOT DISTINCT FROM ",
    ),
)


@functools.lru_cache(maxsize=1024)
def for_postgres(sql: str) -> str:
    """The query without SQLite's planner hints, with PostgreSQL's name for instr."""
    for pattern, replacement in _SQLITE_ONLY:
        sql = pattern.sub(replacement, sql)
    return sql


def numbered(sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> tuple[str, list[Any]]:
    """The query with PostgreSQL's $1, $2… placeholders, and its arguments in that order."""
    names: dict[str, int] = {}
    values: list[Any] = []

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token[0] in "'\"" or token == "::":
            return token
        if token == "?":
            if isinstance(params, Mapping):
                raise ValueError("a ? placeholder with named parameters")
            values.append(params[len(values)])
            return f"${len(values)}"
        name = match.group(1)
        if not isinstance(params, Mapping):
            raise ValueError(f"a :{name} placeholder with positional parameters")
        if name not in names:
            values.append(params[name])
            names[name] = len(values)
        return f"${names[name]}"

    query = _TOKENS.sub(replace, for_postgres(sql))
    if not isinstance(params, Mapping) and len(values) != len(params):
        raise ValueError(f"{len(params)} parameters for {len(values)} placeholders")
    return query, values


class PgCursor:
    """The rows and count of one statement, read like an aiosqlite cursor."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        self.lastrowid = None  # PostgreSQL has none: write INSERT … RETURNING id

    async def fetchone(self) -> Any | None:
        """The next row, or None."""
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchall(self) -> list[Any]:
        """The rows not read yet."""
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows


class _Pending:
    """A statement on its way: awaitable, or an async context manager giving its cursor."""

    def __init__(self, running: Coroutine[Any, Any, PgCursor]) -> None:
        self._running = running

    def __await__(self) -> Generator[Any, None, PgCursor]:
        return self._running.__await__()

    async def __aenter__(self) -> PgCursor:
        return await self._running

    async def __aexit__(self, *_exc: object) -> None:
        return None


class PgConnection:
    """An asyncpg connection with the aiosqlite calls the storage modules make."""

    def __init__(self, conn: Any) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> _Pending:
        """Run one statement; its rows (if any) and how many rows it touched. Awaited, or
        used as `async with conn.execute(…) as cursor`, as aiosqlite allows."""
        return _Pending(self._execute(sql, params))

    async def _execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> PgCursor:
        query, values = numbered(sql, params)
        values = [_storable(v) for v in values]
        try:
            # fetch and execute go through asyncpg's statement cache: one round trip for a
            # statement this connection ran before (prepare() would make a new one each time).
            if _RETURNS_ROWS.search(query):
                rows = await self.raw.fetch(query, *values)
                return PgCursor(list(rows), len(rows))
            status = await self.raw.execute(query, *values)
        except Exception as exc:
            exc.add_note(f"PostgreSQL statement: {query}")  # which of the storage's queries
            raise
        return PgCursor([], _count(status, 0))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each parameter row."""
        batch = list(rows)
        if not batch:
            return
        query, _ = numbered(sql, batch[0])
        rows_of_values = [[_storable(v) for v in numbered(sql, row)[1]] for row in batch]
        await self.raw.executemany(query, rows_of_values)


def _storable(value: Any) -> Any:
    """A text without NUL characters: PostgreSQL's text refuses them (SQLite keeps them), and
    a member's message may hold some; nothing readable is lost."""
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


def _count(status: str | None, returned: int) -> int:
    """Rows touched, from the command tag ("INSERT 0 1", "UPDATE 3"; SELECT: rows returned)."""
    if not status:
        return returned
    found = _STATUS_COUNT.search(status)
    return int(found.group(1)) if found else returned
