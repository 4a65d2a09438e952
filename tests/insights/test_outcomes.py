"""Outcomes that separate, time to help and to solution, per-channel figures, top helpers,
the oldest unanswered questions and the claim SLA, on a second hand-built history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.insights.model import Channel, Durations, Insights, MemberFigure, Waiting
from bot.storage.db import Database
from tests.insights.test_figures import (
    ANN,
    BOB,
    CAT,
    CID,
    DAN,
    EVE,
    GUS,
    MEMBERS,
    SAM,
    at,
    community,
    escalations,
    figures,
    outcomes,
)
from tests.queries import insert_rows

# id, asker, channel, asked, status, resolution, solved, closed (PERIOD: the 2nd to the 4th)
QUESTIONS = [
    (21, ANN, "help", "2 10:00", "solved", "kb", "2 10:05", None),
    (22, EVE, "help", "2 11:00", "solved", "community", "2 11:30", None),
    (23, ANN, "help", "2 12:00", "solved", "staff", "2 13:00", None),
    (24, EVE, "billing", "3 09:00", "solved", "asker", "3 10:00", None),
    (25, ANN, "billing", "3 10:00", "answered", None, None, "4 10:30"),  # closed as answered
    (26, EVE, "billing", "3 11:00", "answered", None, None, None),
    (27, ANN, "help", "3 12:00", "answered", None, None, None),
    (28, EVE, "billing", "4 08:00", "open", None, None, None),
    (29, ANN, "help", "4 09:00", "escalated", None, None, None),
    (20, GUS, "help", "1 20:00", "answered", None, None, None),  # the period before
]
# id, question, author, by_staff, posted
ANSWERS = [
    (21, 22, BOB, 0, "2 11:10"),  # accepted
    (22, 23, SAM, 1, "2 12:20"),  # staff, unmarked
    (23, 25, CAT, 0, "3 10:30"),
    (24, 26, DAN, 0, "3 11:05"),  # unmarked
    (25, 26, BOB, 0, "3 11:20"),  # marked helpful
    (26, 27, DAN, 0, "3 12:40"),  # its one mark refused (pair_limit)
    (20, 20, BOB, 0, "1 20:30"),
]
# member, delta, kind, reason, when: what the helpers ranking reads
LEDGER = [
    (BOB, 15, "accepted", "accept", "2 11:30"),
    (EVE, 2, "accept_bonus", "accept", "2 11:30"),  # the asker's bonus: not helping
    (EVE, -50, "bounty", "escrow", "2 11:05"),
    (BOB, 50, "bounty", "award", "2 11:30"),  # a bounty won is helping
    (BOB, 10, "helpful", "mark", "3 11:30"),
    (CAT, 10, "helpful", "mark", "3 12:00"),
    (CAT, -10, "helpful", "unmark", "3 12:10"),  # taken back: 0, not listed
    (DAN, 10, "helpful", "mark", "3 13:00"),
    (DAN, 100, "adjust", "adjust", "3 14:00"),  # an admin's adjustment: not helping
    (ANN, 2, "accept_bonus", "accept", "4 10:00"),  # only the asker's bonus: not a helper
    (SAM, 15, "accepted", "accept", "4 10:00"),  # staff: not on the community's ranking
    (GUS, 25, "bounty", "refund", "4 11:00"),  # a sponsor's refund: not helping
    (BOB, 10, "helpful", "mark", "1 21:00"),  # the period before
]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """The history above in a migrated database."""
    database = Database(tmp_path / "outcomes.db")
    await database.open()
    await community(database, MEMBERS)
    first: dict[int, str] = {}
    for _, q, _, _, posted in sorted(ANSWERS, key=lambda a: str(a[4])):
        first.setdefault(q, posted)
    rows: list[tuple[Any, ...]] = [
        (q, CID, q, f"o{q}", ch, who, "?", st, res, at(t), at(first.get(q)), at(sv), at(cl))
        for q, who, ch, t, st, res, sv, cl in QUESTIONS
    ]
    await insert_rows(
        database,
        "questions",
        "id, community_id, number, origin_id, channel_id, asker_id, text, status, resolution,"
        " created_at, first_answer_at, solved_at, closed_at",
        rows,
    )
    await insert_rows(
        database,
        "answers",
        "id, community_id, question_id, message_id, author_id, by_staff, text, created_at",
        [(a, CID, q, f"m{a}", who, staff, "!", at(p)) for a, q, who, staff, p in ANSWERS],
    )
    await insert_rows(
        database,
        "accepted_answers",
        "question_id, community_id, answer_id, accepter_id, author_points, asker_points,"
        " accepted_at",
        [(22, CID, 21, EVE, 15, 2, at("2 11:30"))],
    )
    await insert_rows(
        database,
        "helpful_marks",
        "community_id, answer_id, giver_id, receiver_id, points, refusal, marked_at",
        [
            (CID, 25, EVE, BOB, 10, None, at("3 11:30")),
            (CID, 26, ANN, DAN, 0, "pair_limit", at("3 12:45")),
        ],
    )
    await escalations(
        database,
        [
            # Q21 solved by an article while its escalation waited: closed itself, never
            # claimed: staff never had to act → left out of the claim SLA.
            (21, CID, "sensitive", "closed", at("2 10:00"), None, at("2 10:05")),
            # Q23 claimed after 10 minutes, then closed with its question: met.
            (23, CID, "sla", "closed", at("2 12:30"), at("2 12:40"), at("2 13:00")),
            # Q29 open, unclaimed for 14 h 50 min at NOW: missed.
            (29, CID, "sla", "open", at("4 09:30"), None, None),
        ],
    )
    await insert_rows(
        database,
        "reputation_ledger",
        "community_id, member_id, delta, kind, reason, created_at",
        [(CID, m, d, kind, why, at(when)) for m, d, kind, why, when in LEDGER],
    )
    try:
        yield database
    finally:
        await database.close()


async def test_outcomes_separate(db: Database) -> None:
    """Each of the eight outcomes, once (unanswered twice)."""
    got = await figures(db)
    assert got.asked == 9
    assert got.outcomes == outcomes(
        kb=1,  # Q21
        community=1,  # Q22
        staff=1,  # Q23
        asker=1,  # Q24
        closed=1,  # Q25: answered, then closed
        helped=1,  # Q26: Bob's answer marked helpful, not solved
        unhelped=1,  # Q27: answered, the one mark refused
        unanswered=2,  # Q28, Q29
    )
    # Answered: Q22 600 s, Q23 1,200, Q25 1,800, Q26 300, Q27 2,400 → 5 / 9; median 1,200,
    # p90 at 0.9 × 4 = 3.6 → 1,800 + 0.6 × 600 = 2,160.
    assert (got.answered, got.response_rate) == (5, pytest.approx(5 / 9))
    assert got.first_response == Durations(5, 1200.0, pytest.approx(2160.0))
    # First helpful: Q22 a21 600 s (accepted), Q26 a25 1,200 (Dan's earlier a24 unmarked).
    # n = 2: median 900, p90 at 0.9 → 600 + 0.9 × 600 = 1,140.
    assert got.first_helpful == Durations(2, 900.0, pytest.approx(1140.0))
    # Solved: Q21 300, Q22 1,800, Q23 3,600, Q24 3,600 → median 2,700; p90 at 2.7 → 3,600.
    assert got.solution == Durations(4, 2700.0, pytest.approx(3600.0))


async def test_claim_sla_leaves_out_escalations_nobody_had_to_act_on(db: Database) -> None:
    """Q21's escalation closed itself unclaimed: neither met nor missed. Q23 met, Q29 missed."""
    got = await figures(db)
    assert got.escalated == 3
    assert (got.sla_total, got.sla_met, got.sla_compliance) == (2, 1, 0.5)


