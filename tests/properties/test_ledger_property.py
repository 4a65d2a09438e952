"""Property: whatever members mark, unmark, accept and unaccept, totals equal the ledger and
equal what the final state of marks is worth."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.console import ConsoleDriver, console_community, default_settings

ANSWERERS = ("bob", "carol", "dave")
GIVERS = ("alice", "bob", "carol", "dave", "erin")

mark = st.tuples(st.just("mark"), st.sampled_from(GIVERS), st.sampled_from(ANSWERERS))
unmark = st.tuples(st.just("unmark"), st.sampled_from(GIVERS), st.sampled_from(ANSWERERS))
accept = st.tuples(st.just("accept"), st.just("alice"), st.sampled_from(ANSWERERS))
unaccept = st.tuples(st.just("unaccept"), st.just("alice"), st.just(""))
steps = st.lists(st.one_of(mark, unmark, accept, unaccept), max_size=25)


def _line(kind: str, who: str, answer: str) -> str:
    return {
        "mark": f"{who} react ^{answer} ✅",
        "unmark": f"{who} unreact ^{answer} ✅",
        "accept": f"{who} /accept ^{answer}",
        "unaccept": f"{who} /unaccept Q1",
    }[kind]


async def _totals(console: ConsoleDriver) -> tuple[dict[str, int], dict[str, int]]:
    totals = await console.app.db.fetchall(
        "SELECT m.external_id, t.total FROM reputation_totals t JOIN members m"
        " ON m.id = t.member_id"
    )
    ledger = await console.app.db.fetchall(
        "SELECT m.external_id, SUM(l.delta) FROM reputation_ledger l JOIN members m"
        " ON m.id = l.member_id GROUP BY m.external_id"
    )
    return {r[0]: r[1] for r in totals if r[1]}, {r[0]: r[1] for r in ledger if r[1]}


def _worth(marks: set[tuple[str, str]], accepted: str | None) -> dict[str, int]:
    """Points the final state is worth under the plain rules (no cap reached here)."""
    worth: dict[str, int] = {}
    for giver, answer in marks:
        if giver != answer:
            worth[answer] = worth.get(answer, 0) + 10
    if accepted is not None:
        worth[accepted] = worth.get(accepted, 0) + 15
        worth["alice"] = worth.get("alice", 0) + 2
    return {k: v for k, v in worth.items() if v}


async def _play(plan: list[tuple[str, str, str]]) -> None:
    base = default_settings()
    community = base.community.model_copy(
        update={"helpful_daily_cap": 100_000, "pair_daily_limit": 1000, "back_and_forth_minutes": 0}
    )
    with tempfile.TemporaryDirectory() as tmp:
        async with console_community(
            Path(tmp) / "p.db", base.model_copy(update={"community": community})
        ) as console:
            await console.feed("alice: Q?", *(f"{a} reply Q1: from {a}" for a in ANSWERERS))
            marks: set[tuple[str, str]] = set()
            accepted: str | None = None
            for kind, who, answer in plan:
                await console.feed(_line(kind, who, answer))
                if kind == "mark":
                    marks.add((who, answer))
                elif kind == "unmark":
                    marks.discard((who, answer))
                elif kind == "accept":
                    accepted = answer
                else:
                    accepted = None
                totals, ledger = await _totals(console)
                assert totals == ledger
            totals, ledger = await _totals(console)
            assert totals == ledger == _worth(marks, accepted)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps)
def test_totals_always_equal_the_ledger_and_the_final_marks(
    plan: list[tuple[str, str, str]],
) -> None:
    """Random mark/unmark/accept/unaccept sequences keep the books straight."""
    asyncio.run(_play(plan))
