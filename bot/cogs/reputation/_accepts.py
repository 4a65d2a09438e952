"""Accepted answers: accept, move to another answer, withdraw (the bounty follows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiosqlite

from bot.cogs.reputation import _bounty, _rules
from bot.cogs.reputation._outcome import Outcome, Source
from bot.settings import CommunityDefaults
from bot.storage import awards, questions
from bot.storage.awards import Accept, AnswerRef
from bot.storage.store import Store

if TYPE_CHECKING:
    from bot.scheduler.timers import Timers


async def accept(
    db: Store, source: Source, config: CommunityDefaults, timers: Timers, answer: AnswerRef
) -> Outcome:
    """Accept an answer as its question's solution (moving the points of an earlier one, and
    the bounty)."""
    accepter_id = source.actor_id
    async with db.transaction() as tx:
        current = await awards.accepted(tx, answer.question_id)
        if current is not None and current.answer_id == answer.id:
            return Outcome("already", answer)
        author = answer.author_id
        own = author is None or author == accepter_id
        full = _rules.full_points(config.points_accepted, answer.shared, config)
        author_points = 0 if own else full
        if current is not None:
            # Moved: the old author's points go; the asker's bonus stays with the question.
            changed = await reverse_accept(tx, source, current, "moved", asker_too=False)
            asker_points = current.asker_points
        else:
            changed = []
            asker = answer.asker_id
            asker_points = config.points_accept_bonus if asker and asker != author else 0
            if asker_points and asker is not None:
                await source.write(
                    tx, asker, asker_points, "accept_bonus", "accept", answer.question_id, answer.id
                )
                changed.append(asker)
        if author_points and author is not None:
            await source.write(
                tx, author, author_points, "accepted", "accept", answer.question_id, answer.id
            )
            changed.append(author)
        record = Accept(answer.question_id, answer.id, accepter_id, author_points, asker_points)
        await awards.set_accept(tx, source.community_id, record, source.at)
        earner = _rules.bounty_earner(author, accepter_id, answer.shared, config)
        bounty = await _bounty.follow(
            tx, source, timers, answer.question_id, answer.question_number, earner, "moved"
        )
        changed += _bounty.members(bounty)
        question = await questions.by_id(tx, source.community_id, answer.question_id)
        solved_now = question is not None and question.status != "solved"
        if question is not None and solved_now and accepter_id is not None:
            resolution = "staff" if answer.by_staff else "community"
            await questions.mark_solved(tx, question, source.at, accepter_id, resolution)
    status = "accepted_and_solved" if solved_now else "accepted"
    refusal = _rules.SELF if own else None
    return Outcome(status, answer, author_points, refusal, author, tuple(changed), bounty)


async def unaccept(db: Store, source: Source, timers: Timers, question_id: int) -> Outcome:
    """Withdraw a question's accept: its author's and the asker's points are reversed, and its
    bounty goes back to escrow."""
    async with db.transaction() as tx:
        current = await awards.accepted(tx, question_id)
        if current is None:
            return Outcome("not_accepted")
        changed = await reverse_accept(tx, source, current, "unaccept")
        await awards.clear_accept(tx, question_id)
        question = await questions.by_id(tx, source.community_id, question_id)
        bounty = None
        if question is not None:
            bounty = await _bounty.follow(
                tx, source, timers, question_id, question.number, None, "unaccept"
            )
            changed += _bounty.members(bounty)
    return Outcome("unaccepted", changed=tuple(changed), bounty=bounty)


async def reverse_accept(
    tx: aiosqlite.Connection,
    source: Source,
    current: Accept,
    reason: str,
    *,
    asker_too: bool = True,
) -> list[int]:
    """Take back what an accept gave; returns whose totals moved."""
    changed = []
    author = await awards.answer_author(tx, current.answer_id)
    if current.author_points and author is not None:
        await source.write(
            tx,
            author,
            -current.author_points,
            "accepted",
            reason,
            current.question_id,
            current.answer_id,
        )
        changed.append(author)
    asker = await awards.question_asker(tx, current.question_id)
    if asker_too and current.asker_points and asker is not None:
        await source.write(
            tx,
            asker,
            -current.asker_points,
            "accept_bonus",
            reason,
            current.question_id,
            current.answer_id,
        )
        changed.append(asker)
    return changed