async def test_channels(db: Database) -> None:
    """#help: Q21, Q22, Q23, Q27, Q29; #billing: Q24, Q25, Q26, Q28."""
    got = await figures(db)
    assert got.channels == [
        # Answered Q22 600, Q23 1,200, Q27 2,400 → 3 / 5, median 1,200; solved Q21–Q23.
        Channel("help", 5, 3, 0.6, 1200.0, 3, 0.6),
        # Answered Q25 1,800, Q26 300 → 2 / 4, median 1,050; solved Q24.
        Channel("billing", 4, 2, 0.5, 1050.0, 1, 0.25),
    ]


async def test_top_helpers_rank_points_earned_helping(db: Database) -> None:
    """Bob 15 (accept) + 50 (bounty) + 10 (mark) = 75; Dan 10 (his adjustment left out);
    Cat's mark was taken back (0); Ann and Eve only got the asker's bonus; Sam is staff; Gus's
    refund is not helping; Bob's mark of the 1st is before the period."""
    got = await figures(db)
    assert got.helpers == [
        MemberFigure(BOB, "Bob", 2, 2, 75),  # a21 accepted, a25 marked
        MemberFigure(DAN, "Dan", 2, 0, 10),  # a24 unmarked, a26's mark refused
    ]


async def test_oldest_unanswered_questions(db: Database) -> None:
    """Q28 and Q29 have no answer: oldest first, with their age at NOW (00:20 on the 5th)."""
    got = await figures(db)
    assert got.waiting == [
        Waiting(28, "billing", datetime(2026, 3, 4, 8, tzinfo=UTC), 58_800.0),
        Waiting(29, "help", datetime(2026, 3, 4, 9, tzinfo=UTC), 55_200.0),
    ]


