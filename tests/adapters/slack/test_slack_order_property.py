"""Property: random posts, thread replies and ✅ reactions in #help, delivered acknowledged
first with random delays on every users.info and conversations.info (nothing cached), end
with the same points per member as the same deliveries handled one by one."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.adapters.slack import directory
from tests.adapters.slack.conftest import quiet, running_slack_bot
from tests.adapters.slack.test_slack_order import points
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_server import SlackCall

MEMBERS = (sp.ALICE, sp.BOB, sp.ADMIN)
Delivery = tuple[dict[str, Any], str | None]

who = st.sampled_from(MEMBERS)
post = st.tuples(st.just("post"), who, st.just(0), st.just(True))
reply = st.tuples(st.just("reply"), who, st.integers(0, 3), st.just(True))
react = st.tuples(st.just("react"), who, st.integers(0, 5), st.booleans())
plans = st.lists(st.one_of(post, reply, react), min_size=2, max_size=9)
# Seconds users.info takes for each member (and conversations.info, under "channel").
pause = st.sampled_from((0.0, 0.0, 0.01, 0.04, 0.08))
delays = st.fixed_dictionaries(dict.fromkeys((*MEMBERS, "channel"), pause))


def deliveries(plan: list[tuple[str, str, int, bool]]) -> list[Delivery]:
    """The plan as Slack events (replies to earlier posts, reactions on earlier replies)."""
    posts: list[dict[str, Any]] = []
    replies: list[dict[str, Any]] = []
    out: list[Delivery] = []
    for n, (kind, member, target, added) in enumerate(plan):
        if kind == "react" and replies:
            mark = sp.reaction(replies[target % len(replies)], user_id=member, added=added)
            out.append((mark, f"Ev0MARK{n}"))
        elif kind == "reply" and posts:
            root = posts[target % len(posts)]
            replies.append(sp.message(f"answer {n}", user_id=member, thread_ts=root["ts"]))
            out.append((replies[-1], None))
        else:
            posts.append(sp.message(f"How do I do thing {n}?", user_id=member))
            out.append((posts[-1], None))
    return out


def slowed(pauses: dict[str, float]) -> Any:
    """users.info of a member and conversations.info answer after their pause."""

    def delay(call: SlackCall) -> float:
        if call.method == "users.info":
            return pauses.get(str(call.args.get("user")), 0.0)
        return pauses["channel"] if call.method == "conversations.info" else 0.0

    return delay


async def _ledger(
    tmp: Path, events: list[Delivery], pauses: dict[str, float] | None
) -> dict[str, int]:
    """Deliver in order: handled one by one (no pauses), or acked first with `pauses`."""
    async with running_slack_bot(tmp, acks_first=pauses is not None) as bot:
        # A ✅ on an asker's own reply is on no answer, a message the bot may not have seen:
        # it waits a little in both runs, then changes nothing (no need for seconds here).
        bot.adapter.sequencer.unseen = 0.05
        if pauses is not None:
            bot.fake.delay = slowed(pauses)  # type: ignore[assignment]
        for event, event_id in events:
            await bot.event(event, event_id=event_id)
        await quiet(bot.adapter)
        return await points(bot)


async def _compare(events: list[Delivery], pauses: dict[str, float]) -> None:
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        expected = await _ledger(Path(one), events, None)
        with mock.patch.object(directory, "TTL", 0.0):  # every event looks its member up
            assert await _ledger(Path(two), events, pauses) == expected


@pytest.mark.slow
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plans, delays)
@example(  # found on main: a ✅ (alice known) overtook bob's answer (channel looked up)
    plan=[("post", sp.ALICE, 0, True), ("reply", sp.BOB, 0, True), ("react", sp.ALICE, 0, True)],
    pauses={sp.ALICE: 0.0, sp.BOB: 0.0, sp.ADMIN: 0.0, "channel": 0.01},
)
def test_interleavings_with_slow_lookups_end_with_the_in_order_ledger(
    plan: list[tuple[str, str, int, bool]], pauses: dict[str, float]
) -> None:
    """Whatever the look-ups cost, each channel's events take effect in arrival order."""
    asyncio.run(_compare(deliveries(plan), pauses))
