"""Core commands as Discord application commands, and invoked commands back to core ones.

The adapter's own modules (`commands.py`, `interactions.py`), without a client;
`test_discord_commands.py` runs the same commands end to end against the fake Discord.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.discord.commands import (
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    AppCommands,
    build,
    usage,
)
from bot.adapters.discord.interactions import DiscordResolver, focused, invocation
from bot.core.commands import ArgumentError, CommandSpec, Option
from bot.locales import Messages
from tests.fakes.console import ConsoleDriver

BOB = "900000000000000301"


@pytest.fixture
async def app_commands(console: ConsoleDriver) -> AppCommands:
    """The application commands of every cog the bot loads."""
    return build(console.app.dispatcher.commands.specs.values(), console.app.messages)


def _by_name(commands: AppCommands) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in commands.payload}


def _sub(data: dict[str, Any], *path: str) -> dict[str, Any]:
    for name in path:
        data = next(o for o in data["options"] if o["name"] == name)
    return data


def _slash(*path: str, **options: object) -> dict[str, Any]:
    """Interaction data as Discord sends it for /path… with options."""
    leaf: list[dict[str, Any]] = [{"name": k, "type": 3, "value": v} for k, v in options.items()]
    for name in reversed(path[1:]):
        leaf = [{"name": name, "type": 1, "options": leaf}]
    if len(path) == 3:
        leaf[0]["type"] = 2
    return {"name": path[0], "type": 1, "options": leaf}


async def test_every_core_command_becomes_a_valid_discord_command(
    app_commands: AppCommands, console: ConsoleDriver
) -> None:
    """Names, descriptions and options fit Discord's rules; every spec is reachable."""
    names = _by_name(app_commands)
    assert {"entraide", "rep", "leaderboard", "kb", "bounty", "expertise", "nudges"} <= set(names)
    assert {"escalations", "solved", "staff", "Mark helpful", "Accept as solution"} <= set(names)
    assert [(o["name"], o.get("required", False)) for o in names["staff"]["options"]] == [
        ("question", False)
    ]
    reached = {route.spec.name for route in app_commands.routes.values()}
    reached |= {spec.name for spec, _ in app_commands.menus.values()}
    assert reached == set(console.app.dispatcher.commands.specs)

    def check(entry: dict[str, Any]) -> None:
        assert 1 <= len(entry["description"]) <= 100
        assert 1 <= len(entry["description_localizations"]["fr"]) <= 100
        assert entry["name"] == entry["name"].lower()
        assert len(entry["name"]) <= 32
        required = [o.get("required", False) for o in entry.get("options", [])]
        assert required == sorted(required, reverse=True), entry["name"]  # required first
        assert len(entry.get("options", [])) <= 25
        for option in entry.get("options", []):
            assert len(option.get("choices", [])) <= 25
            check(option)

    for entry in app_commands.payload:
        if entry["type"] == 1:
            check(entry)


async def test_bare_commands_beside_subcommands_become_subcommands(
    app_commands: AppCommands,
) -> None:
    """/leaderboard week|month|all and /nudges on|off|dm keep the console's words; /rep show."""
    names = _by_name(app_commands)
    assert [o["name"] for o in names["leaderboard"]["options"]] == [
        "all",
        "month",
        "optin",
        "optout",
        "week",
    ]
    assert {"on", "off", "dm", "quiet", "delay"} == {o["name"] for o in names["nudges"]["options"]}
    rep_show = _sub(names["rep"], "show")
    assert rep_show["type"] == 1
    assert rep_show["options"][0]["type"] == 6  # a user picker
    assert _sub(names["entraide"], "config", "set")["type"] == 1
    assert _sub(names["entraide"], "config")["type"] == 2


async def test_permissions_hint_only_where_every_subcommand_needs_it(
    app_commands: AppCommands,
) -> None:
    """Staff-only commands are hidden from members by default; mixed ones are checked in code."""
    names = _by_name(app_commands)
    assert names["escalations"]["default_member_permissions"] == str(MANAGE_MESSAGES)
    assert names["experts"]["default_member_permissions"] == str(MANAGE_MESSAGES)
    assert "default_member_permissions" not in names["entraide"]  # /entraide help is for all
    assert all(c["contexts"] == [0] for c in app_commands.payload)
    admin_only = build([CommandSpec("purge", admin_only=True)], Messages())
    assert admin_only.payload[0]["default_member_permissions"] == str(MANAGE_GUILD)


