"""Texts of the admin commands."""

from __future__ import annotations

from typing import Any

from bot.cogs.admin import _channels
from bot.core.commands import CommandSpec
from bot.core.limits import ECHO, excerpt
from bot.runtime.context import Context
from bot.settings.community_config import CHANNEL_KEYS, config_keys, format_value


async def settings_table(ctx: Context, overrides: dict[str, Any]) -> str:
    """One line per key: value, and whether it is this community's own or the default;
    channels by name, each once."""
    lines = [ctx.t("admin.config_header")]
    current = ctx.config.model_dump()
    for key in config_keys():
        origin = ctx.t("admin.origin_set") if key in overrides else ctx.t("admin.origin_default")
        lines.append(f"• {key} = {await value(ctx, key, current[key])} ({origin})")
    return "\n".join(lines)


async def value(ctx: Context, key: str, setting: Any) -> str:
    """A setting's value as admins type it, cut at a word past 300 characters; channels by
    name (#help), each once."""
    if setting is None and key == "suggest_min_similarity":
        calibrated = ctx.services.knowledge.gate(ctx.language)
        if calibrated is not None:  # what auto means here now
            return ctx.t("admin.auto_gate", value=f"{calibrated:.2f}")
    if key not in CHANNEL_KEYS:
        return excerpt(format_value(key, setting), ECHO)
    refs = setting if isinstance(setting, list) else [setting]
    return excerpt(_channels.labels(await _channels.distinct(ctx, refs)), ECHO)


async def channels(ctx: Context) -> str:
    """Which channels play which role, by name, each help channel once."""
    helping = await _channels.distinct(ctx, ctx.config.help_channels)
    staff = await _channels.shown(ctx, ctx.config.staff_channel)
    return ctx.t("admin.channels", help=_channels.labels(helping), staff=staff.label)


async def direct_message(ctx: Context, specs: list[CommandSpec]) -> str:
    """The answer to a private message to the bot: what /entraide help lists, and where
    questions go (the help channels)."""
    helping = await _channels.distinct(ctx, ctx.config.help_channels)
    if helping:
        pointer = ctx.t("admin.dm_pointer", channels=_channels.labels(helping))
    else:
        pointer = ctx.t("questions.no_help_channel")
    return f"{pointer}\n\n{command_list(ctx, specs)}"


def command_list(ctx: Context, specs: list[CommandSpec]) -> str:
    """Usage and one-line help of each command the member may use."""
    lines = [ctx.t("admin.help_header")]
    chat = ctx.chat
    for spec in sorted(specs, key=lambda s: s.name):
        lines.append(f"• `{chat.usage(spec)}` — {ctx.t(spec.help_key)}")
    return "\n".join(lines)
