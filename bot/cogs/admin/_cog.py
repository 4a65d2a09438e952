"""Admin handlers: show, set and reset settings; assign channels; list commands."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.cogs.admin import _channels, _checks, _render
from bot.core.cog import Cog, listen
from bot.core.commands import ArgumentError, CommandSpec, Option, command
from bot.core.events import DirectMessage
from bot.runtime.context import Context
from bot.settings import community_config
from bot.settings.community_config import ConfigValueError, config_keys
from bot.storage import anonymise, settings_overrides

KEYS = tuple(config_keys())


class AdminCog(Cog):
    """Per-community configuration by slash command."""

    name = "admin"
    member_tables = ("community_settings",)

    async def _overrides(self, ctx: Context) -> dict[str, Any]:
        async with ctx.services.db.read() as conn:
            return await community_config.load_overrides(conn, ctx.community_id)

    async def _save(self, ctx: Context, key: str, value: Any) -> None:
        async with ctx.services.db.transaction() as tx:
            await settings_overrides.store(
                tx, ctx.community_id, key, value, ctx.member_id, ctx.event.at
            )
        await self._refresh(ctx)

    async def _refresh(self, ctx: Context) -> None:
        """Reload settings so this very reply already follows the change."""
        ctx.services.forget_config(ctx.community_id)
        ctx.config = await ctx.services.community_config(ctx.community_id)

    async def _check_channels(self, ctx: Context, channel_ids: list[str]) -> None:
        chat = ctx.chat
        for channel_id in channel_ids:
            if not await chat.channel_exists(ctx.event.community, channel_id):
                raise ArgumentError("error.unknown_channel", value=f"#{channel_id}")

    @command("entraide config show")
    async def config_show(self, ctx: Context) -> None:
        """Show this community's settings and where each value comes from."""
        table = await _render.settings_table(ctx, await self._overrides(ctx))
        await ctx.reply(table, ephemeral=True)

    @command(
        "entraide config set",
        Option("key", "choice", choices=KEYS),
        Option("value", "text"),
        admin_only=True,
    )
    async def config_set(self, ctx: Context, key: str, value: str) -> None:
        """Change a setting for this community."""
        try:
            parsed = community_config.parse_value(key, value, ctx.config)
            parsed = await _checks.with_community(ctx, key, parsed)
        except ConfigValueError as exc:
            reason = exc.reason.text(ctx.t)
            raise ArgumentError("admin.bad_value", key=key, value=value, reason=reason) from None
        if key == "help_channels":
            await self._check_channels(ctx, parsed)
        elif key == "staff_channel":
            await self._check_channels(ctx, [parsed])
        old = await _render.value(ctx, key, getattr(ctx.config, key))
        await self._save(ctx, key, parsed)
        shown = await _render.value(ctx, key, parsed)
        await ctx.tell("admin.set_done", key=key, value=shown, old=old)

    @command("entraide config reset", Option("key", "choice", choices=KEYS), admin_only=True)
    async def config_reset(self, ctx: Context, key: str) -> None:
        """Put a setting back to the default from the config file."""
        async with ctx.services.db.transaction() as tx:
            removed = await settings_overrides.delete(tx, ctx.community_id, key)
        await self._refresh(ctx)
        default = await _render.value(ctx, key, getattr(ctx.services.settings.community, key))
        name = "admin.reset_done" if removed else "admin.reset_nothing"
        await ctx.tell(name, key=key, value=default)

    @command("entraide channels show")
    async def channels_show(self, ctx: Context) -> None:
        """Show the help channels and the staff channel."""
        await ctx.reply(await _render.channels(ctx), ephemeral=True)

    @command("entraide channels add-help", Option("channel", "channel"), admin_only=True)
    async def channels_add_help(self, ctx: Context, channel: str) -> None:
        """Make a channel a help channel: new posts there become questions."""
        await self._check_channels(ctx, [channel])
        current = list(ctx.config.help_channels)
        # Settings may already name it another way (`help` for the id Slack sends).
        added = await _channels.shown(ctx, channel)
        if any(c.key == added.key for c in await _channels.distinct(ctx, current)):
            raise ArgumentError("admin.already_help", channel=added.label)
        await self._save(ctx, "help_channels", [*current, channel])
        await ctx.reply(await _render.channels(ctx), ephemeral=True)

    @command("entraide channels remove-help", Option("channel", "channel"), admin_only=True)
    async def channels_remove_help(self, ctx: Context, channel: str) -> None:
        """Stop treating a channel as a help channel."""
        current = list(ctx.config.help_channels)
        removed = await _channels.shown(ctx, channel)
        # Every setting naming that channel goes (by name and by id alike).
        kept = [
            c.ref for c in [await _channels.shown(ctx, r) for r in current] if c.key != removed.key
        ]
        if len(kept) == len(current):
            raise ArgumentError("admin.not_help", channel=removed.label)
        await self._save(ctx, "help_channels", kept)
        await ctx.reply(await _render.channels(ctx), ephemeral=True)

    @command("entraide channels set-staff", Option("channel", "channel"), admin_only=True)
    async def channels_set_staff(self, ctx: Context, channel: str) -> None:
        """Choose the private channel where staff receive escalations."""
        await self._check_channels(ctx, [channel])
        await self._save(ctx, "staff_channel", channel)
        await ctx.reply(await _render.channels(ctx), ephemeral=True)

    @command("entraide help")
    async def help(self, ctx: Context) -> None:
        """List the commands you can use."""
        await ctx.reply(_render.command_list(ctx, _usable(ctx)), ephemeral=True)

    @listen(DirectMessage)
    async def on_direct_message(self, ctx: Context, event: DirectMessage) -> None:
        """A member wrote to the bot privately: what it does, and where questions go (a
        question asked here would be seen by nobody who can answer it)."""
        await ctx.reply(await _render.direct_message(ctx, _usable(ctx)))

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """Settings they changed stay (updated_by: the anonymous row); their platform id
        leaves the on-duty list, the one setting that names members."""
        found = await anonymise.identity(tx, community_id, member_id)
        duty = (await community_config.load_overrides(tx, community_id)).get("on_duty")
        if found is None or not isinstance(duty, str):
            return
        names = [n.strip() for n in duty.split(",") if n.strip()]
        kept = [n for n in names if n.strip("<@>") != found[0]]
        if kept != names:
            await settings_overrides.rewrite_value(tx, community_id, "on_duty", ", ".join(kept))
            self.services.forget_config(community_id)


def _usable(ctx: Context) -> list[CommandSpec]:
    """The commands the event's author may use (what /entraide help lists)."""
    author = ctx.event.author
    return [
        spec
        for spec in ctx.services.commands.specs.values()
        if (not spec.admin_only or author.is_admin) and (not spec.staff_only or author.is_moderator)
    ]
