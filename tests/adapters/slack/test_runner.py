"""Starting Entraide on Slack (HTTP mode, Socket Mode) against the local fake Slack, the token
checks at start, Discord and Slack in one process, and the Slack settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.adapters.slack.runner import SlackRunner
from bot.core.clock import Clock
from bot.runtime.app import App
from bot.runtime.serve import PlatformRefused, serve
from bot.settings import Settings, SettingsError, load_settings
from tests import queries as q
from tests.adapters.discord.test_runner import FAST, _start_bot, discord_env, loop_errors
from tests.cli.test_main import run_bot
from tests.fakes import backends
from tests.fakes import discord_payloads as dp
from tests.fakes import slack_payloads as sp
from tests.fakes.console import START
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.slack_server import FakeSlack, SlackCall
from tests.fakes.slack_signing import post_event

TIMEOUT = 10.0
INTRO = r"Question Q1 is open"
LoopErrors = list[dict[str, Any]]
__all__ = ["loop_errors"]  # the fixture: exceptions nobody awaited fail a test
THREAD = r"/channels/\d+/messages/\d+/threads"


def slack_env(
    slack_server: FakeSlack, tmp_path: Path, *, socket_mode: bool, **extra: str
) -> dict[str, str]:
    """ENTRAIDE_* variables that run the bot on the fake Slack: its #help, no model."""
    knowledge = tmp_path / "kb"
    knowledge.mkdir(exist_ok=True)
    mode = (
        {"ENTRAIDE_SLACK_APP_TOKEN": sp.APP_TOKEN}
        if socket_mode
        else {"ENTRAIDE_SLACK_SIGNING_SECRET": sp.SIGNING_SECRET}
    )
    return {
        "ENTRAIDE_SLACK_BOT_TOKEN": sp.BOT_TOKEN,
        "ENTRAIDE_SLACK_API_URL": slack_server.api_url,
        "ENTRAIDE_SLACK_HOST": "127.0.0.1",
        "ENTRAIDE_SLACK_PORT": "0",
        "ENTRAIDE_RETRIEVAL__DENSE": "false",
        "ENTRAIDE_RETRIEVAL__KNOWLEDGE_DIR": str(knowledge),
        "ENTRAIDE_STORAGE__DB_PATH": str(tmp_path / "entraide.db"),
        **mode,
        **backends.database_env(tmp_path / "entraide.db"),
        **extra,
    }


@contextlib.asynccontextmanager
async def running(settings: Settings, tmp_path: Path) -> AsyncIterator[SlackRunner]:
    """A SlackRunner on a started app, serving until the block ends; then a clean stop."""
    app = App(settings, clock=Clock(START, frozen=True), db_path=tmp_path / "s.db")
    runner = SlackRunner(app, settings)
    await runner.prepare()
    await app.start()
    task = asyncio.create_task(runner.run())
    try:
        await asyncio.wait_for(runner.listening.wait(), TIMEOUT)
        yield runner
    finally:
        runner.stop()
        await asyncio.wait_for(task, TIMEOUT)
        await app.stop()


async def test_http_mode_answers_a_signed_question_serves_healthz_and_stops_cleanly(
    slack_server: FakeSlack, tmp_path: Path, loop_errors: LoopErrors
) -> None:
    """Settings alone lead the runner to the fake; a signed post in #help gets its intro;
    /healthz answers 200; a forged delivery is refused; after stop the port is closed."""
    settings = load_settings(environ=slack_env(slack_server, tmp_path, socket_mode=False))
    async with running(settings, tmp_path) as runner:
        base = f"http://127.0.0.1:{runner.port}"
        question = sp.message("How do I export my data?")
        delivered = await post_event(f"{base}/slack/events", sp.event_callback(question))
        assert delivered.status == 200
        intro = await slack_server.wait_for_call("chat.postMessage", INTRO, TIMEOUT)
        assert intro.args["thread_ts"] == question["ts"]
        assert intro.token == sp.BOT_TOKEN
        async with aiohttp.ClientSession() as session, session.get(f"{base}/healthz") as health:
            assert (health.status, await health.text()) == (200, "ok")
        forged = sp.event_callback(sp.message("Forged?"))
        assert (await post_event(f"{base}/slack/events", forged, forged=True)).status == 401
    assert [c.method for c in slack_server.calls[:1]] == ["auth.test"]  # checked before serving
    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as session:
            await session.get(f"{base}/healthz")
    assert not loop_errors, loop_errors


