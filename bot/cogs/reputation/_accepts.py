"""Accepted answers: accept, move to another answer, withdraw."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.cogs.reputation import _rules
from bot.cogs.reputation._outcome import Outcome, record
from bot.settings import CommunityDefaults
from bot.storage import awards, questions
from bot.storage.awards import Accept, AnswerRef
from bot.storage.db import Database


async def accept(
    db: Database,
    community_id: int,
    config: CommunityDefaults,
    answer: AnswerRef,
    accepter_id: int,
    event_id: str,
    at: datetime,
) -> Outcome:
    """Accept an answer as its question's solution (moving the points of an earlier one)."""
    changed: list[int] = []
    async with db.transaction() as tx:
        current = await awards.accepted(tx, answer.question_id)
        if current is not None and current.answer_id == answer.id:
            return Outcome("already", answer)
        author = answer.author_id
        own = author is None or author == accepter_id
        author_points = 0 if own else config.points_accepted
        if current is not None:
            asker_points = current.asker_points  # the asker's bonus stays with the question
            old_author = await awards.answer_author(tx, current.answer_id)
            if current.author_points and old_author is not None:
                await record(
                    tx,
                    community_id,
                    old_author,
                    -current.author_points,
                    "accepted",
                    "moved",
                    at,
                    event_id,
                    answer.question_id,
                    current.answer_id,
                    accepter_id,
                )
                changed.append(old_author)
        else:
            asker = answer.asker_id
            asker_points = config.points_accept_bonus if asker and asker != author else 0
            if asker_points and asker is not None:
                await record(
                    tx,
                    community_id,
                    asker,
                    asker_points,
                    "accept_bonus",
                    "accept",
                    at,
                    event_id,
                    answer.question_id,
                    answer.id,
                    accepter_id,
                )
                changed.append(asker)
        if author_points and author is not None:
            await record(
                tx,
                community_id,
                author,
                author_points,
                "accepted",
                "accept",
                at,
                event_id,
                answer.question_id,
                answer.id,
                accepter_id,
            )
            changed.append(author)
        await awards.set_accept(
            tx,
            community_id,
            Accept(answer.question_id, answer.id, accepter_id, author_points, asker_points),
            at,
        )
        question = await questions.by_id(tx, community_id, answer.question_id)
        solved_now = question is not None and question.status != "solved"
        if question is not None and solved_now:
            resolution = "staff" if answer.by_staff else "community"
            await questions.mark_solved(tx, question, at, accepter_id, resolution)
    status = "accepted_and_solved" if solved_now else "accepted"
    refusal = _rules.SELF if own else None
    return Outcome(status, answer, author_points, refusal, author, tuple(changed))


async def unaccept(
    db: Database, community_id: int, question_id: int, by_id: int, event_id: str, at: datetime
) -> Outcome:
    """Withdraw a question's accept: its author's and the asker's points are reversed."""
    changed: list[int] = []
    async with db.transaction() as tx:
        current = await awards.accepted(tx, question_id)
        if current is None:
            return Outcome("not_accepted")
        changed = await reverse_accept(tx, community_id, current, "unaccept", event_id, at, by_id)
        await awards.clear_accept(tx, question_id)
    return Outcome("unaccepted", changed=tuple(changed))


async def reverse_accept(
    tx: aiosqlite.Connection,
    community_id: int,
    current: Accept,
    reason: str,
    event_id: str,
    at: datetime,
    actor_id: int | None,
) -> list[int]:
    changed = []
    author = await awards.answer_author(tx, current.answer_id)
    if current.author_points and author is not None:
        await record(
            tx,
            community_id,
            author,
            -current.author_points,
            "accepted",
            reason,
            at,
            event_id,
            current.question_id,
            current.answer_id,
            actor_id,
        )
        changed.append(author)
    if current.asker_points:
        asker = await _asker(tx, current.question_id)
        if asker is not None:
            await record(
                tx,
                community_id,
                asker,
                -current.asker_points,
                "accept_bonus",
                reason,
                at,
                event_id,
                current.question_id,
                current.answer_id,
                actor_id,
            )
            changed.append(asker)
    return changed


async def _asker(tx: aiosqlite.Connection, question_id: int) -> int | None:
    cur = await tx.execute("SELECT asker_id FROM questions WHERE id = ?", (question_id,))
    row = await cur.fetchone()
    return row[0] if row else None
