"""Discord: a help channel's posts, their threads' replies and ✅ reactions take effect in
gateway order, whatever the member fetches cost. The property plays random interleavings with
random delays on GET /guilds/…/members/… and compares the points per member with the same
dispatches handled one at a time; targeted tests pin the cases found by hand."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.adapters.discord.adapter import DiscordAdapter
from bot.runtime.app import App
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, adapter_of, running_bot, thread_opened
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord, RestCall

CAROL_ID = "900000000000000302"
MEMBERS = (p.ALICE_ID, p.BOB_ID, CAROL_ID)

who = st.sampled_from(MEMBERS)
post = st.tuples(st.just("post"), who, st.just(0), st.just(True), st.just(True))
reply = st.tuples(st.just("reply"), who, st.integers(0, 3), st.just(True), st.just(True))
# (react, who, which reply, added, whether the add carries the member: else it is fetched)
react = st.tuples(st.just("react"), who, st.integers(0, 2), st.booleans(), st.booleans())
# Reactions weigh most: giving and taking back marks is where order changes the points.
plans = st.lists(st.one_of(post, reply, react, react, react), min_size=3, max_size=10)
pause = st.sampled_from((0.0, 0.02, 0.05, 0.1))
delays = st.fixed_dictionaries(dict.fromkeys(MEMBERS, pause))
Step = tuple[str, str, int, bool, bool]


def author(member_id: str) -> dict[str, Any]:
    """A member's user object."""
    return p.user(member_id, f"member{member_id[-3:]}")


def slowed(pauses: dict[str, float]) -> Any:
    """GET /guilds/{guild}/members/{user} answers after that member's pause."""

    def delay(call: RestCall) -> float:
        parts = call.path.split("/")
        fetch = call.method == "GET" and len(parts) == 5 and parts[3] == "members"
        return pauses.get(parts[-1], 0.0) if fetch else 0.0

    return delay


async def points(app: App) -> dict[str, int]:
    """Points per member (from the ledger)."""
    return {name: n for name, n in (await q.points_by_member(app.db)).items() if n}


async def quiet(adapter: DiscordAdapter, seq: int) -> None:
    """Wait until the client has received dispatch `seq` and handled everything so far.

    discord.py gives no signal for "handled": its handler tasks are awaited, and the little
    polling left covers the gap between a frame on the socket and the task it starts.
    """
    while True:
        ws = adapter.client.ws
        running = {
            t
            for t in asyncio.all_tasks()
            if t.get_name().startswith("discord.py: on_") and t is not asyncio.current_task()
        }
        if running:
            await asyncio.wait(running, timeout=TIMEOUT)
        elif ws is not None and ws.sequence is not None and ws.sequence >= seq:
            if not adapter.sequencer.busy():
                return
            await asyncio.sleep(0)
        else:
            await asyncio.sleep(0.005)


@dataclass
class Player:
    """Sends a plan's dispatches; a reply waits for its question's thread, as on Discord."""

    app: App
    fake: FakeDiscord
    one_by_one: bool
    posts: list[dict[str, Any]] = field(default_factory=list)
    threads: dict[int, str] = field(default_factory=dict)  # question index -> thread id
    replies: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (reply, thread)
    seq: int = 0

    async def play(self, plan: list[Step]) -> None:
        for kind, member, target, added, with_member in plan:
            if kind == "react" and self.replies:
                message, thread = self.replies[target % len(self.replies)]
                mark = p.reaction(message["id"], "✅", user_id=member, channel_id=thread, add=added)
                mark["message_author_id"] = message["author"]["id"]
                if not with_member:
                    mark.pop("member", None)
                await self.send(
                    "MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE", mark
                )
            elif kind == "reply" and self.posts:
                question = target % len(self.posts)
                thread = await self.thread(question)
                message = p.message_create(
                    f"answer from {member}", author=author(member), channel_id=thread
                )
                self.replies.append((message, thread))
                await self.send("MESSAGE_CREATE", message)
            else:
                self.posts.append(p.message_create("How do I do this?", author=author(member)))
                await self.send("MESSAGE_CREATE", self.posts[-1])
        await quiet(adapter_of(self.app), self.seq)

    async def thread(self, question: int) -> str:
        """The question's thread, announced to the client once the bot opened it."""
        if question not in self.threads:
            for count in range(len(self.threads) + 1, question + 2):
                self.threads[count - 1] = await thread_opened(self.fake, count)
        return self.threads[question]

    async def send(self, event: str, data: dict[str, Any]) -> None:
        self.seq = await self.fake.dispatch(event, data)
        if self.one_by_one:
            await quiet(adapter_of(self.app), self.seq)


