"""The command line with ENTRAIDE_DATABASE_URL naming PostgreSQL: a script run keeps its data
there (no SQLite file is made); health, insights and kb index/search read it there; a --db
beside the URL is refused with the reason."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bot.storage.pg_backup import dump_command
from bot.storage.postgres import PostgresDatabase
from tests import queries as q
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
    store = PostgresDatabase(pg_schema.dsn, schema=pg_schema.schema)
    await store.open()
    try:
        assert await q.question_count(store) == 1
        assert await q.rows_in(store, "answers") == 1
    finally:
        await store.close()


async def test_insights_reads_the_figures_in_postgresql(
    pg_schema: PgSchema, tmp_path: Path
) -> None:
    """A script run on PostgreSQL, then `insights` on the same URL: the figures of its day."""
    script = tmp_path / "s.txt"
    script.write_text(
        "alice: How do I export my data?\nbob reply Q1: /privacy export\nalice /accept ^bob\n"
        "carol: Where are the logs?\n",
        "utf-8",
    )
    env = {"ENTRAIDE_DATABASE_URL": url_of(pg_schema)}
    assert run_bot("run", "--script", str(script), extra_env=env).returncode == 0
    result = run_bot("insights", "--from", "2026-01-01", "--to", "2026-12-31", extra_env=env)
    assert result.returncode == 0, result.stderr
    figures = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert figures["Questions asked"].startswith("2")
    assert figures["Response rate"].startswith("50% (1 of 2)")
    assert figures["Solved by the community"].startswith("1 (50%)")


async def test_kb_index_and_search_use_the_postgresql_store(
    pg_schema: PgSchema, tmp_path: Path
) -> None:
    """`kb index` caches the shipped articles' BM25 tokens in PostgreSQL, and `kb search`
    answers; no SQLite file is made."""
    data = tmp_path / "data" / "entraide.db"
    env = {
        "ENTRAIDE_DATABASE_URL": url_of(pg_schema),
        "ENTRAIDE_STORAGE__DB_PATH": str(data),
        "ENTRAIDE_RETRIEVAL__DENSE": "false",
    }
    first = run_bot("kb", "index", extra_env=env)
    assert first.returncode == 0, first.stderr
    assert re.fullmatch(r"\d+ articles: 0 embedded, 0 from cache, 0 skipped\n", first.stdout)
    store = PostgresDatabase(pg_schema.dsn, schema=pg_schema.schema)
    await store.open()
    try:
        assert await q.rows_in(store, "article_tokens") == int(first.stdout.split()[0])
    finally:
        await store.close()
    found = run_bot("kb", "search", "how do I mark a question solved", extra_env=env)
    assert found.returncode == 0, found.stderr
    assert found.stdout.startswith("1. en/")
    assert not data.exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["insights", "--from", "2026-01-01", "--to", "2026-01-08"],
            "cannot read postgresql://postgres@127.0.0.1:9/none",
        ),
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


async def test_backup_on_postgresql_is_a_pg_dump_archive(
    pg_schema: PgSchema, tmp_path: Path
) -> None:
    """The store's schema goes to a pg_restore-able archive; the password stays off the
    command line (PGPASSWORD)."""
    store = PostgresDatabase(pg_schema.dsn, schema=pg_schema.schema)
    await store.open()
    await store.close()
    target = tmp_path / "backups" / "entraide.dump"
    result = run_bot("backup", str(target), extra_env={"ENTRAIDE_DATABASE_URL": url_of(pg_schema)})
    assert result.returncode == 0, result.stderr
    assert "pg_restore" in result.stdout
    listing = archive_listing(target)
    assert f"TABLE {pg_schema.schema} questions" in listing
    assert f"TABLE {pg_schema.schema} reputation_ledger" in listing


def archive_listing(target: Path) -> str:
    """What pg_restore finds in an archive."""
    done = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_password_goes_to_pg_dump_through_the_environment() -> None:
    command, env = dump_command(
        "postgresql://bot:s3cret@db:5432/entraide?search_path=t1&sslmode=require",
        Path("x.dump"),
    )
    assert env == {"PGPASSWORD": "s3cret"}
    assert not any("s3cret" in part for part in command)
    assert "--dbname=postgresql://bot@db:5432/entraide?sslmode=require" in command
    assert "--schema=t1" in command


def test_without_pg_dump_the_backup_says_what_to_do(tmp_path: Path) -> None:
    result = run_bot(
        "backup",
        str(tmp_path / "x.dump"),
        extra_env={
            "ENTRAIDE_DATABASE_URL": "postgresql://postgres@127.0.0.1:9/none",
            "PATH": "/nonexistent",
        },
    )
    assert result.returncode == 1
    assert "pg_dump not found" in result.stderr


COMMUNITY_LIFE = [
    "alice: How do I export my data?",
    "bob reply Q1: /privacy export sends it to you.",
    "carol reply Q1: Or ask staff.",
    "alice react ^bob ✅",
    "dave react ^bob ✅",
    "alice /accept ^bob",
    "carol: Is there a dark mode?",
    "bob reply Q2: Settings › Appearance.",
    "carol react ^bob ✅",
    "wait 2h",
]


def play(script: list[str], tmp_path: Path, env: dict[str, str], name: str) -> str:
    """`python -m bot run --script` on these lines; its transcript."""
    path = tmp_path / f"{name}.txt"
    path.write_text("\n".join(script) + "\n", "utf-8")
    result = run_bot("run", "--script", str(path), extra_env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


async def test_a_community_moves_from_sqlite_to_postgresql_whole(
    pg_schema: PgSchema, tmp_path: Path
) -> None:
    """Questions, answers, marks, accepts, timers and points come over as they were, checked;
    the bot then goes on from there on PostgreSQL (bob's points, Q3 next)."""
    sqlite_file = tmp_path / "data" / "entraide.db"
    on_sqlite = {"ENTRAIDE_STORAGE__DB_PATH": str(sqlite_file)}
    play(COMMUNITY_LIFE, tmp_path, on_sqlite, "life")
    before = play(["bob /rep"], tmp_path, on_sqlite, "rep")
    result = run_bot("migrate-db", "--from", str(sqlite_file), "--to", url_of(pg_schema))
    assert result.returncode == 0, result.stderr
    assert "checked: every table's rows, every reputation total against its ledger" in result.stdout
    store = PostgresDatabase(pg_schema.dsn, schema=pg_schema.schema)
    await store.open([])
    try:  # analyzed: the copy's queries are planned from statistics from the start
        assert await q.estimated_rows(store, "reputation_ledger") > 0
        assert await q.estimated_rows(store, "questions") > 0
    finally:
        await store.close()
    on_postgresql = {
        "ENTRAIDE_DATABASE_URL": url_of(pg_schema),
        "ENTRAIDE_STORAGE__DB_PATH": str(tmp_path / "pg-data" / "entraide.db"),
    }
    after = play(["bob /rep", "dave: And a light mode?"], tmp_path, on_postgresql, "go-on")
    points = re.compile(r"@bob: (\d+) points")
    assert points.findall(after) == points.findall(before) != []
    assert "Question Q3 is open" in after
    again = run_bot("migrate-db", "--from", str(sqlite_file), "--to", url_of(pg_schema))
    assert again.returncode == 2
    assert "already holds communities" in again.stderr


@pytest.mark.parametrize(
    ("source", "target", "says"),
    [
        ("postgresql://a@h/db", "postgresql://b@h/db", "--from takes a SQLite file"),
        ("x.db", "y.db", "--to takes a postgresql:// URL"),
        ("x.db", "mysql://h/db", "unsupported database mysql://"),
    ],
)
def test_migrate_db_says_what_it_takes(source: str, target: str, says: str) -> None:
    result = run_bot("migrate-db", "--from", source, "--to", target)
    assert result.returncode == 2
    assert says in result.stderr


async def test_a_missing_sqlite_file_is_named(pg_schema: PgSchema, tmp_path: Path) -> None:
    result = run_bot("migrate-db", "--from", str(tmp_path / "none.db"), "--to", url_of(pg_schema))
    assert result.returncode == 2
    assert f"no SQLite database at {tmp_path / 'none.db'}" in result.stderr
