"""Slack user groups as rank roles: find a group by id, @handle or name; add or remove one
member (Slack refuses an empty group, so the last member stays)."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient


async def find(client: AsyncWebClient, role: str) -> dict[str, Any] | None:
    """The user group a rank role names (by id, @handle or name), with its users."""
    wanted = role.strip().removeprefix("@").lower()
    groups = (await client.usergroups_list(include_users=True))["usergroups"]
    return next(
        (
            g
            for g in groups
            if wanted in (g["id"].lower(), g.get("handle"), g.get("name", "").lower())
        ),
        None,
    )


async def set_member(
    client: AsyncWebClient, group: dict[str, Any], member_id: str, granted: bool
) -> None:
    """Put a member in the group or take them out."""
    users = [u for u in group.get("users", []) if u != member_id]
    users += [member_id] if granted else []
    if users:  # Slack refuses an empty group: the last member stays
        await client.usergroups_users_update(usergroup=group["id"], users=users)
