"""What tests check about questions and answers: counts, states, texts, the status log.

`number=None` means the first question recorded (the only one, in most tests).
"""

from __future__ import annotations

from typing import Any

from bot.storage.db import Database
from tests.queries._db import count, rows, value

_WHICH = "(number = ? OR CAST(? AS INTEGER) IS NULL) ORDER BY id LIMIT 1"


async def question_count(db: Database, *, status: str | None = None) -> int:
    """How many questions are recorded (of one status if given)."""
    if status is None:
        return await count(db, "SELECT COUNT(*) FROM questions")
    return await count(db, "SELECT COUNT(*) FROM questions WHERE status = ?", (status,))


async def threaded_question_count(db: Database) -> int:
    """How many questions have a thread of their own."""
    return await count(db, "SELECT COUNT(*) FROM questions WHERE thread_id IS NOT NULL")


async def blank_question_count(db: Database) -> int:
    """How many questions had their text erased."""
    return await count(db, "SELECT COUNT(*) FROM questions WHERE text = ''")


async def question(db: Database, number: int | None = None) -> dict[str, Any]:
    """Every column of one question's row, by name (empty if there is no such question)."""
    row = await db.fetchone(f"SELECT * FROM questions WHERE {_WHICH}", (number, number))
    return {} if row is None else dict(row)


async def question_status(db: Database, number: int | None = None) -> str | None:
    """A question's status: open, answered, solved, closed …"""
    return await value(db, f"SELECT status FROM questions WHERE {_WHICH}", (number, number))


async def question_outcome(db: Database, number: int | None = None) -> str | None:
    """'status:resolution' of a question (None while it has no resolution)."""
    sql = f"SELECT status || ':' || resolution FROM questions WHERE {_WHICH}"
    return await value(db, sql, (number, number))


async def question_text(db: Database, number: int | None = None) -> str | None:
    """A question's stored text ('' once erased)."""
    return await value(db, f"SELECT text FROM questions WHERE {_WHICH}", (number, number))


async def question_thread(db: Database, number: int | None = None) -> str | None:
    """The platform id of a question's thread (None without one)."""
    return await value(db, f"SELECT thread_id FROM questions WHERE {_WHICH}", (number, number))


async def question_id(db: Database, number: int | None = None) -> int:
    """A question's row id."""
    return int(await value(db, f"SELECT id FROM questions WHERE {_WHICH}", (number, number)))


async def kb_outcome(db: Database, number: int | None = None) -> str | None:
    """What the members made of a question's knowledge-base suggestions."""
    return await value(db, f"SELECT kb_outcome FROM questions WHERE {_WHICH}", (number, number))


async def question_numbers(db: Database) -> list[int]:
    """Every question's number, in the order recorded."""
    return [int(r[0]) for r in await rows(db, "SELECT number FROM questions ORDER BY id")]


async def resolutions(db: Database) -> list[tuple[int, str | None]]:
    """(number, resolution) of every question, by number."""
    return await rows(db, "SELECT number, resolution FROM questions ORDER BY number")


async def threads_by_number(db: Database) -> list[tuple[int, str | None]]:
    """(number, thread id) of every question, by number."""
    return await rows(db, "SELECT number, thread_id FROM questions ORDER BY number")


async def question_states(db: Database) -> list[tuple[int, str, str | None]]:
    """(row id, status, thread id) of every question, in the order recorded."""
    return await rows(db, "SELECT id, status, thread_id FROM questions ORDER BY id")


async def status_history(db: Database, number: int) -> list[tuple[str, str]]:
    """(new status, when) of each change a question went through, in order."""
    sql = (
        "SELECT l.new_status, l.at FROM question_status_log l JOIN questions q"
        " ON q.id = l.question_id WHERE q.number = ? ORDER BY l.id"
    )
    return await rows(db, sql, (number,))


async def status_change_count(db: Database) -> int:
    """How many status changes are logged, all questions together."""
    return await count(db, "SELECT COUNT(*) FROM question_status_log")


async def asker_of(db: Database, text: str) -> str | None:
    """Platform id of whoever asked the question with this text (None once forgotten)."""
    sql = (
        "SELECT m.external_id FROM questions q JOIN members m ON m.id = q.asker_id WHERE q.text = ?"
    )
    return await value(db, sql, (text,))


async def set_question_text(db: Database, number: int, text: str) -> None:
    """Overwrite a question's text (to set up a scenario, e.g. a text retention must erase)."""
    async with db.transaction() as tx:
        await tx.execute("UPDATE questions SET text = ? WHERE number = ?", (text, number))


async def answer_count(db: Database, *, deleted: bool | None = None) -> int:
    """How many answers are recorded (only deleted, or only kept, ones if asked)."""
    if deleted is None:
        return await count(db, "SELECT COUNT(*) FROM answers")
    where = "deleted_at IS NOT NULL" if deleted else "deleted_at IS NULL"
    return await count(db, f"SELECT COUNT(*) FROM answers WHERE {where}")


async def blank_answer_count(db: Database) -> int:
    """How many answers had their text erased."""
    return await count(db, "SELECT COUNT(*) FROM answers WHERE text = ''")


async def answer(db: Database, position: int = 0) -> dict[str, Any]:
    """Every column of one answer's row (the first recorded by default), by name."""
    found = await db.fetchall("SELECT * FROM answers ORDER BY id LIMIT 1 OFFSET ?", (position,))
    return dict(found[0]) if found else {}


async def answer_messages(db: Database) -> list[tuple[int, str]]:
    """(row id, message id) of every answer, in the order recorded."""
    return await rows(db, "SELECT id, message_id FROM answers ORDER BY id")


async def answer_threads(db: Database) -> list[str | None]:
    """Thread id of the question each answer answers, in the order recorded."""
    sql = "SELECT q.thread_id FROM answers a JOIN questions q ON q.id = a.question_id ORDER BY a.id"
    return [r[0] for r in await rows(db, sql)]


async def shared_answers(db: Database) -> list[tuple[int, str, str, str | None]]:
    """(question number, message id, author's platform id, shared article slug or None)
    of every answer, in the order recorded."""
    sql = (
        "SELECT q.number, a.message_id, m.external_id, a.shared_article FROM answers a"
        " JOIN questions q ON q.id = a.question_id JOIN members m ON m.id = a.author_id"
        " ORDER BY a.id"
    )
    return [(int(r[0]), str(r[1]), str(r[2]), r[3]) for r in await rows(db, sql)]


async def unmarked_answer_messages(db: Database) -> list[str]:
    """Message ids of answers nobody marked helpful, in the order recorded."""
    sql = (
        "SELECT a.message_id FROM answers a LEFT JOIN helpful_marks h ON h.answer_id = a.id"
        " WHERE h.id IS NULL ORDER BY a.id"
    )
    return [str(r[0]) for r in await rows(db, sql)]


async def texts_and_authors(db: Database) -> list[tuple[int, str, str, bool, bool]]:
    """(number, question text, answer text, asker kept?, author kept?) of each answered
    question, by number."""
    sql = (
        "SELECT q.number, q.text, a.text, q.asker_id IS NOT NULL, a.author_id IS NOT NULL"
        " FROM questions q JOIN answers a ON a.question_id = q.id ORDER BY q.number"
    )
    return await rows(db, sql)
