"""The Slack tokens, checked at start: a refused one is one line for the operator (exit 2),
not an error at the first event; Slack out of reach is only a warning."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

from aiohttp import ClientError

from bot.adapters.slack.adapter import SlackAdapter
from bot.runtime.serve import PlatformRefused

log = logging.getLogger(__name__)

# Slack's answers for a token that no retry will make valid.
REFUSALS = {
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "not_allowed_token_type",
    "team_access_not_granted",
}
BOT_TOKEN_HELP = (
    "ENTRAIDE_SLACK_BOT_TOKEN was refused by Slack ({error}): copy the Bot User OAuth Token"
    " (xoxb-…) from api.slack.com/apps › your app › OAuth & Permissions"
)
APP_TOKEN_HELP = (
    "ENTRAIDE_SLACK_APP_TOKEN was refused by Slack ({error}): create an app-level token with"
    " connections:write (xapp-…) under api.slack.com/apps › your app › Basic Information"
)


async def check_tokens(adapter: SlackAdapter, app_token: str | None) -> None:
    """auth.test with the bot token; apps.connections.open with the app token (Socket Mode:
    slack_sdk would retry a refused one forever, logging a traceback every 10 s)."""
    client = adapter.client
    me = await _checked(client.auth_test(), BOT_TOKEN_HELP)
    if me is not None:
        log.info("Slack: workspace %s, bot @%s", me.get("team"), me.get("user"))
    if app_token is not None:  # an unused Socket Mode URL: it expires by itself
        await _checked(client.apps_connections_open(app_token=app_token), APP_TOKEN_HELP)


async def _checked(call: Awaitable[Any], refused: str) -> Any:
    """The call's answer; PlatformRefused if the token is refused; None (logged) if Slack
    can't be asked now: slack_sdk connects again later by itself."""
    try:
        return await call
    except (ClientError, OSError, TimeoutError) as exc:
        log.warning("Slack unreachable at start (%r); starting anyway", exc)
    except Exception as exc:
        error = _slack_error(exc)
        if error is None:
            raise
        if error in REFUSALS:
            raise PlatformRefused(refused.format(error=error)) from None
        log.warning("Slack: could not check a token (%s); starting anyway", error)
    return None


def _slack_error(exc: Exception) -> str | None:
    """The `error` of a SlackApiError, read by shape: only the adapter imports slack_sdk."""
    get = getattr(getattr(exc, "response", None), "get", None)
    return str(get("error")) if callable(get) else None
