"""Channels as people know them: settings may name one channel by id or by name (`help`
from the file defaults, `C0HELP` from /entraide channels add-help #help); the platform says
which channel each names, so it is shown once, as #name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.runtime.context import Context


@dataclass(frozen=True)
class Shown:
    """A channel a setting names: `key` is the platform's id (the setting when the platform
    knows no such channel), `label` what people read."""

    ref: str
    key: str
    label: str


async def shown(ctx: Context, ref: str) -> Shown:
    """The channel `ref` names, as #name; an unknown one as typed, marked not found."""
    community = ctx.event.community
    found = await ctx.services.chat(community).channel_info(community, ref)
    if found is None:
        return Shown(ref, ref, ctx.t("admin.channel_missing", channel=f"#{ref.lstrip('#')}"))
    return Shown(ref, found.id, f"#{found.name}")


async def distinct(ctx: Context, refs: Iterable[str]) -> list[Shown]:
    """The channels `refs` name, each once (the first setting naming it), in order."""
    result: list[Shown] = []
    for ref in refs:
        channel = await shown(ctx, ref)
        if all(channel.key != seen.key for seen in result):
            result.append(channel)
    return result


def labels(channels: Iterable[Shown]) -> str:
    """`#help, #support`, or `-` for none."""
    return ", ".join(c.label for c in channels) or "-"