async def test_long_choice_lists_use_autocomplete(app_commands: AppCommands) -> None:
    """/entraide config set KEY has more keys than Discord's 25 choices: typed, then filtered."""
    key = _sub(_by_name(app_commands)["entraide"], "config", "set", "key")
    assert key.get("autocomplete") is True
    assert "choices" not in key
    data = _slash("entraide", "config", "set", key="nudge", value="")
    data["options"][0]["options"][0]["options"][0]["focused"] = True
    offered = focused(data, app_commands)
    assert offered
    assert all("nudge" in c for c in offered)
    assert "nudge_delay_minutes" in offered


async def test_invocations_map_back_to_core_commands(app_commands: AppCommands) -> None:
    """Nested names, fixed choices, member ids and message links become core options."""
    spec, options = invocation(
        _slash("entraide", "config", "set", key="SLA_minutes", value=" 45 "), app_commands
    )
    assert (spec.name, options) == ("entraide config set", {"key": "sla_minutes", "value": "45"})
    spec, options = invocation(_slash("leaderboard", "month"), app_commands)
    assert (spec.name, options) == ("leaderboard", {"period": "month"})
    spec, options = invocation(_slash("rep", "show", member=BOB), app_commands)
    assert (spec.name, options) == ("rep", {"member": BOB})
    link = f"https://discord.com/channels/900000000000000100/900000000000000200/{BOB}"
    spec, options = invocation(_slash("helpful", message=link), app_commands)
    assert (spec.name, options) == ("helpful", {"message": BOB})
    spec, options = invocation(_slash("bounty", amount=100, question="Q3"), app_commands)
    assert options == {"amount": 100, "question": 3}
    menu = {"name": "Accept as solution", "type": 3, "target_id": BOB}
    assert invocation(menu, app_commands)[1] == {"message": BOB}
    user_menu = {"name": "Reputation", "type": 2, "target_id": BOB}
    assert invocation(user_menu, app_commands) == (spec_named(app_commands, "rep"), {"member": BOB})


def spec_named(commands: AppCommands, name: str) -> CommandSpec:
    """The core spec of a command name, through the routes."""
    return next(r.spec for r in commands.routes.values() if r.spec.name == name)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (_slash("nosuch"), "error.unknown_command"),  # a command left over from an old version
        (_slash("entraide", "config", "set", key="nope", value="1"), "error.bad_choice"),
        (_slash("entraide", "config", "set", key="language"), "error.missing_option"),
        (_slash("bounty", amount="lots"), "error.not_a_number"),
        (_slash("helpful", message="<@&1234567890123456789>"), "error.unknown_message"),
        (_slash("solved", question="yesterday's"), "error.bad_question_ref"),
        ({"name": "Mark helpful", "type": 3}, "error.unknown_command"),  # no target
    ],
)
async def test_bad_invocations_get_the_console_s_clear_errors(
    app_commands: AppCommands, data: dict[str, Any], key: str
) -> None:
    """A forged, stale or incomplete payload is an ArgumentError, never a crash."""
    with pytest.raises(ArgumentError) as raised:
        invocation(data, app_commands)
    assert raised.value.key == key


def test_resolver_reads_ids_mentions_and_links() -> None:
    """Members and channels by id or mention; roles and @everyone are not members."""
    resolver = DiscordResolver()
    assert resolver.member(f"<@{BOB}>") == BOB == resolver.member(f"<@!{BOB}>")
    assert resolver.member("@everyone") is None
    assert resolver.member("<@&123456789012345678>") is None
    assert resolver.channel("<#123456789012345678>") == "123456789012345678"
    assert resolver.channel(f"<@{BOB}>") is None
    assert resolver.message("12") is None


def test_a_shape_discord_cannot_hold_is_refused() -> None:
    """Four levels of names can't be a Discord command: building fails loudly, at start."""
    with pytest.raises(ValueError, match="too deep"):
        build([CommandSpec("a b c d", (Option("x"),))], Messages())


async def test_usage_lines_are_what_discord_members_type(app_commands: AppCommands) -> None:
    """Help and errors show /rep show and /leaderboard week|month|all, not console syntax."""
    assert usage(app_commands, spec_named(app_commands, "rep")) == "/rep show [MEMBER]"
    board = usage(app_commands, spec_named(app_commands, "leaderboard"))
    assert board == "/leaderboard all|month|week"
    config = usage(app_commands, spec_named(app_commands, "entraide config set"))
    assert config == "/entraide config set KEY VALUE"
    with pytest.raises(ArgumentError) as raised:
        invocation(_slash("rep", "adjust", member=BOB), app_commands)
    assert raised.value.params["usage"] == "/rep adjust MEMBER AMOUNT REASON"
