"""Per-community settings: the file defaults with admins' overrides from the database."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import aiosqlite
from pydantic import TypeAdapter, ValidationError

from bot.settings import CommunityDefaults
from bot.settings.reasons import Reason, choice_reason, from_error
from bot.storage import settings_overrides

CHANNEL_TOKEN_RE = re.compile(r"^<#([A-Za-z0-9_.-]+)(?:\|[^>]*)?>$|^#?([A-Za-z0-9_.-]+)$")
CHANNEL_KEYS = ("help_channels", "staff_channel")


class ConfigValueError(ValueError):
    """A value an admin typed doesn't fit the key; `reason` says why and what would."""

    def __init__(self, key: str, reason: Reason) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


def config_keys() -> list[str]:
    """Every key an admin may set."""
    return list(CommunityDefaults.model_fields)


def channel_id_from_token(token: str) -> str | None:
    """Channel id from '#name', '<#C123|name>' or a bare id."""
    found = CHANNEL_TOKEN_RE.match(token.strip())
    if not found:
        return None
    return found.group(1) or found.group(2)


def _typed(key: str, raw: str) -> Any:
    """What the admin typed, as the field's type (channels, switches); checked later."""
    field = CommunityDefaults.model_fields[key]
    value = raw.strip()
    if key == "help_channels":
        ids = [channel_id_from_token(t) for t in re.split(r"[,\s]+", value) if t]
        if not ids or any(i is None for i in ids):
            raise ConfigValueError(key, Reason("settings.channels"))
        return ids
    if key == "staff_channel":
        channel = channel_id_from_token(value)
        if channel is None:
            raise ConfigValueError(key, Reason("settings.channel"))
        return channel
    if field.annotation == float | None and value.lower() == "auto":
        return None
    if field.annotation is bool:
        lowered = value.lower()
        if lowered not in ("true", "false", "on", "off", "yes", "no"):
            raise ConfigValueError(key, choice_reason(field))
        return lowered in ("true", "on", "yes")
    return value


def parse_value(key: str, raw: str, current: CommunityDefaults | None = None) -> Any:
    """Validate a value typed by an admin for `key` (and, given the `current` settings,
    together with them: rank_roles must name configured ranks); raise ConfigValueError."""
    if key not in CommunityDefaults.model_fields:
        raise ConfigValueError(key, Reason("settings.choice", choices=", ".join(config_keys())))
    field = CommunityDefaults.model_fields[key]
    value = _typed(key, raw)
    try:
        # Annotated with the field's metadata so bounds (ge/le) apply too.
        annotated: Any = (
            Annotated[field.annotation or str, *field.metadata]
            if field.metadata
            else field.annotation or str
        )
        parsed = TypeAdapter(annotated).validate_python(value)
        if current is not None:
            CommunityDefaults.model_validate({**current.model_dump(), key: parsed})
    except ValidationError as exc:
        error = exc.errors()[0]
        reason = from_error(error, field) or Reason("settings.text", example=field.default)
        raise ConfigValueError(key, reason) from None
    return parsed


def format_value(key: str, value: Any) -> str:
    """A value as admins type it."""
    if value is None:
        return "auto"
    if isinstance(value, bool):
        return "true" if value else "false"
    if key in CHANNEL_KEYS:
        channels = value if isinstance(value, list) else [value]
        return ", ".join(f"#{v}" for v in channels) or "-"
    return str(value) or "-"


async def load_overrides(conn: aiosqlite.Connection, community_id: int) -> dict[str, Any]:
    """Overrides stored for a community, skipping keys no longer known."""
    stored = await settings_overrides.stored(conn, community_id)
    known = set(config_keys())
    return {key: json.loads(value) for key, value in stored.items() if key in known}


def effective(defaults: CommunityDefaults, overrides: dict[str, Any]) -> CommunityDefaults:
    """Defaults with overrides applied; an override that no longer validates is ignored.

    Some settings depend on others (rank_roles names ranks): an override refused before
    the one it depends on is applied is tried again after it, until nothing more fits."""
    merged = defaults.model_dump()
    pending = dict(overrides)
    progress = True
    while pending and progress:
        progress = False
        for key, value in list(pending.items()):
            candidate = {**merged, key: value}
            try:
                CommunityDefaults.model_validate(candidate)
            except ValidationError:
                continue
            merged = candidate
            del pending[key]
            progress = True
    return CommunityDefaults.model_validate(merged)
