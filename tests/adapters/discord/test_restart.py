"""Restarts with overdue timers on Discord: an escalation that came due while the bot was down
is sent once every platform is ready (within 10 s of READY), exactly once, across quick
restarts, one of them stopped before it ever got online (issue 14)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import Clock
from bot.runtime.serve import serve
from bot.settings import load_settings
from tests import queries as q
from tests.adapters.discord.test_runner import FAST, TIMEOUT, discord_env
from tests.fakes import backends
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord

STAFF_POSTS = rf"/channels/{p.STAFF_CHANNEL_ID}/messages"
DEAD_API = "http://127.0.0.1:9/api/v10"  # nothing listens on the discard port: login fails
# The restarts happen on a Monday at 09:24 UTC, after the weekly staff report's 08:00 run, with
# the question asked at 07:24, inside the week that run covers: the report is due on the next
# start and shares #staff with the card. (CI once ran at that hour and saw two posts.)
RESTARTED_AT = datetime(2026, 12, 7, 9, 24, tzinfo=UTC)
ESCALATION_CARD = "entraide:escalation.claim:"  # the card's Claim button; the report has none


@pytest.fixture
def discord_guild() -> dict[str, Any]:
    """The fake Discord's guild, with a private #staff channel."""
    guild = p.guild()
    guild["channels"].append(p.staff_channel())
    return guild


class LoginFailed(logging.Handler):
    """Set when the Discord runner logs a failed login (it then waits before the next)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "Discord connection lost" in record.getMessage():
            self.seen.set()


def is_card(payload: Any) -> bool:
    """Whether a post carries an escalation card (its Claim button), not the weekly report."""
    return ESCALATION_CARD in str(payload)


async def stop(task: asyncio.Task[None]) -> None:
    """SIGINT, as an operator's Ctrl-C: the runner closes, then the app."""
    os.kill(os.getpid(), signal.SIGINT)
    await asyncio.wait_for(task, TIMEOUT)


async def timer_states(db_path: Path) -> list[tuple[str, str, int]]:
    """(kind, status, attempts) of every escalation timer (SLA, then re-pings)."""
    db = backends.store_at(db_path)  # the SQLite file, or its schema on PostgreSQL
    await db.open()
    try:
        rows = await q.timers_of_kind(db, "escalate")
    finally:
        await db.close()
    return [("escalate", str(status), int(attempts)) for _, status, attempts in rows]


async def test_an_escalation_due_while_down_is_sent_once_after_ready(
    discord_server: FakeDiscord, tmp_path: Path
) -> None:
    """Asked 2 h ago (SLA 30 min), bot down since; a restart that never gets online fires
    nothing and counts no try; the next sends the card within 10 s of READY; one more restart
    sends nothing again."""
    db_path = tmp_path / "d.db"
    env = discord_env(
        discord_server,
        tmp_path,
        ENTRAIDE_COMMUNITY__STAFF_CHANNEL=p.STAFF_CHANNEL_ID,
        ENTRAIDE_COMMUNITY__SLA_MINUTES="30",
    )
    settings = load_settings(environ=env)
    options = {"discord": FAST}

    def run(clock: Clock | None = None, **extra: str) -> asyncio.Task[None]:
        chosen = load_settings(environ=env | extra) if extra else settings
        return asyncio.create_task(
            serve(chosen, db_path=db_path, platforms=("discord",), options=options, clock=clock)
        )

    def cards() -> list[Any]:
        return [c for c in discord_server.calls_to("POST", STAFF_POSTS) if is_card(c.body)]

    # 1. Two hours ago: alice asks in #help; the bot opens her thread, then goes down.
    first = run(Clock(RESTARTED_AT - timedelta(hours=2)))
    later = Clock(RESTARTED_AT)
    await discord_server.dispatch(
        "MESSAGE_CREATE", p.message_create("Why does sync stop at night?")
    )
    await discord_server.wait_for_call("POST", r"/channels/\d+/messages/\d+/threads", TIMEOUT)
    await discord_server.wait_for_identify(1, TIMEOUT)
    await stop(first)
    assert await timer_states(db_path) == [("escalate", "pending", 0)]

    # 2. A quick restart that never gets online (Discord unreachable): nothing fires.
    failed = LoginFailed()
    logging.getLogger("bot.adapters.discord.runner").addHandler(failed)
    try:
        offline = run(later, ENTRAIDE_DISCORD_API_URL=DEAD_API)
        await asyncio.wait_for(failed.seen.wait(), TIMEOUT)
        await stop(offline)
    finally:
        logging.getLogger("bot.adapters.discord.runner").removeHandler(failed)
    assert await timer_states(db_path) == [("escalate", "pending", 0)]
    assert not discord_server.calls_to("POST", STAFF_POSTS)

    # 3. Online again: the staff card goes out within 10 s of READY.
    online = run(later)
    await discord_server.wait_for_identify(2, TIMEOUT)
    ready_at = time.monotonic()
    card = await discord_server.wait_for_call(
        "POST", STAFF_POSTS, TIMEOUT, lambda c: is_card(c.body)
    )
    sent_after = time.monotonic() - ready_at
    await stop(online)  # at once: a second quick restart follows
    assert sent_after < 10.0
    assert "Q1" in str(card.body)
    assert await timer_states(db_path) == [("escalate", "done", 0)]

    # 4. Restarted once more: online, a new question handled, and no second card.
    again = run(later)
    await discord_server.wait_for_identify(3, TIMEOUT)
    await discord_server.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
    await discord_server.wait_for_call(
        "POST", r"/channels/\d+/messages/\d+/threads", TIMEOUT, lambda c: "Q2" in str(c.body)
    )
    # The week's staff report, due since 08:00 and covering Q1, comes once: from step 3, or,
    # when that stop came while Discord was closing, from this start.
    await discord_server.wait_for_call("POST", STAFF_POSTS, TIMEOUT, lambda c: not is_card(c.body))
    await stop(again)
    assert len(cards()) == 1
    assert len(discord_server.calls_to("POST", STAFF_POSTS)) == 2