async def _ledger(tmp: Path, plan: list[Step], pauses: dict[str, float] | None) -> dict[str, int]:
    async with running_bot(tmp) as (app, fake):
        # A ✅ on an asker's own reply is on no answer: it waits a little, then changes nothing.
        adapter_of(app).sequencer.unseen = 0.05
        if pauses is not None:
            fake.delay = slowed(pauses)  # type: ignore[assignment]
        await Player(app, fake, one_by_one=pauses is None).play(plan)
        return await points(app)


async def _compare(plan: list[Step], pauses: dict[str, float]) -> None:
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        expected = await _ledger(Path(one), plan, None)
        assert await _ledger(Path(two), plan, pauses) == expected


@pytest.mark.slow
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plans, delays)
@example(  # found on main: alice's ✅ (her member fetched) overtook the answer it marks
    plan=[
        ("post", p.ALICE_ID, 0, True, True),
        ("post", p.ALICE_ID, 0, True, True),
        ("reply", p.BOB_ID, 0, True, True),
        ("reply", p.ALICE_ID, 1, True, True),
        ("react", p.ALICE_ID, 0, True, False),
    ],
    pauses=dict.fromkeys(MEMBERS, 0.0),
)
def test_interleavings_with_slow_member_fetches_end_with_the_in_order_ledger(
    plan: list[Step], pauses: dict[str, float]
) -> None:
    """Whatever the member fetches cost, each help channel's events take effect in order."""
    asyncio.run(_compare(plan, pauses))


async def test_a_removed_mark_is_not_overtaken_by_the_mark_given_again(tmp_path: Path) -> None:
    """carol takes her ✅ back (Discord sends no member: fetched, slowly), then gives it again
    (with her member: nothing to fetch). In gateway order: her mark stands, bob has 10."""
    plan: list[Step] = [
        ("post", p.ALICE_ID, 0, True, True),
        ("reply", p.BOB_ID, 0, True, True),
        ("react", CAROL_ID, 0, True, True),
        ("react", CAROL_ID, 0, False, False),
        ("react", CAROL_ID, 0, True, True),
    ]
    async with running_bot(tmp_path) as (app, fake):
        fake.delay = slowed({CAROL_ID: 0.2})  # type: ignore[assignment]
        await Player(app, fake, one_by_one=False).play(plan)
        assert await points(app) == {p.BOB_ID: 10}


async def test_a_burst_replayed_on_resume_keeps_its_order(tmp_path: Path) -> None:
    """Offline a moment: bob's and carol's answers, bob's ✅ on carol's (his member fetched,
    slowly), carol's ✅ on bob's come back in one burst on RESUME. In that order carol's is a
    quick return mark worth nothing: carol has 10, bob none."""
    async with running_bot(tmp_path) as (app, fake):
        fake.delay = slowed({p.BOB_ID: 0.2})  # type: ignore[assignment]
        seq = await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export?"))
        thread = await thread_opened(fake)
        await quiet(adapter_of(app), seq)
        bobs, carols = (
            p.message_create(f"Try {n}.", author=author(who), channel_id=thread)
            for n, who in enumerate((p.BOB_ID, CAROL_ID))
        )
        by_bob = p.reaction(carols["id"], "✅", user_id=p.BOB_ID, channel_id=thread)
        by_bob.pop("member")
        by_carol = p.reaction(bobs["id"], "✅", user_id=CAROL_ID, channel_id=thread)
        fake.miss("MESSAGE_CREATE", bobs)
        fake.miss("MESSAGE_CREATE", carols)
        fake.miss("MESSAGE_REACTION_ADD", by_bob | {"message_author_id": CAROL_ID})
        seq = fake.miss("MESSAGE_REACTION_ADD", by_carol | {"message_author_id": p.BOB_ID})
        await fake.drop_connection()
        await fake.wait_for_resume(within=TIMEOUT)
        await quiet(adapter_of(app), seq)
        assert await points(app) == {CAROL_ID: 10}
        assert await q.mark_count(app.db) == 2
