"""/privacy export and forget (for oneself, or for a member by admins), and retention."""

from __future__ import annotations

from datetime import datetime

from bot.cogs.privacy import _export, _forget, _render, _retention
from bot.cogs.privacy._render import Confirmation
from bot.core.cog import Cog, on_button
from bot.core.commands import ArgumentError, Option, command
from bot.core.events import ButtonPressed
from bot.runtime.context import Context
from bot.storage import anonymise, communities

CONFIRM_MINUTES = 10


class PrivacyCog(Cog):
    """Members see and erase what the bot keeps about them; old message texts expire."""

    name = "privacy"

    async def load(self) -> None:
        """Retention runs from the wake-ups (at most once a day per community)."""
        self.services.wakeups.every_tick("retention", self.retention_due)

    async def retention_due(self, now: datetime) -> None:
        """Erase message texts past each community's retention_days."""
        await _retention.run_due(self.services, now)

    @command("privacy export")
    async def export(self, ctx: Context) -> None:
        """Get everything the bot stores about you, as a JSON file only you can see."""
        await self._export(ctx, ctx.member_id, ctx.event.author.id, own=True)

    @command("privacy export-member", Option("member", "member"), admin_only=True)
    async def export_member(self, ctx: Context, member: str) -> None:
        """Get everything the bot stores about a member, as a JSON file (admins)."""
        await self._export(ctx, await self._known(ctx, member), member, own=False)

    @command("privacy forget")
    async def forget(self, ctx: Context) -> None:
        """Erase your stored messages and profile (asks you to confirm)."""
        await self._confirm(ctx, ctx.member_id, ctx.event.author.id, own=True)

    @command("privacy forget-member", Option("member", "member"), admin_only=True)
    async def forget_member(self, ctx: Context, member: str) -> None:
        """Erase what the bot stores about a member (admins; asks to confirm)."""
        await self._confirm(ctx, await self._known(ctx, member), member, own=False)

    async def _known(self, ctx: Context, external_id: str) -> int:
        """The member's row; never created here (asking about someone stores nothing)."""
        async with ctx.services.db.read() as conn:
            found = await communities.existing_member(conn, ctx.community_id, external_id)
        if found is None:
            raise ArgumentError("privacy.no_data", member=external_id)
        return found

    async def _export(self, ctx: Context, member_id: int, external_id: str, *, own: bool) -> None:
        async with ctx.services.db.read() as conn:
            document = await _export.collect(conn, ctx.community_id, member_id, ctx.event.at)
        name = (document["member"] or {}).get("display_name") or external_id
        key = "privacy.export_own" if own else "privacy.export_member"
        await ctx.reply(
            ctx.t(key, member=external_id),
            ephemeral=True,
            files=(_render.export_file(name, document),),
        )

    async def _confirm(self, ctx: Context, target: int, external_id: str, *, own: bool) -> None:
        confirmation = Confirmation(target, ctx.member_id, int(ctx.event.at.timestamp()))
        key = "privacy.confirm_own" if own else "privacy.confirm_member"
        await ctx.reply(
            ctx.t(key, member=external_id, valid=CONFIRM_MINUTES * 60),
            ephemeral=True,
            buttons=_render.confirm_buttons(ctx, confirmation, own=own),
        )

    @on_button(_render.FORGET_ACTION)
    async def confirmed(self, ctx: Context, event: ButtonPressed) -> None:
        """The erase button: only for the member who asked, and only for 10 minutes."""
        confirmation = Confirmation.parse(event.value)
        found = None
        if confirmation is not None:
            async with ctx.services.db.read() as conn:
                found = await anonymise.identity(conn, ctx.community_id, confirmation.target)
        if confirmation is None or found is None:
            await ctx.tell("error.button_expired")
            return
        if anonymise.is_forgotten(found[0]):
            await ctx.tell("privacy.already_forgotten")
            return
        own = confirmation.target == confirmation.requester
        # The value is only trusted to say who asked: the presser must be that member, and
        # still an admin when erasing someone else.
        if ctx.member_id != confirmation.requester or not (own or event.author.is_admin):
            await ctx.tell("privacy.not_yours")
            return
        age = confirmation.age_seconds(event.at)
        if not 0 <= age <= CONFIRM_MINUTES * 60:
            await ctx.tell("privacy.expired", valid=CONFIRM_MINUTES * 60)
            return
        try:
            done = await _forget.forget(ctx.services, ctx.community_id, confirmation.target)
        except _forget.ForgetFailed:
            await ctx.tell("privacy.forget_failed")
            return
        if not done:
            await ctx.tell("privacy.already_forgotten")
        elif own:
            await ctx.tell("privacy.forgotten_own")
        else:
            await ctx.tell("privacy.forgotten_member", member=found[0])