async def test_socket_mode_connects_handles_an_envelope_and_acks_it(
    slack_server: FakeSlack, tmp_path: Path, loop_errors: LoopErrors
) -> None:
    """With an app token (and no signing secret) the runner connects over Socket Mode; a
    pushed question is acked and answered; stop closes the connection."""
    settings = load_settings(environ=slack_env(slack_server, tmp_path, socket_mode=True))
    assert settings.slack_signing_secret is None
    async with running(settings, tmp_path):
        await slack_server.wait_for_connection(within=TIMEOUT)
        question = sp.message("Why is my export empty?")
        envelope_id = await slack_server.push_event(sp.event_callback(question))
        assert await slack_server.wait_for_ack(envelope_id, TIMEOUT) == {"envelope_id": envelope_id}
        intro = await slack_server.wait_for_call("chat.postMessage", INTRO, TIMEOUT)
        assert intro.args["thread_ts"] == question["ts"]
    opened = slack_server.calls_to("apps.connections.open")
    assert {c.token for c in opened} == {sp.APP_TOKEN}
    assert slack_server.connections == 1
    await slack_server.wait_until(lambda: slack_server._ws is None, TIMEOUT)  # closed by the runner
    assert not loop_errors, loop_errors


@pytest.mark.parametrize(
    ("method", "words"),
    [
        ("auth.test", "ENTRAIDE_SLACK_BOT_TOKEN was refused by Slack (invalid_auth)"),
        ("apps.connections.open", "ENTRAIDE_SLACK_APP_TOKEN was refused by Slack (invalid_auth)"),
    ],
)
async def test_a_refused_token_is_reported_before_the_app_starts(
    slack_server: FakeSlack, tmp_path: Path, method: str, words: str
) -> None:
    """invalid_auth from auth.test (bot token) or apps.connections.open (app token): one line
    naming the variable and where to find the right token; nothing is served."""
    slack_server.fail(method, "invalid_auth")
    settings = load_settings(environ=slack_env(slack_server, tmp_path, socket_mode=True))
    with pytest.raises(PlatformRefused) as caught:
        await serve(settings, db_path=tmp_path / "r.db", platforms=["slack"])
    assert str(caught.value).startswith(words)
    assert "\n" not in str(caught.value)
    assert slack_server.connections == 0
    assert not (tmp_path / "r.db").exists()  # refused before the app opened its database


async def test_a_refused_bot_token_exits_2_with_one_line(
    slack_server: FakeSlack, tmp_path: Path
) -> None:
    """`python -m bot run --adapter slack` with a bad token: exit 2, the operator's line last."""
    slack_server.fail("auth.test", "invalid_auth")
    env = slack_env(slack_server, tmp_path, socket_mode=False)
    proc = await _start_bot(env, "run", "--adapter", "slack")
    _, stderr = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    lines = stderr.decode().strip().splitlines()
    assert proc.returncode == 2, lines
    assert lines[-1].startswith("entraide: ENTRAIDE_SLACK_BOT_TOKEN was refused by Slack")
    assert "OAuth & Permissions" in lines[-1]
    assert "Traceback" not in stderr.decode()
    assert [c.method for c in slack_server.calls] == ["auth.test"]


