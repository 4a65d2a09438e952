"""Starting Entraide on Discord: the runner against the local fake Discord, the login
backoff, the Discord settings, and the command line's choice of adapter."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.adapters.discord import endpoints
from bot.adapters.discord import runner as discord_runner
from bot.adapters.discord.runner import DiscordRunner, FatalDiscordError, backoff_delay
from bot.cli.main import main
from bot.core.clock import Clock
from bot.core.identity import Community
from bot.runtime.app import App
from bot.settings import Settings, load_settings
from bot.settings.platform_settings import with_shards
from tests.cli.test_main import ROOT, run_bot
from tests.fakes import backends
from tests.fakes import discord_payloads as p
from tests.fakes.console import START
from tests.fakes.discord_server import FakeDiscord, RestCall

TIMEOUT = 10.0
FAST = {"chunk_guilds_at_startup": False, "guild_ready_timeout": 0.1}


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """Exceptions nobody awaited during the test (a dead background task fails it)."""
    errors: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    old = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: errors.append(context))
    yield errors
    loop.set_exception_handler(old)


def discord_env(discord_server: FakeDiscord, tmp_path: Path, **extra: str) -> dict[str, str]:
    """ENTRAIDE_* variables that run the bot on the fake, #help a help channel, no model."""
    knowledge = tmp_path / "kb"
    knowledge.mkdir(exist_ok=True)
    return (
        {
            "ENTRAIDE_DISCORD_TOKEN": "fake-token",
            "ENTRAIDE_DISCORD_API_URL": discord_server.rest_url,
            "ENTRAIDE_DISCORD_GATEWAY_URL": discord_server.ws_url,
            "ENTRAIDE_COMMUNITY__HELP_CHANNELS": f'["{p.HELP_CHANNEL_ID}"]',
            "ENTRAIDE_RETRIEVAL__DENSE": "false",
            "ENTRAIDE_RETRIEVAL__KNOWLEDGE_DIR": str(knowledge),
            "ENTRAIDE_STORAGE__DB_PATH": str(tmp_path / "entraide.db"),
        }
        | backends.database_env(tmp_path / "entraide.db")
        | extra
    )


