"""What settings name on Slack: members (on_duty) by mention or id, user groups (rank_roles)."""

from __future__ import annotations

import re

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import usergroups
from bot.adapters.slack.commands import MEMBER_RE
from bot.core.ports import LookupKind

USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


async def find(client: AsyncWebClient, kind: LookupKind, ref: str) -> str | None:
    """ChatAdapter.lookup on Slack: None for no such member or group, `ref` when Slack
    refuses to tell (a missing scope, user groups on a free plan)."""
    text = ref.strip()
    try:
        if kind == "role":
            return text if await usergroups.find(client, text) else None
        found = MEMBER_RE.match(text)
        # Display names aren't unique on Slack: a member is named by mention or id.
        user_id = found[1] if found else text if USER_ID.fullmatch(text) else None
        if user_id is None:
            return None
        user = (await client.users_info(user=user_id))["user"]
    except SlackApiError as exc:
        return None if exc.response.get("error") == "user_not_found" else text
    return None if user.get("deleted") else user_id
