"""Settings that name members or roles, checked against the community before they are saved:
an on-duty name that matches nobody would silently assign escalations to no one."""

from __future__ import annotations

from typing import Any

from bot.runtime.context import Context
from bot.settings.community_config import ConfigValueError
from bot.settings.config_formats import parse_rank_roles
from bot.settings.reasons import Reason


async def with_community(ctx: Context, key: str, value: Any) -> Any:
    """`value` as stored (on_duty: platform ids), or ConfigValueError naming what's unknown."""
    community = ctx.event.community
    chat = ctx.services.chat(community)
    if key == "on_duty":
        ids = []
        for name in (n.strip() for n in str(value).split(",")):
            if not name:
                continue
            found = await chat.lookup(community, "member", name)
            if found is None:
                raise ConfigValueError(key, Reason("settings.member_unknown", member=name))
            ids.append(found)
        return ", ".join(dict.fromkeys(ids))
    if key == "rank_roles":
        for role in parse_rank_roles(str(value)).values():
            if await chat.lookup(community, "role", role) is None:
                raise ConfigValueError(key, Reason("settings.role_unknown", role=f"@{role}"))
    return value
