"""Neutral command specs → Discord application commands (pure: JSON payloads and routes).

Discord nests at most command › group › subcommand, and a command with subcommands can't be
run bare. Where the core has both (`/rep` and `/rep adjust`), the bare command becomes a
subcommand: one per value when its first option is a choice (`/leaderboard week`, typed
as on the console), else `show` (`/rep show`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.core.commands import CommandSpec, Option
from bot.locales import Messages

BARE = "show"  # subcommand name of a bare command that shares its name with a group
MAX_CHOICES = 25  # Discord's limit; longer lists are offered by autocomplete
MANAGE_GUILD = 1 << 5
MANAGE_MESSAGES = 1 << 13
OPTION_TYPES = {"int": 4, "member": 6, "channel": 7}  # everything else is a string (3)
SUBCOMMAND, GROUP = 1, 2
CHAT_INPUT, USER_MENU, MESSAGE_MENU = 1, 2, 3
# Context menus: (kind, catalogue key of the label, core command, option the target fills).
MENUS = (
    (MESSAGE_MENU, "discord.menu_helpful", "helpful", "message"),
    (MESSAGE_MENU, "discord.menu_accept", "accept", "message"),
    (USER_MENU, "discord.menu_rep", "rep", "member"),
)


@dataclass(frozen=True)
class Route:
    """Where an invoked Discord command lands: a core command, plus options its name fixed."""

    spec: CommandSpec
    fixed: dict[str, str] = field(default_factory=dict)

    @property
    def options(self) -> tuple[Option, ...]:
        """The options the user still types."""
        return tuple(o for o in self.spec.options if o.name not in self.fixed)


@dataclass
class AppCommands:
    """The payload to register and the way back from an invoked command to a core one."""

    payload: list[dict[str, Any]] = field(default_factory=list)
    routes: dict[tuple[str, ...], Route] = field(default_factory=dict)
    menus: dict[str, tuple[CommandSpec, str]] = field(default_factory=dict)


def usage(commands: AppCommands, spec: CommandSpec) -> str:
    """As typed on Discord: `/rep show [MEMBER]`, `/leaderboard week|month|all`."""
    paths = [(path, r) for path, r in commands.routes.items() if r.spec.name == spec.name]
    if not paths:
        return spec.usage()
    path, route = paths[0]
    if len(paths) > 1:  # one subcommand per value of the first option
        shown = " ".join(path[:-1]) + " " + "|".join(p[-1] for p, _ in paths)
        return spec.usage(shown, fixed=route.fixed)
    return spec.usage(" ".join(path), fixed=route.fixed)


@dataclass
class _Node:
    leaf: Route | None = None
    children: dict[str, _Node] = field(default_factory=dict)


def build(specs: Iterable[CommandSpec], messages: Messages) -> AppCommands:
    """Application commands for every spec, in English with French localisations."""
    specs = list(specs)
    root = _Node()
    for spec in specs:
        node = root
        for word in spec.name.split(" "):
            node = node.children.setdefault(word, _Node())
        node.leaf = Route(spec)
    result = AppCommands()
    for name, node in sorted(root.children.items()):
        _expand_bare(node)
        command = _entry(messages, (name,), node, depth=0, result=result)
        command |= {"type": CHAT_INPUT, "contexts": [0]}  # servers only
        permission = _permission(node)
        if permission:
            command["default_member_permissions"] = str(permission)
        result.payload.append(command)
    by_name = {spec.name: spec for spec in specs}
    for kind, key, core, option in MENUS:
        if core in by_name:
            label = _texts(messages, key, 32)
            result.payload.append(
                {"type": kind, "name": label["en"], "name_localizations": {"fr": label["fr"]}}
                | {"contexts": [0]}
            )
            result.menus[label["en"]] = (by_name[core], option)
    return result


def _expand_bare(node: _Node) -> None:
    """A bare command beside subcommands becomes subcommands itself (see module doc)."""
    if node.leaf is None or not node.children:
        return
    route, node.leaf = node.leaf, None
    first = route.spec.options[0] if route.spec.options else None
    if first is not None and first.kind == "choice" and len(first.choices) <= MAX_CHOICES:
        for value in first.choices:
            node.children.setdefault(value, _Node(Route(route.spec, {first.name: value})))
    else:
        node.children.setdefault(BARE, _Node(route))


def _entry(
    messages: Messages, path: tuple[str, ...], node: _Node, depth: int, result: AppCommands
) -> dict[str, Any]:
    """One command, group or subcommand, with its options or children."""
    if node.leaf is not None and not node.children:
        route = node.leaf
        result.routes[path] = route
        texts = _help(messages, route)
        entry = _described(path[-1], texts)
        entry["options"] = [_option(messages, o) for o in route.options]
        if depth:
            entry["type"] = SUBCOMMAND
        return entry
    if depth >= 2 or node.leaf is not None:
        raise ValueError(f"/{' '.join(path)} can't be a Discord command: too deep or mixed")
    entry = _described(path[-1], _texts(messages, "discord.group", 100, name=" ".join(path)))
    entry["options"] = [
        _entry(messages, (*path, name), child, depth + 1, result)
        for name, child in sorted(node.children.items())
    ]
    if depth:
        entry["type"] = GROUP
    return entry


def _option(messages: Messages, option: Option) -> dict[str, Any]:
    """One typed option; a long list of choices is offered by autocomplete instead."""
    entry = _described(option.name, _texts(messages, f"discord.option.{option.kind}", 100))
    entry |= {"type": OPTION_TYPES.get(option.kind, 3), "required": option.required}
    if option.kind == "choice" and len(option.choices) <= MAX_CHOICES:
        entry["choices"] = [{"name": c, "value": c} for c in option.choices]
    elif option.kind == "choice":
        entry["autocomplete"] = True
    if option.kind == "channel":
        entry["channel_types"] = [0, 5, 15]  # text, announcement, forum
    if option.kind == "text":
        entry["max_length"] = 4000
    return entry


def _permission(node: _Node) -> int:
    """A hint for server admins: Discord hides the command from members without it."""
    leaves = _leaves(node)
    if all(spec.admin_only for spec in leaves):
        return MANAGE_GUILD
    if all(spec.admin_only or spec.staff_only for spec in leaves):
        return MANAGE_MESSAGES
    return 0


def _leaves(node: _Node) -> list[CommandSpec]:
    found = [node.leaf.spec] if node.leaf else []
    for child in node.children.values():
        found += _leaves(child)
    return found


def _help(messages: Messages, route: Route) -> dict[str, str]:
    texts = _texts(messages, route.spec.help_key, 100)
    if route.fixed:  # `/leaderboard month`: say which value this subcommand stands for
        value = next(iter(route.fixed.values()))
        texts = {lang: f"{value}: {text}"[:100] for lang, text in texts.items()}
    return texts


def _texts(messages: Messages, key: str, limit: int, **params: Any) -> dict[str, str]:
    """English and French text of a catalogue key, cut to Discord's length limit."""
    texts = {lang: messages.get(lang, key, **params) for lang in ("en", "fr")}
    return {
        lang: text if len(text) <= limit else text[: limit - 1] + "…"
        for lang, text in texts.items()
    }


def _described(name: str, texts: dict[str, str]) -> dict[str, Any]:
    return {
        "name": name,
        "description": texts["en"],
        "description_localizations": {"fr": texts["fr"]},
    }
