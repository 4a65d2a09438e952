"""Channel settings read by name on Discord too: an id and a name for one channel show once."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.discord.conftest import running_bot
from tests.adapters.discord.test_discord_commands import followup_to, slash
from tests.fakes import discord_payloads as p


async def test_channels_show_names_each_channel_once(tmp_path: Path) -> None:
    """help_channels holds the help channel's id and its name: `#help` once, no id; the
    staff channel the guild lacks is shown as not found."""
    settings = {"help_channels": [p.HELP_CHANNEL_ID, "help"], "staff_channel": "staff"}
    async with running_bot(tmp_path, community=settings) as (_, fake):
        show = slash("entraide", "channels", "show")
        await fake.dispatch("INTERACTION_CREATE", show)
        text = (await followup_to(fake, show)).body["content"]
        assert text.count("#help") == 1
        assert p.HELP_CHANNEL_ID not in text
        assert "#staff (not found)" in text
