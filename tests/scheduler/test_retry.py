"""The timers' retry policy (issue 14): a platform not ready costs no try; a failure that
heals (network, 5xx, 429) is retried for more than 24 hours; anything else 1, 5, 30 minutes;
giving up names the timer's kind, key and community."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import discord
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.core.ports import DeliveryError, NotReady
from bot.scheduler.retry import HEALING, SHORT, Failure, classify, retry_after
from bot.storage.timers import Timer
from tests.scheduler.test_timers import bot, schedule, status


def discord_error(status: int) -> discord.HTTPException:
    """What discord.py raises for an HTTP answer of `status`."""
    return discord.HTTPException(SimpleNamespace(status=status, reason="x"), "fake")  # type: ignore[arg-type]


def slack_error(status: int, error: str) -> SlackApiError:
    """What slack_sdk raises for a Web API answer of `status` with `error`."""
    data = {"ok": False, "error": error}
    response = AsyncSlackResponse(
        client=None,  # type: ignore[arg-type]
        http_verb="POST",
        api_url="https://slack.test/api/chat.postMessage",
        req_args={},
        data=data,
        headers={},
        status_code=status,
    )
    return SlackApiError(error, response)


def caused_by(cause: BaseException) -> RuntimeError:
    """An error raised while handling `cause` (how a cog's failure reaches the timers)."""
    try:
        raise cause
    except BaseException:
        try:
            raise RuntimeError("sending the staff card failed") from cause
        except RuntimeError as exc:
            return exc


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (NotReady("Discord is not connected yet"), Failure.NOT_READY),
        (ConnectionResetError(), Failure.HEALABLE),
        (TimeoutError(), Failure.HEALABLE),
        (aiohttp.ServerDisconnectedError(), Failure.HEALABLE),
        (discord_error(503), Failure.HEALABLE),
        (discord_error(429), Failure.HEALABLE),
        (slack_error(429, "ratelimited"), Failure.HEALABLE),
        (slack_error(500, "internal_error"), Failure.HEALABLE),
        (caused_by(ConnectionRefusedError()), Failure.HEALABLE),
        (caused_by(NotReady("reconnecting")), Failure.NOT_READY),
        (discord_error(403), Failure.OTHER),
        (discord_error(404), Failure.OTHER),
        (slack_error(200, "channel_not_found"), Failure.OTHER),
        (DeliveryError("missing Send Messages in #staff"), Failure.OTHER),
        (KeyError("question_id"), Failure.OTHER),
        (FileNotFoundError("no such file"), Failure.OTHER),
    ],
)
def test_failures_are_classified_by_whether_they_heal(error: Exception, kind: Failure) -> None:
    """Network, timeouts, 5xx and 429 heal; refusals, 4xx and bugs don't."""
    assert classify(error) is kind


def test_healable_failures_are_retried_for_more_than_a_day() -> None:
    """The healing schedule backs off to hourly tries and spans at least 24 hours."""
    waits = []
    attempts = 0
    while (wait := retry_after(Failure.HEALABLE, attempts)) is not None:
        waits.append(wait)
        attempts += 1
    assert sum(waits, timedelta()) >= timedelta(hours=24)
    assert waits == sorted(waits)
    assert max(waits) <= timedelta(hours=1)
    assert attempts == len(HEALING)


def test_other_failures_keep_the_short_schedule_and_not_ready_never_gives_up() -> None:
    """1, 5, 30 minutes then give up; a platform not ready is retried soon, whatever the count."""
    assert [retry_after(Failure.OTHER, n) for n in range(4)] == [*SHORT, None]
    assert retry_after(Failure.NOT_READY, 10_000) == timedelta(seconds=30)


class Failing:
    """A timer handler that raises what it is given `times` times, then succeeds."""

    def __init__(self, error: Exception, times: int) -> None:
        self.error, self.times, self.fired = error, times, 0

    async def __call__(self, timer: Timer) -> None:
        if self.times:
            self.times -= 1
            raise self.error
        self.fired += 1


async def test_a_platform_not_ready_costs_no_try(tmp_path: Path) -> None:
    """Ten NotReady in a row: tried every 30 s, no attempt counted, then done."""
    handler = Failing(NotReady("reconnecting"), 10)
    async with bot(tmp_path / "t.db", handler) as app:  # type: ignore[arg-type]
        await schedule(app, "question:1", timedelta(minutes=1))
        await app.clock.advance(timedelta(minutes=1))
        for _ in range(10):
            assert await status(app) == [("question:1", "pending", 0)]
            await app.clock.advance(timedelta(seconds=30))
        assert await status(app) == [("question:1", "done", 0)]
        assert handler.fired == 1


async def test_a_day_long_outage_loses_no_timer(tmp_path: Path) -> None:
    """Discord answers 503 for 23 hours: the timer is still pending, then done."""
    handler = Failing(discord_error(503), 10**6)
    async with bot(tmp_path / "t.db", handler) as app:  # type: ignore[arg-type]
        await schedule(app, "question:1", timedelta(minutes=1))
        await app.clock.advance(timedelta(minutes=1, hours=23))
        [(_, state, tries)] = await status(app)
        assert state == "pending"
        assert tries > 20
        handler.times = 0  # the platform is back
        await app.clock.advance(timedelta(hours=1))
        assert await status(app) == [("question:1", "done", tries)]
        assert handler.fired == 1


async def test_giving_up_is_logged_with_the_question(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Past the healing schedule the timer fails for good, logged with kind, key, community
    and payload."""
    handler = Failing(ConnectionResetError(), 10**6)
    async with bot(tmp_path / "t.db", handler) as app:  # type: ignore[arg-type]
        await schedule(app, "question:1", timedelta(minutes=1), question_id=7)
        with caplog.at_level(logging.ERROR, "bot.scheduler.timers"):
            await app.clock.advance(timedelta(days=2))
        assert await status(app) == [("question:1", "failed", len(HEALING) + 1)]
        [given_up] = [r for r in caplog.records if "given up" in r.getMessage()]
        line = given_up.getMessage()
        assert "test question:1" in line
        assert "console:" in line  # the community's key
        assert "'question_id': 7" in line
