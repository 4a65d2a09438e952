"""The forum replay's timeline and what the data itself says (pure: no bot, no database).

Question i (file order) is asked at START + i × 10 minutes; each answer comes at its real
delay after its question (answer date − question date); answers later than the horizon
(72 h) or before their question are dropped and counted. A reply by the asker is replayed
but is not an answer (as in the bot); the asker reacts ✅ to every answer labelled Good,
when it arrives.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Literal

QUESTION_GAP = timedelta(minutes=10)
HORIZON = timedelta(hours=72)
MAX_TEXT = 4000  # the console's limit on one message
EMOJI = "✅"


@dataclass(frozen=True)
class Question:
    """A forum question as the data has it."""

    id: str
    user: str
    title: str
    body: str
    date: datetime


@dataclass(frozen=True)
class Answer:
    """A forum answer as the data has it."""

    question_id: str
    user: str
    label: str
    text: str
    date: datetime


@dataclass(frozen=True)
class Step:
    """One action of the replay at a replay time; `ref` is the question's Q label."""

    at: datetime
    kind: Literal["ask", "reply", "react"]
    member: str
    ref: str
    text: str = ""
    target: str = ""  # react: whose answer gets the ✅

    def line(self, channel: str) -> str:
        """The console script line that plays it."""
        if self.kind == "ask":
            return f"{self.member} in #{channel}: {self.text}"
        if self.kind == "reply":
            return f"{self.member} reply {self.ref}: {self.text}"
        return f"{self.member} react ^{self.target} {EMOJI}"


@dataclass
class Timeline:
    """Every step in replay order, and what was left out."""

    start: datetime
    steps: list[Step] = field(default_factory=list)
    questions: int = 0
    answers: int = 0  # replayed replies by someone other than the asker
    own_replies: int = 0  # replayed replies by the asker (not answers)
    dropped_late: int = 0
    dropped_negative: int = 0
    reactions: int = 0
    # per question (file order): delays of the replayed answers by others, and of the Good ones
    delays: list[list[timedelta]] = field(default_factory=list)
    good_delays: list[list[timedelta]] = field(default_factory=list)

    @property
    def last_question_at(self) -> datetime:
        """When the last question is asked."""
        return self.start + QUESTION_GAP * max(self.questions - 1, 0)

    @property
    def last_step_at(self) -> datetime:
        """When the last step happens."""
        return self.steps[-1].at if self.steps else self.start


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text)


def load(data_dir: Path, limit: int | None = None) -> tuple[list[Question], list[Answer]]:
    """The first `limit` questions of corpus.jsonl (all by default) and their answers."""
    questions: list[Question] = []
    with (data_dir / "corpus.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if limit is not None and len(questions) >= limit:
                break
            row = json.loads(line)
            questions.append(
                Question(row["id"], row["user"], row["title"], row["body"], _date(row["date"]))
            )
    wanted = {q.id for q in questions}
    answers: list[Answer] = []
    with (data_dir / "answers.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["question_id"] in wanted:
                answers.append(
                    Answer(
                        row["question_id"],
                        row["user"],
                        row["label"],
                        row["text"],
                        _date(row["date"]),
                    )
                )
    return questions, answers


def member_name(user: str) -> str:
    """A console member name for a forum user: U4882 → u4882."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "", user).lower()
    return name or "anonymous"


def one_line(text: str) -> str:
    """A text that fits one script line (the console has no multi-line messages)."""
    flat = " ".join(text.split())
    return flat[:MAX_TEXT] or "…"


def timeline(questions: list[Question], answers: list[Answer], start: datetime) -> Timeline:
    """Merge the questions, answers and ✅ into one ordered list of steps."""
    result = Timeline(start=start, questions=len(questions))
    index = {q.id: i for i, q in enumerate(questions)}
    keyed: list[tuple[datetime, int, int, int, Step]] = []
    result.delays = [[] for _ in questions]
    result.good_delays = [[] for _ in questions]
    for i, q in enumerate(questions):
        at = start + QUESTION_GAP * i
        text = one_line(f"{q.title} — {q.body}" if q.body.strip() else q.title)
        keyed.append((at, i, -1, 0, Step(at, "ask", member_name(q.user), f"Q{i + 1}", text)))
    for n, a in enumerate(answers):
        i = index[a.question_id]
        q = questions[i]
        delay = a.date - q.date
        if delay < timedelta():
            result.dropped_negative += 1
            continue
        if delay > HORIZON:
            result.dropped_late += 1
            continue
        at = start + QUESTION_GAP * i + delay
        ref, author = f"Q{i + 1}", member_name(a.user)
        keyed.append((at, i, n, 0, Step(at, "reply", author, ref, one_line(a.text))))
        if a.user == q.user:
            result.own_replies += 1
            continue
        result.answers += 1
        result.delays[i].append(delay)
        if a.label == "Good":
            result.good_delays[i].append(delay)
            result.reactions += 1
            asker = member_name(q.user)
            keyed.append((at, i, n, 1, Step(at, "react", asker, ref, target=author)))
    keyed.sort(key=lambda k: k[:4])
    result.steps = [k[4] for k in keyed]
    return result


@dataclass(frozen=True)
class DataFigures:
    """The figures the forum's own timeline gives (answers within the horizon only)."""

    unanswered_at_sla: int  # no answer by another member before the SLA
    no_good_at_sla: int  # no Good answer by another member before the SLA
    never_good: int  # no Good answer by another member at all (within the horizon)
    answered: int
    response_rate: float | None
    first_response_median: float | None  # seconds


def figures(line: Timeline, sla: timedelta) -> DataFigures:
    """Count from the timeline; 'before the SLA' means a delay strictly under it."""
    firsts = [min(d) for d in line.delays if d]
    return DataFigures(
        unanswered_at_sla=sum(1 for d in line.delays if not any(x < sla for x in d)),
        no_good_at_sla=sum(1 for d in line.good_delays if not any(x < sla for x in d)),
        never_good=sum(1 for d in line.good_delays if not d),
        answered=len(firsts),
        response_rate=len(firsts) / line.questions if line.questions else None,
        first_response_median=median(f.total_seconds() for f in firsts) if firsts else None,
    )