async def test_previous_period_is_the_same_length_just_before(db: Database) -> None:
    """[27 Feb, 2 Mar): Q20 alone, answered by Bob after 30 minutes, nothing helpful."""
    got = await figures(db)
    before = got.previous
    assert isinstance(before, Insights)
    assert before.period.end == got.period.start
    assert before.period.end - before.period.start == got.period.end - got.period.start
    assert (before.asked, before.answered, before.response_rate) == (1, 1, 1.0)
    assert before.first_response == Durations(1, 1800.0, 1800.0)
    assert before.first_helpful == Durations()
    assert before.outcomes == outcomes(unhelped=1)


async def test_per_question_table(db: Database) -> None:
    """With table=True: one row a question of the period, in the order asked."""
    from bot.insights.figures import compute

    period = (await figures(db)).period
    async with db.read() as conn:
        got = await compute(
            conn,
            CID,
            period,
            claim_sla_minutes=60,
            timezone="UTC",
            now=datetime(2026, 3, 5, 0, 20, tzinfo=UTC),
            table=True,
        )
    assert [q.number for q in got.questions] == [21, 22, 23, 24, 25, 26, 27, 28, 29]
    q22, q25 = got.questions[1], got.questions[4]
    assert (q22.channel_id, q22.outcome) == ("help", "community")
    assert q22.first_response_at == q22.first_helpful_at == datetime(2026, 3, 2, 11, 10, tzinfo=UTC)
    assert q22.solved_at == datetime(2026, 3, 2, 11, 30, tzinfo=UTC)
    assert (q25.outcome, q25.closed_at) == ("closed", datetime(2026, 3, 4, 10, 30, tzinfo=UTC))
    assert got.questions[0].escalated_at == datetime(2026, 3, 2, 10, tzinfo=UTC)


async def test_response_rate_and_first_response_come_from_the_answers(tmp_path: Path) -> None:
    """As a replay computes them: answered = at least one answer by another member (a deleted
    one counts), first response = the earliest answer − asked, whatever
    questions.first_answer_at says (an answer stored out of order can't move it)."""
    database = Database(tmp_path / "replay.db")
    await database.open()
    try:
        await community(database, MEMBERS)
        await insert_rows(
            database,
            "questions",
            "id, community_id, number, origin_id, channel_id, asker_id, text, status,"
            " created_at, first_answer_at",
            [
                # first_answer_at says 10:30, but Bob's answer at 10:05 came first.
                (1, CID, 1, "o1", "help", ANN, "?", "answered", at("2 10:00"), at("2 10:30")),
                # Its only answer was deleted: answered all the same, after 20 minutes.
                (2, CID, 2, "o2", "help", EVE, "?", "answered", at("2 11:00"), at("2 11:20")),
                (3, CID, 3, "o3", "help", ANN, "?", "open", at("2 12:00"), None),
            ],
        )
        await insert_rows(
            database,
            "answers",
            "id, community_id, question_id, message_id, author_id, text, created_at, deleted_at",
            [
                (1, CID, 1, "m1", CAT, "!", at("2 10:30"), None),
                (2, CID, 1, "m2", BOB, "!", at("2 10:05"), None),  # stored later, posted first
                (3, CID, 2, "m3", DAN, "!", at("2 11:20"), at("2 11:25")),
            ],
        )
        got = await figures(database)
    finally:
        await database.close()
    assert (got.asked, got.answered, got.response_rate) == (3, 2, pytest.approx(2 / 3))
    # Q1 300 s (not 1,800), Q2 1,200 s → median 750.
    assert got.first_response == Durations(2, 750.0, pytest.approx(1110.0))
    assert got.outcomes == outcomes(unhelped=2, unanswered=1)
