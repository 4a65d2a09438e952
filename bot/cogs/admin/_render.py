"""Texts of the admin commands."""

from __future__ import annotations

from typing import Any

from bot.community_config import config_keys, format_value
from bot.context import Context
from bot.core.commands import CommandSpec


def settings_table(ctx: Context, overrides: dict[str, Any]) -> str:
    """One line per key: value, and whether it is this community's own or the default."""
    lines = [ctx.t("admin.config_header")]
    current = ctx.config.model_dump()
    for key in config_keys():
        origin = ctx.t("admin.origin_set") if key in overrides else ctx.t("admin.origin_default")
        lines.append(f"• {key} = {format_value(key, current[key])} ({origin})")
    return "\n".join(lines)


def channels(ctx: Context) -> str:
    """Which channels play which role."""
    return ctx.t(
        "admin.channels",
        help=format_value("help_channels", ctx.config.help_channels),
        staff=format_value("staff_channel", ctx.config.staff_channel),
    )


def command_list(ctx: Context, specs: list[CommandSpec]) -> str:
    """Usage and one-line help of each command the member may use."""
    lines = [ctx.t("admin.help_header")]
    chat = ctx.app.chat(ctx.event.community)
    for spec in sorted(specs, key=lambda s: s.name):
        lines.append(f"• `{chat.usage(spec)}` — {ctx.t(spec.help_key)}")
    return "\n".join(lines)
