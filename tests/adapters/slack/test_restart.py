"""Restarts with overdue timers on Slack (Socket Mode): an escalation that came due while the
bot was down is sent once every platform is ready (within 10 s of the connection), exactly
once, across quick restarts, one of them stopped before it ever connected (issue 14)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

from bot.core.clock import Clock
from bot.runtime.serve import serve
from bot.settings import load_settings
from tests.adapters.discord.test_restart import RESTARTED_AT, is_card, stop, timer_states
from tests.adapters.slack.test_runner import INTRO, TIMEOUT, slack_env
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_server import FakeSlack, SlackCall


def staff_posts(slack_server: FakeSlack) -> list[SlackCall]:
    """Every chat.postMessage the bot made in #staff."""
    return [
        c for c in slack_server.calls_to("chat.postMessage") if c.args.get("channel") == sp.STAFF
    ]


def staff_cards(slack_server: FakeSlack) -> list[SlackCall]:
    """The escalation cards among them (the weekly report shares the channel)."""
    return [c for c in staff_posts(slack_server) if is_card(c.args)]


async def test_an_escalation_due_while_down_is_sent_once_after_connecting(
    slack_server: FakeSlack, tmp_path: Path
) -> None:
    """Asked 2 h ago (SLA 30 min), bot down since; a restart that never connects (Slack
    refuses the Socket Mode URL: slack_sdk retries) fires nothing and counts no try; the next
    posts the staff card within 10 s of connecting; one more restart posts nothing again."""
    db_path = tmp_path / "s.db"
    env = slack_env(slack_server, tmp_path, socket_mode=True, ENTRAIDE_COMMUNITY__SLA_MINUTES="30")
    settings = load_settings(environ=env)

    def run(clock: Clock | None = None) -> asyncio.Task[None]:
        return asyncio.create_task(
            serve(settings, db_path=db_path, platforms=("slack",), clock=clock)
        )

    # 1. Two hours ago: alice asks in #help; the bot opens her thread, then goes down.
    first = run(Clock(RESTARTED_AT - timedelta(hours=2)))
    later = Clock(RESTARTED_AT)
    await slack_server.wait_for_connection(1, TIMEOUT)
    question = sp.message("Why does sync stop at night?")
    await slack_server.push_event(sp.event_callback(question))
    intro = await slack_server.wait_for_call("chat.postMessage", INTRO, TIMEOUT)
    assert intro.args["thread_ts"] == question["ts"]
    await stop(first)
    assert await timer_states(db_path) == [("escalate", "pending", 0)]

    # 2. A quick restart that never connects: apps.connections.open fails (a Slack outage)
    # for the token check and for slack_sdk's first try, which then waits to retry.
    opened = len(slack_server.calls_to("apps.connections.open"))
    slack_server.fail("apps.connections.open", "internal_error", times=2)
    offline = run(later)
    await slack_server.wait_until(
        lambda: len(slack_server.calls_to("apps.connections.open")) >= opened + 2
    )
    await stop(offline)
    assert slack_server.connections == 1  # never connected
    assert await timer_states(db_path) == [("escalate", "pending", 0)]
    assert not staff_posts(slack_server)

    # 3. Connected again: the staff card goes out within 10 s of the connection.
    online = run(later)
    await slack_server.wait_for_connection(2, TIMEOUT)
    connected_at = time.monotonic()
    card = await slack_server.wait_until(
        lambda: next(iter(staff_cards(slack_server)), None), TIMEOUT
    )
    sent_after = time.monotonic() - connected_at
    await stop(online)  # at once: a second quick restart follows
    assert sent_after < 10.0
    assert "Q1" in str(card.args)
    assert await timer_states(db_path) == [("escalate", "done", 0)]

    # 4. Restarted once more: connected, a new question handled, and no second card.
    again = run(later)
    await slack_server.wait_for_connection(3, TIMEOUT)
    await slack_server.push_event(sp.event_callback(sp.message("How do I export my data?")))
    await slack_server.wait_for_call("chat.postMessage", r"Question Q2 is open", TIMEOUT)
    # The week's staff report, due since 08:00 and covering Q1, comes once (step 3 or 4).
    await slack_server.wait_until(lambda: len(staff_posts(slack_server)) == 2, TIMEOUT)
    await stop(again)
    assert len(staff_cards(slack_server)) == 1
    assert len(staff_posts(slack_server)) == 2
