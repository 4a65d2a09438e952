"""The bot on Slack for end-to-end tests: the real slack-bolt app, served over HTTP on
127.0.0.1 (or connected over Socket Mode), against the local fake Slack Web API.

`slack_bot` is the default bot: the shipped channel names (help, general, staff), an empty
knowledge base. `running_slack_bot` takes other settings. Deliveries are signed like Slack's;
with process_before_response the answer comes after the bot handled the delivery.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.adapters.slack.adapter import SlackAdapter
from bot.core.clock import Clock
from bot.runtime.app import App
from tests.fakes import slack_interactions as si
from tests.fakes import slack_payloads as sp
from tests.fakes.console import START
from tests.fakes.settings import make_settings
from tests.fakes.slack_server import FakeSlack, fake_slack
from tests.fakes.slack_signing import Delivery, post_command, post_event, post_interactive

TIMEOUT = 5.0


@dataclass
class SlackBot:
    """A running bot, its fake Slack, and where to deliver (None over Socket Mode)."""

    app: App
    fake: FakeSlack
    adapter: SlackAdapter
    url: str

    async def event(self, event: dict[str, Any], **options: Any) -> Delivery:
        """Deliver one event in its Events API envelope (options: event_id, retry_num …)."""
        envelope = sp.event_callback(event, event_id=options.pop("event_id", None))
        return await post_event(self.url, envelope, **options)

    async def command(self, text: str, user_id: str = sp.ALICE, **options: Any) -> Delivery:
        """`/entraide TEXT` from a member, answered through the fake's response URL."""
        fields = si.slash_command(text, user_id=user_id, response_url=self.fake.response_url())
        return await post_command(self.url, fields, **options)

    async def click(self, payload: dict[str, Any], **options: Any) -> Delivery:
        """A button click or a message shortcut."""
        payload["response_url"] = self.fake.response_url()
        return await post_interactive(self.url, payload, **options)


@asynccontextmanager
async def running_slack_bot(
    tmp_path: Path,
    *,
    community: dict[str, Any] | None = None,
    knowledge_dir: Path | None = None,
    admins: tuple[str, ...] = (),
    staff: tuple[str, ...] = (),
    socket: bool = False,
    acks_first: bool = False,
) -> AsyncIterator[SlackBot]:
    """Entraide with the Slack adapter on a fresh fake; BM25 only (no model). `staff` are
    staff members by user id; `socket` connects over Socket Mode (then `url` is empty);
    `acks_first` answers each delivery before handling it, as in production (see `quiet`)."""
    settings = make_settings(
        tmp_path, community=community, knowledge_dir=knowledge_dir, dense=False
    )
    async with fake_slack() as fake:
        app = App(settings, clock=Clock(START, frozen=True), db_path=tmp_path / "s.db")
        adapter = SlackAdapter(
            app,
            token=sp.BOT_TOKEN,
            signing_secret=sp.SIGNING_SECRET,
            api_url=fake.api_url,
            admins=admins,
            staff=staff,
            # By default the HTTP answer waits for the handling (tests read the result at once).
            process_before_response=not acks_first,
        )
        app.add_adapter(adapter)
        await app.start()
        runner = web.AppRunner(adapter.web_app(), handle_signals=False)
        await runner.setup()
        try:
            url = ""
            if socket:
                await adapter.connect_socket_mode(sp.APP_TOKEN)
            else:
                await web.TCPSite(runner, "127.0.0.1", 0).start()
                url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
            yield SlackBot(app, fake, adapter, url)
        finally:
            await runner.cleanup()
            await adapter.close()
            await app.stop()


@pytest.fixture
async def slack_bot(tmp_path: Path) -> AsyncIterator[SlackBot]:
    """Entraide on a fresh fake Slack workspace with the shipped settings."""
    async with running_slack_bot(tmp_path) as bot:
        yield bot


def posted(fake: FakeSlack, channel: str, has: str = "") -> list[dict[str, Any]]:
    """Args of the bot's successful chat.postMessage calls in a channel containing `has`."""
    return [
        c.args
        for c in fake.calls_to("chat.postMessage")
        if c.ok and c.args.get("channel") == channel and has in str(c.args)
    ]


async def settle() -> None:
    """Let tasks the handling started (none should outlive it) run once."""
    await asyncio.sleep(0)


async def quiet(adapter: SlackAdapter) -> None:
    """Wait until every acknowledged delivery has been handled (no turn taken, no listener
    running): bolt starts listeners as tasks, so let those just created start first."""
    while adapter._running or adapter.sequencer.busy():
        if adapter._running:
            await adapter.drain(TIMEOUT)
        else:
            await asyncio.sleep(0)  # a listener task created, not started yet
