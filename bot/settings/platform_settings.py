"""Top-level settings of the chat platforms (Discord, Slack): where they are, how to serve them.

Settings (bot.settings) extends PlatformSettings, so these stay top-level keys
(`discord_shards`, `ENTRAIDE_SLACK_PORT` …) beside the sections.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr
from pydantic.functional_validators import PlainValidator
from pydantic_settings import BaseSettings

SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


def url_check(schemes: tuple[str, ...], path_end: str = "", slash: bool = False) -> AfterValidator:
    """A validator: an absolute URL with one of `schemes` (and a path ending in `path_end`);
    `slash` makes it end in "/"."""

    def check(value: str) -> str:
        text = value.strip()
        parts = urlsplit(text)
        if parts.scheme not in schemes or not parts.netloc:
            raise ValueError(f"expected a {' or '.join(s + '://' for s in schemes)} URL")
        if path_end and not parts.path.rstrip("/").endswith(path_end):
            raise ValueError(f"expected the API base URL, ending in {path_end}")
        if slash:  # slack_sdk joins method names to the base: ".../api" would lose "api"
            return text if text.endswith("/") else text + "/"
        # discord.py appends "/channels/…" to the REST base: no trailing slash.
        return text.rstrip("/") if path_end else text

    return AfterValidator(check)


def _check_shards(value: object) -> int | Literal["auto"]:
    """0: one gateway connection; N > 0: that many shards; "auto": as many as Discord says."""
    text = str(value).strip().lower()
    if text == "auto":
        return "auto"
    if text.isdecimal() and int(text) <= 100_000:
        return int(text)
    raise ValueError('expected 0 (one connection), a number of shards, or "auto"')


def _check_user_ids(value: list[str]) -> list[str]:
    """Slack member ids: a name here would silently match nobody."""
    bad = [v for v in value if not SLACK_USER_ID.fullmatch(v.strip())]
    if bad:
        raise ValueError(
            f"expected Slack member ids like U0123ABCD (profile › ⋮ › Copy member ID), not {bad}"
        )
    return [v.strip() for v in value]


SlackUserIds = Annotated[list[str], AfterValidator(_check_user_ids)]


def _blank_is_unset(value: object) -> object:
    """`ENTRAIDE_DISCORD_TOKEN=` (empty or spaces, as compose files and `docker run -e` leave
    it) means no secret: taken as one, it would be refused and retried forever."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# Surrounding whitespace (a pasted newline) is never part of a token either.
Secret = Annotated[SecretStr | None, BeforeValidator(_blank_is_unset)]


class PlatformSettings(BaseSettings):
    """The platforms' addresses, serving options and secrets (environment only)."""

    # Discord itself, or a Discord-compatible server (a proxy, a test double).
    discord_api_url: Annotated[str, url_check(("https", "http"), "/api/v10")] = (
        "https://discord.com/api/v10"
    )
    discord_gateway_url: Annotated[str, url_check(("wss", "ws"))] = "wss://gateway.discord.gg/"
    discord_shards: Annotated[int | Literal["auto"], PlainValidator(_check_shards)] = 0
    # Slack's Web API, or a Slack-compatible server; HTTP mode listens on host:port.
    slack_api_url: Annotated[str, url_check(("https", "http"), slash=True)] = (
        "https://slack.com/api/"
    )
    slack_host: str = "0.0.0.0"
    slack_port: int = Field(default=3000, ge=0, le=65_535)  # 0: any free port
    # Workspace admins and owners are admins anyway; these add members by id.
    slack_admins: SlackUserIds = Field(default_factory=list)
    slack_staff: SlackUserIds = Field(default_factory=list)
    # Secrets: environment only (ENTRAIDE_DISCORD_TOKEN …), never in a config file.
    discord_token: Secret = None
    slack_bot_token: Secret = None
    slack_app_token: Secret = None  # set: Socket Mode, else HTTP mode
    slack_signing_secret: Secret = None
