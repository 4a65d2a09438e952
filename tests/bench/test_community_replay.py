"""The forum replay on a hand-made forum: its timeline, the data's figures, and a real run."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench import replay_data
from bench.community_replay import Options, replay

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
SLA = timedelta(minutes=30)

QUESTIONS = [
    {"id": "A", "title": "Visa renewal", "body": "How long\ndoes it take?", "user": "U1",
     "date": "2013-01-01 10:00:00"},
    {"id": "B", "title": "Best beach", "body": "", "user": "U2", "date": "2013-02-01 09:00:00"},
    {"id": "C", "title": "Driving licence", "body": "Where do I go?", "user": "U3",
     "date": "2013-03-01 12:00:00"},
    {"id": "D", "title": "Cheap flights", "body": "Any tips?", "user": "U10",
     "date": "2013-04-01 18:00:00"},
]  # fmt: skip
# (question, author, label, date); the comment is the delay after the question
ANSWERS = [
    ("A", "U4", "Good", "2013-01-01 10:05:00"),  # 5 min
    ("A", "U1", "Good", "2013-01-01 10:07:00"),  # 7 min, the asker's own reply
    ("A", "U5", "Bad", "2013-01-04 18:00:00"),  # 80 h: dropped
    ("B", "U4", "Bad", "2013-02-01 09:10:00"),  # 10 min
    ("B", "U6", "PotentiallyUseful", "2013-02-01 09:20:00"),  # 20 min
    ("B", "U7", "Good", "2013-02-01 11:00:00"),  # 2 h
    ("B", "U6", "Bad", "2013-02-01 08:55:00"),  # before the question: dropped
    ("C", "U8", "Bad", "2013-03-01 12:45:00"),  # 45 min
    ("C", "U9", "Bad", "2013-03-04 11:59:00"),  # 71 h 59 min
    ("D", "U10", "Good", "2013-04-01 19:00:00"),  # 1 h, the asker's own reply
]


def write_forum(folder: Path) -> Path:
    """The hand-made forum in the dataset's format."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as out:
        for row in QUESTIONS:
            out.write(json.dumps({**row, "category": "Advice and Help"}) + "\n")
    with (folder / "answers.jsonl").open("w", encoding="utf-8") as out:
        for n, (question, user, label, date) in enumerate(ANSWERS):
            row = {"question_id": question, "answer_id": f"{question}_C{n}", "user": user,
                   "label": label, "text": f"answer {n}", "date": date}  # fmt: skip
            out.write(json.dumps(row) + "\n")
    return folder


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def test_timeline_order_delays_drops_and_checkmarks(tmp_path: Path) -> None:
    questions, answers = replay_data.load(write_forum(tmp_path))
    line = replay_data.timeline(questions, answers, START)

    got = [(s.at, s.kind, s.member, s.ref, s.target) for s in line.steps]
    assert got == [
        (at(0), "ask", "u1", "Q1", ""),
        (at(5), "reply", "u4", "Q1", ""),
        (at(5), "react", "u1", "Q1", "u4"),  # Good: the asker's ✅, right after it
        (at(7), "reply", "u1", "Q1", ""),  # the asker's own Good reply: no ✅
        (at(10), "ask", "u2", "Q2", ""),
        (at(20), "reply", "u4", "Q2", ""),  # same moment as Q3: the earlier question first
        (at(20), "ask", "u3", "Q3", ""),
        (at(30), "reply", "u6", "Q2", ""),
        (at(30), "ask", "u10", "Q4", ""),
        (at(65), "reply", "u8", "Q3", ""),
        (at(90), "reply", "u10", "Q4", ""),
        (at(130), "reply", "u7", "Q2", ""),
        (at(130), "react", "u2", "Q2", "u7"),
        (at(20 + 71 * 60 + 59), "reply", "u9", "Q3", ""),
    ]
    assert (line.answers, line.own_replies, line.reactions) == (6, 2, 2)
    assert (line.dropped_late, line.dropped_negative) == (1, 1)
    assert line.steps[0].line("help") == "u1 in #help: Visa renewal — How long does it take?"
    assert line.steps[2].line("help") == "u1 react ^u4 ✅"
    assert line.steps[4].text == "Best beach"  # no body: the title alone


def test_data_figures_worked_out_by_hand(tmp_path: Path) -> None:
    questions, answers = replay_data.load(write_forum(tmp_path))
    figures = replay_data.figures(replay_data.timeline(questions, answers, START), SLA)

    # Q1 answered at 5 min (Good), Q2 at 10 (Good at 2 h), Q3 at 45 (never Good), Q4 never.
    assert figures.unanswered_at_sla == 2  # Q3, Q4
    assert figures.no_good_at_sla == 3  # Q2, Q3, Q4
    assert figures.never_good == 2  # Q3, Q4
    assert figures.answered == 3
    assert figures.response_rate == pytest.approx(0.75)
    assert figures.first_response_median == 10 * 60  # of 5, 10 and 45 minutes


def test_limit_keeps_the_first_questions_and_their_answers(tmp_path: Path) -> None:
    questions, answers = replay_data.load(write_forum(tmp_path), limit=2)

    assert [q.id for q in questions] == ["A", "B"]
    assert {a.question_id for a in answers} == {"A", "B"}


async def test_replay_through_the_console(tmp_path: Path) -> None:
    # "unsolved" is the bot's behaviour whether or not it has the escalate_when setting.
    options = Options(data=write_forum(tmp_path / "forum"), escalate_when="unsolved",
                      transcript=tmp_path / "transcript.txt")  # fmt: skip
    outcome = await replay(options)

    assert outcome is not None
    bot, played = outcome.bot, outcome.played
    assert played.errors == []
    assert (bot.questions, bot.answers, bot.helpful_marks) == (4, 6, 2)
    assert bot.cards["sla"] == 4  # nobody accepts: every question is unsolved at its SLA
    assert bot.unanswered_at_sla == outcome.data.unanswered_at_sla == 2
    assert bot.sensitive_unanswered == bot.sensitive_unhelped == 0
    assert bot.unhelped_at_sla == outcome.data.no_good_at_sla == 3
    assert bot.never_helped == outcome.data.never_good == 2
    assert outcome.insights.response_rate == pytest.approx(0.75)
    assert outcome.insights.first_response.median == 10 * 60
    transcript = (tmp_path / "transcript.txt").read_text(encoding="utf-8")
    assert "u2 reacted ✅" in transcript


async def test_missing_data_is_skipped(tmp_path: Path) -> None:
    assert await replay(Options(data=tmp_path / "absent")) is None
