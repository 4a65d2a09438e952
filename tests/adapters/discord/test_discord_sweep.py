"""The READY sweep: what was posted, marked or unmarked while the bot had no session is caught
up once the client identifies anew, and only once. Real discord.py against the local fake,
whose store answers history, reactions and active threads like Discord."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord import sweep
from bot.adapters.discord.adapter import DiscordAdapter
from bot.core.identity import Community
from bot.runtime.app import App
from bot.storage import reconcile
from bot.storage.communities import ensure_community
from bot.storage.db import Database
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, adapter_of, running_bot, thread_opened, until
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord

BOB = p.user(p.BOB_ID, "bob")
ALICE = p.user()
THREADS = r"/channels/\d+/messages/\d+/threads"
POSTS = r"/channels/\d+/messages"


class Sweeps:
    """Counts finished sweeps, so a test waits for one instead of sleeping."""

    def __init__(self) -> None:
        self.summaries: list[sweep.Summary] = []
        self.changed = asyncio.Condition()

    async def wait(self, count: int) -> sweep.Summary:
        """Wait until `count` sweeps have finished; the last one's summary."""
        async with self.changed:
            await asyncio.wait_for(
                self.changed.wait_for(lambda: len(self.summaries) >= count), TIMEOUT
            )
        return self.summaries[count - 1]


@pytest.fixture
def sweeps(monkeypatch: pytest.MonkeyPatch) -> Sweeps:
    """Every sweep the adapter runs is counted (the sweep itself stays real)."""
    counted, real = Sweeps(), sweep.run

    async def run(adapter: DiscordAdapter, shard_id: int | None = None) -> sweep.Summary:
        summary = await real(adapter, shard_id)
        async with counted.changed:
            counted.summaries.append(summary)
            counted.changed.notify_all()
        return summary

    monkeypatch.setattr(sweep, "run", run)
    return counted


