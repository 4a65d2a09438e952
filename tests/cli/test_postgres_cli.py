"""The command line with ENTRAIDE_DATABASE_URL naming PostgreSQL: a script run keeps its data
there (no SQLite file is made), health reads the schema there, and the commands that only
know the SQLite file yet, or a --db beside the URL, are refused with the reason."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from bot.storage.postgres import PostgresDatabase
from tests.cli.test_main import run_bot
from tests.storage.postgres_fixtures import PgSchema


def url_of(where: PgSchema) -> str:
    return f"{where.dsn}?search_path={where.schema}"


async def test_a_script_run_keeps_its_data_in_postgresql(
    pg_schema: PgSchema, tmp_path: Path
) -> None:
    script = tmp_path / "s.txt"
    script.write_text("alice: How do I export my data?\nbob reply Q1: /privacy export\n", "utf-8")
    data = tmp_path / "data" / "entraide.db"
    result = run_bot(
        "run",
        "--script",
        str(script),
        extra_env={
            "ENTRAIDE_DATABASE_URL": url_of(pg_schema),
            "ENTRAIDE_STORAGE__DB_PATH": str(data),
        },
    )
    assert result.returncode == 0, result.stderr
    assert "Question Q1 is open" in result.stdout
    assert not data.exists()  # nothing went to a SQLite file
    conn = await asyncpg.connect(url_of(pg_schema))
    try:
        assert await conn.fetchval("SELECT COUNT(*) FROM questions") == 1
        assert await conn.fetchval("SELECT COUNT(*) FROM answers") == 1
    finally:
        await conn.close()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["backup", "copy.db"], "`backup` works on the SQLite database only so far"),
        (
            ["insights", "--from", "2026-01-01", "--to", "2026-01-08"],
            "`insights` works on the SQLite database only so far",
        ),
        (["kb", "search", "points"], "`kb search` works on the SQLite database only so far"),
        (["run", "--console", "--db", "x.db"], "--db names a SQLite file, but"),
    ],
)
def test_what_needs_the_sqlite_file_is_refused_with_the_reason(args: list[str], says: str) -> None:
    result = run_bot(
        *args, extra_env={"ENTRAIDE_DATABASE_URL": "postgresql://postgres@127.0.0.1:9/none"}
    )
    assert result.returncode == 2
    assert says in result.stderr
    assert result.stdout == ""


async def test_health_reads_the_schema_in_postgresql(pg_schema: PgSchema, tmp_path: Path) -> None:
    """The store answers: health goes on to the heartbeat (none yet: unhealthy for that);
    a store that doesn't answer is named, without its password."""
    env = {"ENTRAIDE_STORAGE__DB_PATH": str(tmp_path / "entraide.db")}
    result = run_bot("health", extra_env=env | {"ENTRAIDE_DATABASE_URL": url_of(pg_schema)})
    assert result.returncode == 1
    assert "has no Entraide tables" in result.stderr  # never started on it
    store = PostgresDatabase(pg_schema.dsn, schema=pg_schema.schema)
    await store.open()  # what the bot does at start: the migrations
    await store.close()
    result = run_bot("health", extra_env=env | {"ENTRAIDE_DATABASE_URL": url_of(pg_schema)})
    assert result.returncode == 1
    assert "heartbeat" in result.stderr
    assert "does not answer" not in result.stderr
    dead = "postgresql://bot:s3cret@127.0.0.1:9/none"
    result = run_bot("health", extra_env=env | {"ENTRAIDE_DATABASE_URL": dead})
    assert result.returncode == 1
    assert "postgresql://bot:***@127.0.0.1:9/none does not answer" in result.stderr
    assert "s3cret" not in result.stderr
