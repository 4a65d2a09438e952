"""Signed HTTP deliveries to a bolt app, as Slack makes them (events, commands, interactions)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from tests.fakes.slack_payloads import SIGNING_SECRET

STALE_SECONDS = 6 * 60  # bolt refuses timestamps more than 5 minutes off
FORM = "application/x-www-form-urlencoded"


def signed_request(
    body: str,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = "application/json",
) -> dict[str, str]:
    """The headers Slack sends with `body`: timestamp, v0 signature, content type."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
        "Content-Type": content_type,
    }


@dataclass
class Delivery:
    """The bolt app's answer to one delivery."""

    status: int
    text: str
    headers: dict[str, str]

    def json(self) -> Any:
        """The answer body parsed as JSON."""
        return json.loads(self.text)


async def post_signed(
    url: str,
    body: str,
    content_type: str = "application/json",
    *,
    secret: str = SIGNING_SECRET,
    forged: bool = False,
    stale: bool = False,
    retry_num: int | None = None,
    retry_reason: str | None = None,
) -> Delivery:
    """POST `body` signed like Slack; `forged` signs with a wrong secret, `stale` with a
    timestamp 6 minutes old; retry_num/retry_reason add X-Slack-Retry-Num/-Reason."""
    timestamp = int(time.time()) - STALE_SECONDS if stale else None
    headers = signed_request(body, "not-the-secret" if forged else secret, timestamp, content_type)
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body.encode(), headers=headers) as response,
    ):
        text = await response.text()
        return Delivery(response.status, text, dict(response.headers))


async def post_event(url: str, envelope: dict[str, Any], **options: Any) -> Delivery:
    """Deliver an Events API body (event_callback, url_verification) as JSON."""
    return await post_signed(url, json.dumps(envelope), **options)


async def post_command(url: str, fields: dict[str, str], **options: Any) -> Delivery:
    """Deliver a slash command as form fields."""
    return await post_signed(url, urlencode(fields), FORM, **options)


async def post_interactive(url: str, payload: dict[str, Any], **options: Any) -> Delivery:
    """Deliver an interactive payload (block_actions, message_action) as `payload=<json>`."""
    return await post_signed(url, urlencode({"payload": json.dumps(payload)}), FORM, **options)


@asynccontextmanager
async def bolt_http_server(app: AsyncApp, path: str = "/slack/events") -> AsyncIterator[str]:
    """Serve a bolt AsyncApp over HTTP on a free port of 127.0.0.1; yields the events URL."""
    runner = web.AppRunner(app.web_app(path=path), handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}{path}"
    finally:
        await runner.cleanup()