@pytest.mark.parametrize("shards", ["0", "1", "auto"])
async def test_run_connects_answers_a_question_and_stops_on_a_signal(
    discord_server: FakeDiscord,
    tmp_path: Path,
    loop_errors: list[dict[str, Any]],
    shards: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The settings' URLs lead discord.py to the fake; a post in #help gets its thread;
    SIGINT closes the client and stops the app; discord.py's addresses come back."""
    settings = load_settings(
        environ=discord_env(discord_server, tmp_path, ENTRAIDE_DISCORD_SHARDS=shards)
    )
    before = endpoints.current()
    task = asyncio.create_task(discord_runner.run(settings, db_path=tmp_path / "d.db", **FAST))
    await discord_server.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
    thread = await discord_server.wait_for_call(
        "POST", r"/channels/\d+/messages/\d+/threads", TIMEOUT
    )
    assert thread.body["name"].startswith("Q1 · How do I export my data?")
    # Only "auto" asks Discord for the shard count (and then the gateway URL).
    assert bool(discord_server.calls_to("GET", "/gateway/bot")) == (shards == "auto")
    os.kill(os.getpid(), signal.SIGINT)
    await asyncio.wait_for(task, TIMEOUT)
    assert endpoints.current() == before
    assert discord_server.identifies == 1
    assert not loop_errors, loop_errors


@pytest.mark.parametrize("shards", ["0", "1"])
async def test_a_stop_right_after_ready_starts_no_sweep_and_logs_no_error(
    discord_server: FakeDiscord,
    tmp_path: Path,
    loop_errors: list[dict[str, Any]],
    shards: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """discord.py reports a session ready about 2 s after its READY (waiting for the guilds).
    Stopped within those 2 s (a quick restart), the bot starts no READY sweep on its closed
    database and leaves no task failing after it: no error logged, none left unretrieved."""
    settings = load_settings(
        environ=discord_env(discord_server, tmp_path, ENTRAIDE_DISCORD_SHARDS=shards)
    )
    slow_ready = {"chunk_guilds_at_startup": False, "guild_ready_timeout": 2.0}
    task = asyncio.create_task(
        discord_runner.run(settings, db_path=tmp_path / "d.db", **slow_ready)
    )
    await discord_server.wait_for_identify(1, TIMEOUT)
    os.kill(os.getpid(), signal.SIGINT)  # within the 2 s
    await asyncio.wait_for(task, TIMEOUT)
    await asyncio.sleep(2.5)  # past the moment discord.py would have said ready
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert not loop_errors, loop_errors
    assert discord_server.calls_to("GET", r"/channels/\d+/messages") == []  # no sweep


async def test_python_m_bot_run_with_a_token_runs_on_discord_until_sigterm(
    discord_server: FakeDiscord, tmp_path: Path
) -> None:
    """`python -m bot run` with ENTRAIDE_DISCORD_TOKEN picks Discord; SIGTERM exits 0."""
    proc = await _start_bot(discord_env(discord_server, tmp_path), "run")
    try:
        await discord_server.dispatch(
            "MESSAGE_CREATE", p.message_create("How do I change my avatar?"), TIMEOUT
        )
        await discord_server.wait_for_call("POST", r"/channels/\d+/messages/\d+/threads", TIMEOUT)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    log = stderr.decode()
    assert proc.returncode == 0, log
    assert "SIGTERM received" in log
    assert "Entraide stopped" in log
    assert "Traceback" not in log, log


async def test_a_refused_token_exits_2_with_one_line_and_no_retry(
    discord_server: FakeDiscord, tmp_path: Path
) -> None:
    """401 on GET /users/@me: exit code 2, the operator's message, a single login attempt."""
    discord_server.route(
        "GET", r"/users/@me", lambda call, m: (401, {"message": "401: Unauthorized"})
    )
    proc = await _start_bot(discord_env(discord_server, tmp_path), "run", "--adapter", "discord")
    _, stderr = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    lines = stderr.decode().strip().splitlines()
    assert proc.returncode == 2
    assert lines[-1].startswith("entraide: ENTRAIDE_DISCORD_TOKEN was refused by Discord")
    assert len(discord_server.calls_to("GET", "/users/@me")) == 1
    assert discord_server.identifies == 0


async def _start_bot(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith("ENTRAIDE_")}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=clean | env | {"HF_HUB_OFFLINE": "1", "PYTHONIOENCODING": "utf-8"},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _runner(
    discord_server: FakeDiscord, tmp_path: Path, sleep: Callable[[float], Any]
) -> tuple[App, DiscordRunner]:
    settings = load_settings(environ=discord_env(discord_server, tmp_path))
    app = App(settings, clock=Clock(START, frozen=True), db_path=tmp_path / "r.db")
    runner = DiscordRunner(
        app,
        "fake-token",
        discord_runner.make_adapter(settings, **FAST),
        sleep=sleep,
        jitter=lambda: 0.0,
    )
    await app.start()
    return app, runner


async def test_a_transient_login_failure_is_retried_after_the_backoff(
    discord_server: FakeDiscord, tmp_path: Path, loop_errors: list[dict[str, Any]]
) -> None:
    """A 400 on the first login: the runner waits 5 s (injected sleep), logs in again, connects."""
    answers = iter([(400, {"message": "try later", "code": 0})])

    def me(call: RestCall, m: Any) -> tuple[int, Any]:
        return next(answers, (200, p.bot_user()))

    discord_server.route("GET", r"/users/@me", me)
    delays: list[float] = []

    async def sleep(delay: float) -> None:
        delays.append(delay)

    app, runner = await _runner(discord_server, tmp_path, sleep)
    with endpoints.pointed_at(discord_server.rest_url, discord_server.ws_url):
        task = asyncio.create_task(runner.run())
        try:
            await discord_server.dispatch(
                "MESSAGE_CREATE", p.message_create("Why is my export empty?")
            )
            await discord_server.wait_for_call(
                "POST", r"/channels/\d+/messages/\d+/threads", TIMEOUT
            )
        finally:
            runner.stop()
            await asyncio.wait_for(task, TIMEOUT)
            await app.stop()
    assert delays == [5.0]
    assert runner.logins == 2
    assert app.adapters["discord"] is runner.adapter  # the second login's client serves
    assert not loop_errors, loop_errors


async def test_missing_privileged_intents_are_fatal_and_named(
    discord_server: FakeDiscord, tmp_path: Path
) -> None:
    """Close code 4014: no retry, and the message names both intents to enable."""
    sleeps: list[float] = []
    app, runner = await _runner(discord_server, tmp_path, lambda d: sleeps.append(d))
    with endpoints.pointed_at(discord_server.rest_url, discord_server.ws_url):
        task = asyncio.create_task(runner.run())
        try:
            await discord_server._wait(
                lambda: discord_server._ws is not None, TIMEOUT
            )  # READY was sent
            await discord_server.drop_connection(4014)
            with pytest.raises(FatalDiscordError) as caught:
                await asyncio.wait_for(task, TIMEOUT)
        finally:
            await app.stop()
    assert "Server Members Intent and Message Content Intent" in str(caught.value)
    assert "Developer Portal › Bot" in str(caught.value)
    assert sleeps == []


def test_backoff_doubles_from_5_seconds_to_10_minutes_with_jitter_on_top() -> None:
    """5, 10, 20 … capped at 600 s; jitter adds up to 25 %, never shortens a wait."""
    assert [backoff_delay(n, 0.0) for n in range(9)] == [5, 10, 20, 40, 80, 160, 320, 600, 600]
    assert backoff_delay(0, 0.999) == pytest.approx(6.25, abs=0.01)
    assert backoff_delay(1_000, 1.0) == 750.0
    # The worst case stays far below Discord's 1,000 IDENTIFY a day.
    assert 86_400 / backoff_delay(100, 0.0) < 1_000 / 5


class _FailingClient:
    """A client whose start() fails (or returns) at once, as a dead network would."""

    def __init__(self, outcome: BaseException | None) -> None:
        self.outcome = outcome

    async def start(self, token: str, *, reconnect: bool) -> None:
        if self.outcome is not None:
            raise self.outcome

    async def close(self) -> None:
        pass


async def test_the_schedule_grows_per_failure_and_resets_after_a_stable_run() -> None:
    """Failures in a row wait 5, 10, 20 s; after a run of 10 minutes it starts over at 5 s.
    A start() that simply returns is retried too."""
    outcomes: list[BaseException | None] = [OSError("down"), None, OSError("down"), None, None]
    now = [0.0]
    delays: list[float] = []
    runner: DiscordRunner

    def adapter(app: Any) -> Any:
        client = _FailingClient(outcomes.pop(0) if outcomes else OSError("down"))
        if len(delays) == 3:  # this login "stays up" for 11 minutes before failing
            real_start = client.start

            async def start(token: str, *, reconnect: bool) -> None:
                now[0] += 660
                await real_start(token, reconnect=reconnect)

            client.start = start  # type: ignore[method-assign]
        return type("Adapter", (), {"platform": "discord", "client": client})()

    async def sleep(delay: float) -> None:
        delays.append(delay)
        if len(delays) == 5:
            runner.stop()

    app = type("FakeApp", (), {"adapters": {}})()
    app.add_adapter = lambda a: app.adapters.__setitem__("discord", a)
    runner = DiscordRunner(app, "t", adapter, sleep=sleep, clock=lambda: now[0], jitter=lambda: 0.0)
    await asyncio.wait_for(runner.run(), TIMEOUT)
    assert delays == [5.0, 10.0, 20.0, 5.0, 10.0]
    assert runner.logins == 5


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (discord.LoginFailure("Improper token"), "ENTRAIDE_DISCORD_TOKEN was refused"),
        (discord.PrivilegedIntentsRequired(None), "Message Content Intent"),
    ],
)
async def test_fatal_errors_are_raised_without_sleeping(exc: Exception, words: str) -> None:
    """A refusal by Discord ends run() at once with the operator's line."""
    sleeps: list[float] = []
    app = type("FakeApp", (), {"adapters": {}})()
    app.add_adapter = lambda a: None
    adapter = type("Adapter", (), {"client": _FailingClient(exc)})()
    runner = DiscordRunner(app, "t", lambda _: adapter, sleep=lambda d: sleeps.append(d))
    with pytest.raises(FatalDiscordError, match=words):
        await runner.run()
    assert sleeps == []


