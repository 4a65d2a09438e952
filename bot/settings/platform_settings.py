"""Top-level settings of the chat platforms (Discord, Slack): where they are, how to serve them.

Settings (bot.settings) extends PlatformSettings, so these stay top-level keys
(`discord_shards`, `ENTRAIDE_SLACK_PORT` …) beside the sections.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
)
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


def _check_shard_ids(value: object) -> tuple[int, ...] | None:
    """The shards this process runs, of discord_shards in all: "0-3", "4,5", "" for all."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    text = str(value).replace(" ", "")
    if not text:
        return None
    ids: list[int] = []
    for part in text.split(","):
        first, dash, last = part.partition("-")
        if not first.isdecimal() or (dash and not last.isdecimal()):
            raise ValueError('expected shard numbers and ranges such as "0-3" or "0,2,4"')
        low, high = int(first), int(last) if dash else int(first)
        if high < low or high - low > 100_000:
            raise ValueError(f"{part}: a range goes from the lower shard to the higher")
        ids += range(low, high + 1)
    return tuple(sorted(set(ids)))


def _canonical_shard_ids(value: str) -> str:
    """The shard list checked and written out ("0-2" → "0,1,2"; "" for every shard)."""
    ids = _check_shard_ids(value)
    return "" if ids is None else ",".join(map(str, ids))


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


SettingsT = TypeVar("SettingsT", bound="PlatformSettings")


class PlatformSettings(BaseSettings):
    """The platforms' addresses, serving options and secrets (environment only)."""

    # Discord itself, or a Discord-compatible server (a proxy, a test double).
    discord_api_url: Annotated[str, url_check(("https", "http"), "/api/v10")] = (
        "https://discord.com/api/v10"
    )
    discord_gateway_url: Annotated[str, url_check(("wss", "ws"))] = "wss://gateway.discord.gg/"
    discord_shards: Annotated[int | Literal["auto"], PlainValidator(_check_shards)] = 0
    # Several processes share the shards (README "Running at scale"): this one runs these, of
    # discord_shards in all. Unset: every shard in this process.
    discord_shard_ids: Annotated[str, AfterValidator(_canonical_shard_ids)] = ""
    # Slack's Web API, or a Slack-compatible server; HTTP mode listens on host:port.
    slack_api_url: Annotated[str, url_check(("https", "http"), slash=True)] = (
        "https://slack.com/api/"
    )
    slack_host: str = "0.0.0.0"
    slack_port: int = Field(default=3000, ge=0, le=65_535)  # 0: any free port
    # Several worker processes on one port (Linux SO_REUSEPORT: the kernel spreads the
    # connections); they share the database (README "Running at scale").
    slack_reuse_port: bool = False
    # Workspace admins and owners are admins anyway; these add members by id.
    slack_admins: SlackUserIds = Field(default_factory=list)
    slack_staff: SlackUserIds = Field(default_factory=list)
    # Secrets: environment only (ENTRAIDE_DISCORD_TOKEN …), never in a config file.
    discord_token: Secret = None
    slack_bot_token: Secret = None
    slack_app_token: Secret = None  # set: Socket Mode, else HTTP mode
    slack_signing_secret: Secret = None

    @field_validator("discord_shard_ids")
    @classmethod
    def _shard_ids_within_the_count(cls, value: str, info: ValidationInfo) -> str:
        shards_of(_check_shard_ids(value), info.data.get("discord_shards", 0))
        return value

    @property
    def shard_ids(self) -> tuple[int, ...] | None:
        """discord_shard_ids as numbers; None: every shard in this process."""
        return _check_shard_ids(self.discord_shard_ids)


def with_shards(settings: SettingsT, shard_ids: str | None, shard_count: str | None) -> SettingsT:
    """The settings with the command line's --shards / --shard-count (they beat the
    environment and the file); ValueError saying what is wrong."""
    count = settings.discord_shards if shard_count is None else _check_shards(shard_count)
    listed = settings.discord_shard_ids if shard_ids is None else _canonical_shard_ids(shard_ids)
    shards_of(_check_shard_ids(listed), count)
    return settings.model_copy(update={"discord_shards": count, "discord_shard_ids": listed})


def shards_of(ids: tuple[int, ...] | None, count: int | Literal["auto"]) -> None:
    """ValueError unless `ids` (if any) are shards of `count` in all."""
    if ids is None:
        return
    if not isinstance(count, int) or count < 1:
        raise ValueError(
            "discord_shard_ids needs discord_shards set to the number of shards of all "
            "the processes together"
        )
    outside = [i for i in ids if i >= count]
    if outside:
        raise ValueError(
            f"discord_shard_ids {outside} past discord_shards = {count} (shards count from 0)"
        )