async def test_discord_and_slack_run_in_one_process_on_one_database(
    slack_server: FakeSlack, discord_server: FakeDiscord, tmp_path: Path
) -> None:
    """`python -m bot run` with both tokens runs both on one App: a question on each is
    handled, both are stored in the same database as two communities; SIGTERM exits 0."""
    help_channels = f'["{dp.HELP_CHANNEL_ID}", "help"]'
    env = discord_env(discord_server, tmp_path) | slack_env(
        slack_server, tmp_path, socket_mode=True, ENTRAIDE_COMMUNITY__HELP_CHANNELS=help_channels
    )
    proc = await _start_bot(env, "run")
    try:
        await discord_server.dispatch(
            "MESSAGE_CREATE", dp.message_create("How do I export?"), TIMEOUT
        )
        await slack_server.wait_for_connection(within=TIMEOUT)
        await slack_server.push_event(sp.event_callback(sp.message("How do I change my avatar?")))
        await discord_server.wait_for_call("POST", THREAD, TIMEOUT)
        await slack_server.wait_for_call("chat.postMessage", INTRO, TIMEOUT)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    log = stderr.decode()
    assert proc.returncode == 0, log
    assert "Entraide is starting on Discord and Slack" in log
    assert "SIGTERM received: stopping Discord and Slack" in log
    assert "Traceback" not in log, log
    db = backends.store_at(tmp_path / "entraide.db")  # the file, or its PostgreSQL schema
    await db.open()
    try:
        rows = await q.questions_by_platform(db)
    finally:
        await db.close()
    assert rows == [("discord", dp.GUILD_ID, 1), ("slack", sp.TEAM_ID, 1)]


async def test_a_fatal_refusal_on_one_platform_stops_the_other(
    slack_server: FakeSlack,
    discord_server: FakeDiscord,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Discord closes with 4014 (intents) while Slack is connected: Slack is stopped too and
    the refusal is raised, naming what to enable."""
    env = discord_env(discord_server, tmp_path) | slack_env(
        slack_server, tmp_path, socket_mode=True
    )
    settings = load_settings(environ=env)
    task = asyncio.create_task(
        serve(
            settings,
            db_path=tmp_path / "b.db",
            platforms=["discord", "slack"],
            options={"discord": FAST},
        )
    )
    await slack_server.wait_for_connection(within=TIMEOUT)
    await discord_server._wait(lambda: discord_server._ws is not None, TIMEOUT)  # READY was sent
    with caplog.at_level(logging.ERROR, logger="bot.runtime.serve"):
        await discord_server.drop_connection(4014)
        with pytest.raises(PlatformRefused, match="Message Content Intent"):
            await asyncio.wait_for(task, TIMEOUT)
    assert slack_server._ws is None  # the Slack connection was closed
    assert "Discord stopped" in caplog.text
    assert "Slack was stopped too" in caplog.text


def test_adapter_slack_without_a_token_exits_2() -> None:
    """`run --adapter slack` without ENTRAIDE_SLACK_BOT_TOKEN says what is missing, in one line."""
    result = run_bot("run", "--adapter", "slack")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("entraide: --adapter slack needs ENTRAIDE_SLACK_BOT_TOKEN")


def test_http_mode_without_a_signing_secret_exits_2() -> None:
    """A bot token alone: neither Socket Mode nor a verifiable HTTP endpoint; exit 2 at once."""
    result = run_bot("run", extra_env={"ENTRAIDE_SLACK_BOT_TOKEN": "xoxb-not-checked"})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "ENTRAIDE_SLACK_APP_TOKEN (Socket Mode) or ENTRAIDE_SLACK_SIGNING_SECRET" in line


def test_an_app_token_without_a_bot_token_is_reported_not_ignored() -> None:
    """A Slack secret but no bot token: exit 2 naming the missing token, not the console."""
    result = run_bot("run", extra_env={"ENTRAIDE_SLACK_APP_TOKEN": "xapp-1-not-checked"})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("entraide: Slack needs ENTRAIDE_SLACK_BOT_TOKEN")


async def test_a_busy_port_is_refused_in_one_line(slack_server: FakeSlack, tmp_path: Path) -> None:
    """HTTP mode on a port another process holds: PlatformRefused naming host, port, setting."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = slack_env(slack_server, tmp_path, socket_mode=False, ENTRAIDE_SLACK_PORT=str(port))
        settings = load_settings(environ=env)
        app = App(settings, clock=Clock(START, frozen=True), db_path=tmp_path / "p.db")
        with pytest.raises(PlatformRefused, match=rf"cannot listen on 127\.0\.0\.1:{port}"):
            await SlackRunner(app, settings).run()


async def test_slack_unreachable_at_start_is_not_fatal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listening at slack_api_url: a warning, and the runner goes on (slack_sdk
    connects later by itself)."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {
        "ENTRAIDE_SLACK_BOT_TOKEN": sp.BOT_TOKEN,
        "ENTRAIDE_SLACK_SIGNING_SECRET": sp.SIGNING_SECRET,
        "ENTRAIDE_SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
    }
    settings = load_settings(environ=env)
    runner = SlackRunner(App(settings, db_path=tmp_path / "u.db"), settings)
    with caplog.at_level(logging.WARNING, logger="bot.adapters.slack.checks"):
        await runner.prepare()
    assert "Slack unreachable at start" in caplog.text