def test_discord_settings_come_from_the_environment() -> None:
    """ENTRAIDE_DISCORD_API_URL, _GATEWAY_URL and _SHARDS are top-level settings."""
    settings = load_settings(
        environ={
            "ENTRAIDE_DISCORD_API_URL": "http://127.0.0.1:8080/api/v10/",
            "ENTRAIDE_DISCORD_GATEWAY_URL": "ws://127.0.0.1:8080/gateway",
            "ENTRAIDE_DISCORD_SHARDS": "auto",
        }
    )
    assert settings.discord_api_url == "http://127.0.0.1:8080/api/v10"  # no trailing slash
    assert settings.discord_gateway_url == "ws://127.0.0.1:8080/gateway"
    assert settings.discord_shards == "auto"
    assert load_settings(environ={"ENTRAIDE_DISCORD_SHARDS": "4"}).discord_shards == 4
    defaults: Settings = load_settings(environ={})
    assert defaults.discord_api_url == "https://discord.com/api/v10"
    assert defaults.discord_gateway_url == "wss://gateway.discord.gg/"
    assert defaults.discord_shards == 0


def test_shards_in_a_file_are_read(tmp_path: Path) -> None:
    """discord_shards = "auto" or a number in a settings file."""
    path = tmp_path / "s.toml"
    path.write_text('discord_shards = "auto"\n', encoding="utf-8")
    assert load_settings(path, environ={}).discord_shards == "auto"
    path.write_text("discord_shards = 2\n", encoding="utf-8")
    assert load_settings(path, environ={}).discord_shards == 2