async def _ready(app: App, sweeps: Sweeps) -> None:
    """The first session's sweep is over (#help starts from now); re-IDENTIFY without pause."""

    async def identify_now(shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py's default hook sleeps 5 s before a re-IDENTIFY."""

    adapter_of(app).client.before_identify_hook = identify_now  # type: ignore[method-assign]
    await sweeps.wait(1)


async def _new_session(fake: FakeDiscord, sweeps: Sweeps, count: int) -> sweep.Summary:
    """Drop the connection with a forgotten session: op 9, IDENTIFY, READY, the sweep."""
    fake.session_id = "forgotten"  # the RESUME won't match
    await fake.drop_connection()
    summary = await sweeps.wait(count)
    assert fake.resumes == []
    return summary


async def _asked(app: App, fake: FakeDiscord, text: str, count: int = 1) -> str:
    """Alice asks live in #help; returns the question's thread once its intro is posted."""
    await fake.dispatch("MESSAGE_CREATE", p.message_create(text))
    thread_id = await thread_opened(fake, count)
    await fake.wait_for_call("POST", rf"/channels/{thread_id}/messages", TIMEOUT)
    return thread_id


async def _ledger(app: App) -> tuple[int, int]:
    """(rows, sum of points) of the reputation ledger."""
    return await q.ledger_count(app.db), await q.points_given(app.db)


async def _missed_while_away(app: App, fake: FakeDiscord) -> dict[str, Any]:
    """Q1 asked live; then, unseen by the bot: Q2 in #help, bob's answer in Q1, alice's ✅."""
    thread_id = await _asked(app, fake, "How do I export my data?")
    fake.post_while_away(p.message("Can I change my avatar?"))
    answer = fake.post_while_away(p.message("Settings › Export.", author=BOB, channel_id=thread_id))
    fake.react_while_away(answer, "✅", ALICE)
    return answer


async def test_a_new_session_catches_up_question_answer_and_mark(
    tmp_path: Path, sweeps: Sweeps, caplog: pytest.LogCaptureFixture
) -> None:
    """After READY: Q2 exists with its thread opened, bob's answer is recorded, +10 once."""
    caplog.set_level(logging.INFO, logger=sweep.log.name)
    async with running_bot(tmp_path) as (app, fake):
        await _ready(app, sweeps)
        answer = await _missed_while_away(app, fake)
        summary = await _new_session(fake, sweeps, 2)
        threads = await q.threads_by_number(app.db)
        assert [number for number, _ in threads] == [1, 2]
        assert all(thread for _, thread in threads)
        assert len(fake.calls_to("POST", THREADS)) == 2
        assert [m for _, m in await q.answer_messages(app.db)] == [answer["id"]]
        assert await _ledger(app) == (1, 10)
        assert [r["member"] for r in await q.ledger_rows(app.db)] == [p.BOB_ID]
        assert (summary.posts, summary.replies, summary.marked, summary.unmarked) == (1, 1, 1, 0)
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(lines) == 2  # one line per sweep
    assert "1 posts, 1 replies, 1 helpful marks added and 0 removed" in lines[1]


async def test_a_second_ready_changes_nothing(tmp_path: Path, sweeps: Sweeps) -> None:
    """The sweep runs again on the next new session: same ledger, threads and bot messages."""
    async with running_bot(tmp_path) as (app, fake):
        await _ready(app, sweeps)
        await _missed_while_away(app, fake)
        await _new_session(fake, sweeps, 2)
        assert await _ledger(app) == (1, 10)  # caught up: there is something to repeat
        before = (
            await q.ledger_snapshot(app.db),
            await q.question_states(app.db),
            await q.answer_messages(app.db),
            len(fake.calls_to("POST", THREADS)),
            len(fake.calls_to("POST", POSTS)),
        )
        summary = await _new_session(fake, sweeps, 3)
        assert (summary.posts, summary.replies, summary.marked, summary.unmarked) == (0, 0, 0, 0)
        after = (
            await q.ledger_snapshot(app.db),
            await q.question_states(app.db),
            await q.answer_messages(app.db),
            len(fake.calls_to("POST", THREADS)),
            len(fake.calls_to("POST", POSTS)),
        )
        assert after == before


async def test_a_mark_removed_while_away_is_reversed_once(tmp_path: Path, sweeps: Sweeps) -> None:
    """✅ given live (+10), taken back while away: the next READY takes the 10 back, once."""
    async with running_bot(tmp_path) as (app, fake):
        await _ready(app, sweeps)
        thread_id = await _asked(app, fake, "How do I export my data?")
        answer = p.message_create("Settings › Export.", author=BOB, channel_id=thread_id)
        await fake.dispatch("MESSAGE_CREATE", answer)
        mark = p.reaction(answer["id"], "✅", channel_id=thread_id) | {
            "message_author_id": p.BOB_ID
        }
        await fake.dispatch("MESSAGE_REACTION_ADD", mark)
        await until(app, q.points_given, 10)
        fake.react_while_away(answer, "✅", ALICE, add=False)
        summary = await _new_session(fake, sweeps, 2)
        assert await _ledger(app) == (2, 0)
        assert (summary.marked, summary.unmarked) == (0, 1)
        await _new_session(fake, sweeps, 3)
        assert await _ledger(app) == (2, 0)
        assert await q.mark_count(app.db) == 0


async def test_a_refused_thread_is_logged_and_the_sweep_goes_on(
    tmp_path: Path, sweeps: Sweeps, caplog: pytest.LogCaptureFixture
) -> None:
    """403 on one question thread's history: logged once, the other thread is caught up."""
    caplog.set_level(logging.WARNING, logger=sweep.log.name)
    async with running_bot(tmp_path) as (app, fake):
        await _ready(app, sweeps)
        hidden = await _asked(app, fake, "How do I export my data?")
        shown = await _asked(app, fake, "Can I change my avatar?", 2)
        for thread_id in (hidden, shown):
            fake.post_while_away(p.message("Try Settings.", author=BOB, channel_id=thread_id))
        refused = p.error(50001, "Missing Access")
        fake.route("GET", rf"/channels/{hidden}/messages", lambda c, m: (403, refused))
        summary = await _new_session(fake, sweeps, 2)
        assert await q.answer_threads(app.db) == [shown]
        assert summary.failed == [hidden]
        assert summary.replies == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert hidden in warnings[0]
    assert "403" in warnings[0]


async def test_cursors_only_move_forward(tmp_path: Path) -> None:
    """A late or replayed message never moves a channel's cursor back."""
    db, now = Database(tmp_path / "c.db"), datetime.now(UTC)
    await db.open()
    try:
        async with db.transaction() as tx:
            cid = await ensure_community(tx, Community("discord", "1"), now)
            for message_id in (5, 9, 7):
                await reconcile.advance(tx, cid, "42", message_id, now)
        async with db.read() as conn:
            assert await reconcile.get(conn, cid, "42") == 9
            assert await reconcile.get(conn, cid, "43") is None
    finally:
        await db.close()


async def test_a_sharded_bot_sweeps_when_one_shard_identifies_anew(
    tmp_path: Path, sweeps: Sweeps
) -> None:
    """All shards in one process: a shard's new session sweeps its guilds, once.

    With several shards, one shard's re-IDENTIFY fires shard_ready but not ready
    (discord/state.py, AutoShardedConnectionState.parse_ready); the fake serves one shard,
    so this checks the sharded path end to end, not that difference."""
    async with running_bot(tmp_path, shards=1) as (app, fake):
        await _ready(app, sweeps)
        answer = await _missed_while_away(app, fake)
        await _new_session(fake, sweeps, 2)
        assert [m for _, m in await q.answer_messages(app.db)] == [answer["id"]]
        assert await _ledger(app) == (1, 10)
        assert len(sweeps.summaries) == 2  # the first session swept once, not per event
