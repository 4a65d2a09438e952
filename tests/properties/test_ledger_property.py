"""Property: whatever members mark, unmark, accept and unaccept, and however long they wait,
totals equal the ledger and equal what the final state of marks, the accept and the bounty is
worth; helping totals (the leaderboards') equal the same without the asker's own points."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import queries as q
from tests.fakes.console import ConsoleDriver, console_community
from tests.fakes.settings import make_settings

ANSWERERS = ("bob", "carol", "dave")
GIVERS = ("alice", "bob", "carol", "dave", "erin")

mark = st.tuples(st.just("mark"), st.sampled_from(GIVERS), st.sampled_from(ANSWERERS))
unmark = st.tuples(st.just("unmark"), st.sampled_from(GIVERS), st.sampled_from(ANSWERERS))
accept = st.tuples(st.just("accept"), st.just("alice"), st.sampled_from(ANSWERERS))
unaccept = st.tuples(st.just("unaccept"), st.just("alice"), st.just(""))
wait = st.tuples(st.just("wait"), st.just(""), st.just(""))
steps = st.lists(st.one_of(mark, unmark, accept, unaccept, wait), max_size=25)
BOUNTY, SEED, WAIT_DAYS, LASTS_DAYS = 100, 300, 4, 7


def _line(kind: str, who: str, answer: str) -> str:
    return {
        "mark": f"{who} react ^{answer} ✅",
        "unmark": f"{who} unreact ^{answer} ✅",
        "accept": f"{who} /accept ^{answer}",
        "unaccept": f"{who} /unaccept Q1",
        "wait": f"wait {WAIT_DAYS}d",
    }[kind]


async def _totals(console: ConsoleDriver) -> tuple[dict[str, int], dict[str, int]]:
    totals = await q.totals_by_member(console.app.db)
    ledger = await q.points_by_member(console.app.db)
    return {k: v for k, v in totals.items() if v}, {k: v for k, v in ledger.items() if v}


async def _helping(console: ConsoleDriver) -> dict[str, int]:
    return {k: v for k, v in (await q.helping_by_member(console.app.db)).items() if v}


@dataclass
class _Bounty:
    """The model of alice's bounty: who holds it, and when escrow runs out."""

    holder: str | None = None
    expired: bool = False
    now: int = 0
    due: int = LASTS_DAYS

    def accept(self, author: str) -> None:
        if not self.expired:
            self.holder = author

    def unaccept(self) -> None:
        if not self.expired and self.holder is not None:
            self.holder, self.due = None, self.now + LASTS_DAYS

    def wait(self) -> None:
        self.now += WAIT_DAYS
        if not self.expired and self.holder is None and self.now >= self.due:
            self.expired = True


def _worth(
    marks: set[tuple[str, str]], accepted: str | None, bounty: _Bounty
) -> tuple[dict[str, int], dict[str, int]]:
    """(totals, helping totals) the final state is worth under the plain rules (no cap)."""
    helping: dict[str, int] = {}
    for giver, answer in marks:
        if giver != answer:
            helping[answer] = helping.get(answer, 0) + 10
    if accepted is not None:
        helping[accepted] = helping.get(accepted, 0) + 15
    if bounty.holder is not None:
        helping[bounty.holder] = helping.get(bounty.holder, 0) + BOUNTY
    worth = dict(helping)
    worth["alice"] = SEED - BOUNTY + (2 if accepted else 0) + (BOUNTY // 2 if bounty.expired else 0)
    return {k: v for k, v in worth.items() if v}, {k: v for k, v in helping.items() if v}


async def _play(plan: list[tuple[str, str, str]]) -> None:
    community = {
        "helpful_daily_cap": 100_000,
        "pair_daily_limit": 1000,
        "back_and_forth_minutes": 0,
    }
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_settings(Path(tmp), community=community)
        async with console_community(Path(tmp) / "p.db", settings) as console:
            await console.feed(
                f"admin /rep adjust alice {SEED} seed",
                "alice: Q?",
                f"alice /bounty {BOUNTY} Q1",
                *(f"{a} reply Q1: from {a}" for a in ANSWERERS),
            )
            marks: set[tuple[str, str]] = set()
            accepted: str | None = None
            bounty = _Bounty()
            for kind, who, answer in plan:
                await console.feed(_line(kind, who, answer))
                if kind == "mark":
                    marks.add((who, answer))
                elif kind == "unmark":
                    marks.discard((who, answer))
                elif kind == "accept":
                    accepted = answer
                    bounty.accept(answer)
                elif kind == "unaccept":
                    accepted = None
                    bounty.unaccept()
                else:
                    bounty.wait()
                totals, ledger = await _totals(console)
                assert totals == ledger
            totals, ledger = await _totals(console)
            worth, helping = _worth(marks, accepted, bounty)
            assert totals == ledger == worth
            assert await _helping(console) == helping


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps)
def test_totals_always_equal_the_ledger_and_the_final_marks(
    plan: list[tuple[str, str, str]],
) -> None:
    """Random mark/unmark/accept/unaccept/wait sequences keep the books straight, the bounty
    following the accepted answer (or back in escrow, or half refunded after 7 days there)."""
    asyncio.run(_play(plan))