def test_discord_adapter_without_a_token_exits_2() -> None:
    """`run --adapter discord` without ENTRAIDE_DISCORD_TOKEN says what is missing."""
    result = run_bot("run", "--adapter", "discord")
    assert result.returncode == 2
    assert "needs ENTRAIDE_DISCORD_TOKEN" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_console_flag_and_another_adapter_conflict(tmp_path: Path) -> None:
    """--console with --adapter discord is a usage error (exit 2), not a guess."""
    result = run_bot("run", "--console", "--adapter", "discord", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert "--console and --script run the console" in result.stderr


def test_console_flag_wins_over_a_token(tmp_path: Path) -> None:
    """A token in the environment and --console: the console runs, as before."""
    result = run_bot(
        "run",
        "--console",
        "--db",
        str(tmp_path / "x.db"),
        input="alice: hello there\n",
        extra_env={"ENTRAIDE_DISCORD_TOKEN": "t"},
    )
    assert result.returncode == 0, result.stderr
    assert "M1 [#help] alice: hello there" in result.stdout


async def test_a_process_runs_only_its_shards(
    discord_server: FakeDiscord, tmp_path: Path, loop_errors: list[dict[str, Any]]
) -> None:
    """discord_shards = 2, discord_shard_ids = "1": one gateway session, as shard 1 of 2
    (shard 0 is another process's), and the guild's questions are answered there."""
    env = discord_env(
        discord_server, tmp_path, ENTRAIDE_DISCORD_SHARDS="2", ENTRAIDE_DISCORD_SHARD_IDS="1"
    )
    settings = load_settings(environ=env)
    task = asyncio.create_task(discord_runner.run(settings, db_path=tmp_path / "d.db", **FAST))
    await discord_server.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
    await discord_server.wait_for_call("POST", r"/channels/\d+/messages/\d+/threads", TIMEOUT)
    os.kill(os.getpid(), signal.SIGINT)
    await asyncio.wait_for(task, TIMEOUT)
    assert [d.get("shard") for d in discord_server.identified] == [[1, 2]]
    assert not loop_errors, loop_errors


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--shards", "0-3"], "needs discord_shards set to the number of shards"),
        (["--shards", "2-4", "--shard-count", "4"], "[4] past discord_shards = 4"),
        (["--shards", "a-b", "--shard-count", "4"], 'ranges such as "0-3"'),
        (["--shard-count", "many"], "a number of shards"),
    ],
)
def test_shard_flags_that_dont_add_up_are_refused(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--adapter", "discord", *args]) == 2
    assert says in capsys.readouterr().err


def test_shard_flags_beat_the_environment() -> None:
    settings = load_settings(environ={"ENTRAIDE_DISCORD_SHARDS": "2"})
    chosen = with_shards(settings, "4-7", "8")
    assert (chosen.discord_shards, chosen.shard_ids) == (8, (4, 5, 6, 7))


def test_a_shard_process_serves_only_the_guilds_of_its_shards(tmp_path: Path) -> None:
    """Discord's rule, (guild id >> 22) % shards: with shards 1 of 4 here, a guild on shard 1
    is this process's (its timers and scheduled posts run here), one on shard 2 is not."""
    settings = load_settings(environ={"ENTRAIDE_DISCORD_SHARDS": "4"})
    app = App(settings, clock=Clock(START, frozen=True), db_path=tmp_path / "s.db")
    adapter = discord_runner.make_adapter(with_shards(settings, "1", None))(app)
    app.add_adapter(adapter)
    on_shard = {shard: str((1000 * 4 + shard) << 22) for shard in range(4)}
    assert app.serves(Community("discord", on_shard[1]))
    assert not app.serves(Community("discord", on_shard[2]))
    assert not app.serves(Community("slack", "T0TEAM"))  # no Slack in this process