def test_slack_settings_defaults_and_environment() -> None:
    """slack_api_url (a trailing / added), host, port, admins and staff; defaults."""
    defaults = load_settings(environ={})
    assert (defaults.slack_api_url, defaults.slack_host, defaults.slack_port) == (
        "https://slack.com/api/",
        "0.0.0.0",
        3000,
    )
    assert (defaults.slack_admins, defaults.slack_staff) == ([], [])
    settings = load_settings(
        environ={
            "ENTRAIDE_SLACK_API_URL": "http://127.0.0.1:9000/api",
            "ENTRAIDE_SLACK_HOST": "127.0.0.1",
            "ENTRAIDE_SLACK_PORT": "8080",
            "ENTRAIDE_SLACK_ADMINS": '["U0ADMIN"]',
            "ENTRAIDE_SLACK_STAFF": '["U0ERIN", "W0GRID"]',
        }
    )
    assert settings.slack_api_url == "http://127.0.0.1:9000/api/"
    assert (settings.slack_host, settings.slack_port) == ("127.0.0.1", 8080)
    assert (settings.slack_admins, settings.slack_staff) == (["U0ADMIN"], ["U0ERIN", "W0GRID"])


def test_slack_secrets_in_a_file_are_refused(tmp_path: Path) -> None:
    """The signing secret, like the tokens, is read only from the environment."""
    path = tmp_path / "s.toml"
    path.write_text('slack_signing_secret = "x"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="ENTRAIDE_SLACK_SIGNING_SECRET"):
        load_settings(path, environ={})


async def test_two_http_workers_share_one_port_and_handle_each_event_once(
    slack_server: FakeSlack, tmp_path: Path, loop_errors: LoopErrors
) -> None:
    """slack_reuse_port: two workers listen on the same port (and share the database); five
    questions, one of them delivered three times (Slack's retries), give five intros."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = slack_env(
        slack_server,
        tmp_path,
        socket_mode=False,
        ENTRAIDE_SLACK_PORT=str(port),
        ENTRAIDE_SLACK_REUSE_PORT="true",
    )
    settings = load_settings(environ=env)
    async with running(settings, tmp_path) as first, running(settings, tmp_path) as second:
        assert first.port == second.port == port
        url = f"http://127.0.0.1:{port}/slack/events"
        questions = [sp.message(f"Question number {n}?") for n in range(5)]
        envelopes = [sp.event_callback(q) for q in questions]
        deliveries = [*envelopes, envelopes[0], envelopes[0]]
        answers = await asyncio.gather(*(post_event(url, e) for e in deliveries))
        assert {a.status for a in answers} == {200}

        def intros() -> list[SlackCall]:
            return [
                c
                for c in slack_server.calls_to("chat.postMessage")
                if re.search(r"Question Q\d+ is open", str(c.args.get("text", "")))
            ]

        await slack_server.wait_until(lambda: len(intros()) >= 5, TIMEOUT)
        await asyncio.sleep(0.3)  # a second intro for the retried one would come by now
        threads = sorted(c.args["thread_ts"] for c in intros())
        assert threads == sorted(q["ts"] for q in questions)
    assert not loop_errors, loop_errors
