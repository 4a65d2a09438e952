"""Privacy on disk: a forgotten member's texts leave the database file, its WAL and its shared
memory file, not just the tables (issue 15 point 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import queries as q
from tests.fakes.console import ConsoleDriver, console_community

pytestmark = pytest.mark.sqlite_file

# Distinctive enough that no page of an unrelated row could hold it by chance.
QUESTION = "Why does the zebra-quokka-7731 gateway drop my uploads?"
ANSWER = "Restart the quokka-zebra-1377 relay, then retry the upload."
ASKED = "alice: How do I rotate my API keys?"


def on_disk(db_path: Path, text: str) -> list[str]:
    """Which of the database's files hold `text` (UTF-8 bytes), by name."""
    needle = text.encode("utf-8")
    files = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")]
    return [f.name for f in files if f.exists() and needle in f.read_bytes()]


async def forget(driver: ConsoleDriver, name: str) -> None:
    """`NAME /privacy forget`, then the confirmation press."""
    out = await driver.feed(f"{name} /privacy forget")
    message = out[-1].split(" ", 1)[0]  # the M<n> the confirmation starts with
    out = await driver.feed(f"{name} press {message} Yes, erase my data")
    assert "erased" in out[-1]


async def test_a_forgotten_members_texts_are_in_no_database_file(tmp_path: Path) -> None:
    """bob asks and answers with distinctive words; once forgotten, neither the .db file
    nor its -wal or -shm holds those bytes, and the connection still uses secure_delete."""
    db_path = tmp_path / "entraide.db"
    async with console_community(db_path) as bot:
        await bot.feed(ASKED, f"bob reply Q1: {ANSWER}", f"bob: {QUESTION}")
        assert on_disk(db_path, QUESTION)  # before: the test can see it
        assert on_disk(db_path, ANSWER)

        await forget(bot, "bob")

        assert on_disk(db_path, QUESTION) == []
        assert on_disk(db_path, ANSWER) == []
        assert await q.secure_delete(bot.app.db)
        assert await q.question_count(bot.app.db) == 2  # the rows stay


async def test_texts_erased_by_retention_are_in_no_database_file(tmp_path: Path) -> None:
    """Past retention_days the purge blanks the texts; the files no longer hold them."""
    db_path = tmp_path / "entraide.db"
    async with console_community(db_path) as bot:
        await bot.feed(
            "admin /entraide config set retention_days 30",
            f"bob: {QUESTION}",
            f"carol reply Q1: {ANSWER}",
        )
        assert on_disk(db_path, QUESTION)
        await bot.feed("wait 31d", "wait 1d")

        assert await q.question_text(bot.app.db, 1) == ""
        assert on_disk(db_path, QUESTION) == []
        assert on_disk(db_path, ANSWER) == []
