"""Invoked Discord application commands → core command name and options (pure).

Reads the interaction's `data` as Discord sends it, so a stale or forged payload gets the
same clear ArgumentError a mistyped console command gets, never a crash.
"""

from __future__ import annotations

import re
from typing import Any

from bot.adapters.discord.commands import (
    CHAT_INPUT,
    GROUP,
    SUBCOMMAND,
    AppCommands,
    Route,
    usage,
)
from bot.core.commands import ArgumentError, CommandSpec, convert_option

ID_RE = re.compile(r"^<?[@#]?!?&?(\d{15,21})>?$")
MESSAGE_LINK_RE = re.compile(r"^https://(?:\w+\.)?discord(?:app)?\.com/channels/\d+/\d+/(\d+)$")


class DiscordResolver:
    """Resolves what Discord sends for member, channel and message options (ids)."""

    def member(self, token: str) -> str | None:
        """A user id, or a <@id> mention."""
        found = ID_RE.match(token.strip())
        return found.group(1) if found and not token.startswith(("<#", "<@&")) else None

    def channel(self, token: str) -> str | None:
        """A channel id, or a <#id> mention."""
        found = ID_RE.match(token.strip())
        return found.group(1) if found and not token.startswith(("<@", "@")) else None

    def message(self, token: str) -> str | None:
        """A message id, or a message link (Copy Message Link)."""
        token = token.strip()
        if token.isdigit() and 15 <= len(token) <= 21:
            return token
        found = MESSAGE_LINK_RE.match(token)
        return found.group(1) if found else None


def invocation(data: dict[str, Any], commands: AppCommands) -> tuple[CommandSpec, dict[str, Any]]:
    """The core command and its typed options; raises ArgumentError on anything off."""
    kind, name = data.get("type", CHAT_INPUT), str(data.get("name", ""))
    if kind != CHAT_INPUT:
        menu = commands.menus.get(name)
        target = str(data.get("target_id") or "")
        if menu is None or not target.isdigit():
            raise ArgumentError("error.unknown_command", name=name)
        spec, filled = menu
        return spec, {filled: target}
    route, given = _route(data, commands)
    values: dict[str, Any] = {}
    resolver = DiscordResolver()
    for option in route.spec.options:
        raw = route.fixed.get(option.name, given.get(option.name))
        if raw is None or str(raw).strip() == "":
            if option.required:
                shown = usage(commands, route.spec)
                raise ArgumentError("error.missing_option", option=option.name, usage=shown)
            continue
        if option.kind in ("word", "text"):
            values[option.name] = str(raw).strip()
        else:
            values[option.name] = convert_option(option, str(raw), resolver)
    return route.spec, values


def focused(data: dict[str, Any], commands: AppCommands) -> list[str]:
    """Autocomplete: the choices of the option being typed that contain what was typed."""
    try:
        route, given = _route(data, commands)
    except ArgumentError:
        return []
    name = next((o.get("name") for o in _walk(data)[1] if o.get("focused")), None)
    option = next((o for o in route.options if o.name == name), None)
    if option is None:
        return []
    typed = str(given.get(option.name, "")).lower()
    return [c for c in option.choices if typed in c][:25]


def _route(data: dict[str, Any], commands: AppCommands) -> tuple[Route, dict[str, Any]]:
    """The route of a chat-input command and the option values given, by name."""
    path, options = _walk(data)
    route = commands.routes.get(path)
    if route is None:
        raise ArgumentError("error.unknown_command", name=" ".join(path))
    return route, {str(o.get("name")): o.get("value") for o in options}


def _walk(data: dict[str, Any]) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The names down to the subcommand, and the subcommand's own options."""
    path = [str(data.get("name", ""))]
    options: list[dict[str, Any]] = list(data.get("options") or [])
    while options and options[0].get("type") in (SUBCOMMAND, GROUP):
        path.append(str(options[0].get("name", "")))
        options = list(options[0].get("options") or [])
    return tuple(path), options
