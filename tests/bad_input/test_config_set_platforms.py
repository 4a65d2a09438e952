"""on_duty and rank_roles checked against the real platform's members and roles (the fake
Slack workspace and the fake Discord guild): ChatAdapter.lookup on each."""

from __future__ import annotations

from pathlib import Path

from bot.core.identity import Community
from tests import queries as q
from tests.adapters.discord.conftest import adapter_of, running_bot
from tests.adapters.slack.conftest import SlackBot, running_slack_bot
from tests.fakes import discord_payloads as p
from tests.fakes import slack_payloads as sp

GUILD = Community("discord", p.GUILD_ID, "Entraide Test")
GONE_ID = "900000000000000399"


def answers(bot: SlackBot) -> list[str]:
    """The private replies to the slash commands."""
    return [str(c.args.get("text", "")) for c in bot.fake.responses]


async def test_slack_on_duty_takes_members_and_refuses_strangers(tmp_path: Path) -> None:
    """A mention of a workspace member is stored as the id; an unknown id or a bare name is
    refused naming it, and nothing changes."""
    async with running_slack_bot(tmp_path) as bot:
        await bot.command("config set on_duty <@U0NOBODY|nobody>", user_id=sp.ADMIN)
        await bot.command("config set on_duty nobody", user_id=sp.ADMIN)
        assert await q.override_count(bot.app.db) == 0
        await bot.command(f"config set on_duty <@{sp.BOB}|bob>", user_id=sp.ADMIN)
        stored = await q.override(bot.app.db)
    first, second, third = answers(bot)
    assert "U0NOBODY" in first
    assert "can't find the member" in first
    assert "Nothing was changed." in second
    assert "on_duty is now" in third
    assert stored == f'"{sp.BOB}"'


async def test_slack_rank_roles_need_an_existing_user_group(tmp_path: Path) -> None:
    """Helper=@helpers is refused until the workspace has that user group."""
    async with running_slack_bot(tmp_path) as bot:
        await bot.command("config set rank_roles Helper=@helpers", user_id=sp.ADMIN)
        assert await q.override_count(bot.app.db) == 0
        bot.fake.workspace.add_usergroup("S0HELPERS", "helpers", [sp.ADMIN])
        await bot.command("config set rank_roles Helper=@helpers", user_id=sp.ADMIN)
        assert await q.override_count(bot.app.db) == 1
    refused, accepted = answers(bot)
    assert 'there is no role "@helpers"' in refused
    assert "rank_roles is now Helper=@helpers" in accepted


async def test_discord_lookup_finds_members_and_roles(tmp_path: Path) -> None:
    """Members by mention or id (fetched: not cached), roles by name in any case or mention;
    a member Discord doesn't know and a role the guild lacks are None."""
    async with running_bot(tmp_path) as (app, fake):
        adapter = adapter_of(app)
        unknown = p.error(10007, "Unknown Member")
        fake.route("GET", rf"/guilds/{p.GUILD_ID}/members/{GONE_ID}", lambda c, m: (404, unknown))
        assert await adapter.lookup(GUILD, "member", f"<@{p.BOB_ID}>") == p.BOB_ID
        assert await adapter.lookup(GUILD, "member", p.BOB_ID) == p.BOB_ID
        assert await adapter.lookup(GUILD, "member", f"<@{GONE_ID}>") is None
        assert await adapter.lookup(GUILD, "member", "nobody") is None
        assert await adapter.lookup(GUILD, "role", "@helper") is not None
        assert await adapter.lookup(GUILD, "role", f"<@&{p.HELPER_ROLE_ID}>") is not None
        assert await adapter.lookup(GUILD, "role", "Moderators") is None
