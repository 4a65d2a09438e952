"""What the insights are: plain records, computed by figures.compute, drawn by charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# How a question stands now, most final first: solved by an article, an earlier thread's
# answer, a member's answer, staff or the asker alone; closed as answered (not solved);
# answered with a helpful answer; answered, none helpful; unanswered. Each question has one.
SOLVED = ("kb", "history", "community", "staff", "asker")
OUTCOMES = (*SOLVED, "closed", "helped", "unhelped", "unanswered")


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; figures count questions asked in it."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Durations:
    """Seconds from a question to something (its first answer…): how many, median and p90."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass(frozen=True)
class Day:
    """One day of the period (community time zone): questions by outcome, response time."""

    day: date
    asked: int
    outcomes: dict[str, int]  # OUTCOMES → questions asked that day that stand so (now)
    first_response_median: float | None  # seconds, over that day's answered questions


@dataclass(frozen=True)
class Channel:
    """One help channel of the period: questions asked there and how they fared."""

    channel_id: str
    asked: int
    answered: int
    response_rate: float | None
    first_response_median: float | None  # seconds
    solved: int
    solved_share: float | None


@dataclass(frozen=True)
class Waiting:
    """A question of the period still without any answer now, and how long it has waited."""

    number: int
    channel_id: str
    asked_at: datetime
    age: float  # seconds, now − asked


@dataclass(frozen=True)
class QuestionRow:
    """One question of the period as the per-question table (CSV) shows it."""

    number: int
    channel_id: str
    asked_at: datetime
    first_response_at: datetime | None
    first_response_by_staff: bool
    first_helpful_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    outcome: str  # one of OUTCOMES
    escalated_at: datetime | None


@dataclass(frozen=True)
class MemberFigure:
    """One member in a ranking: answers in the period, those marked helpful or accepted,
    and their points (all time; for the top helpers, points earned helping in the period)."""

    member_id: int
    name: str
    answers: int
    helpful_answers: int
    points: int


@dataclass(frozen=True)
class Insights:
    """Every figure of one community over one period. A rate is None when its denominator
    is zero (an empty period has no response rate, not a rate of 0)."""

    period: Period
    asked: int = 0
    answered: int = 0  # asked in the period, with at least one answer
    response_rate: float | None = None
    first_response: Durations = field(default_factory=Durations)
    first_response_community: Durations = field(default_factory=Durations)
    first_response_staff: Durations = field(default_factory=Durations)
    first_helpful: Durations = field(default_factory=Durations)  # to the first helpful answer
    solution: Durations = field(default_factory=Durations)  # to solved, for solved questions
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    first_post_resolution: float | None = None  # first answer accepted / solved by an accept
    escalated: int = 0
    escalation_rate: float | None = None
    sla_total: int = 0  # escalations staff had to act on, answered or overdue
    sla_met: int = 0  # of those, claimed within claim_sla_minutes
    sla_compliance: float | None = None
    nudged: int = 0  # questions with at least one nudge
    nudge_answered: int = 0  # of those, answered by a member who was nudged
    nudge_effectiveness: float | None = None
    active_members: int = 0  # asked, answered or marked an answer helpful in the period
    new_helpers: int = 0  # first answer ever marked helpful or accepted, in the period
    superfans: list[MemberFigure] = field(default_factory=list)  # top 1% by points
    superfan_share: float | None = None  # their share of the period's helpful answers
    influencers: list[MemberFigure] = field(default_factory=list)
    helpers: list[MemberFigure] = field(default_factory=list)  # top 10 by points helping
    channels: list[Channel] = field(default_factory=list)  # most questions first
    waiting: list[Waiting] = field(default_factory=list)  # oldest unanswered, oldest first
    days: list[Day] = field(default_factory=list)
    questions: list[QuestionRow] = field(default_factory=list)  # the per-question table
    # The same figures over the period of the same length just before (its lists empty).
    previous: Insights | None = None

    @property
    def solved(self) -> int:
        """Questions solved now, whoever solved them."""
        return sum(self.outcomes.get(o, 0) for o in SOLVED)
