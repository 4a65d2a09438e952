"""The fake Slack Web API methods: one handler each over a `Workspace`, errors as on Slack."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.fakes import slack_objects as o
from tests.fakes.slack_payloads import (
    API_APP_ID,
    BOT_ID,
    BOT_USER_ID,
    TEAM_DOMAIN,
    TEAM_ID,
    Payload,
    fresh_id,
    next_ts,
)
from tests.fakes.slack_workspace import (
    Answer,
    Method,
    SlackError,
    Workspace,
    flag,
    id_list,
    need,
    page,
    too_long,
)


class WebApi(Workspace):
    """A workspace answering Web API calls: `answer(method, args)` is Slack's JSON reply."""

    def __init__(self) -> None:
        super().__init__()
        self.methods: dict[str, Method] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "chat.postEphemeral": self.post_ephemeral,
            "chat.update": self.update,
            "chat.delete": self.delete,
            "chat.getPermalink": self.permalink,
            "reactions.add": lambda a: self.react(a, add=True),
            "reactions.remove": lambda a: self.react(a, add=False),
            "reactions.get": self.reactions_get,
            "conversations.open": self.open_dm,
            "conversations.info": self.conversation_info,
            "conversations.list": self.conversation_list,
            "conversations.history": self.conversation_history,
            "conversations.replies": self.conversation_replies,
            "users.info": self.user_info,
            "usergroups.list": self.usergroups_list,
            "usergroups.users.update": self.usergroup_users_update,
            "views.publish": self.publish_view,
        }

    def answer(self, method: str, args: dict[str, Any]) -> Answer:
        """The Web API's answer to `method` (`unknown_method` if the fake lacks it)."""
        handler = self.methods.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        try:
            return {"ok": True} | handler(args)
        except SlackError as error:
            return {"ok": False, "error": str(error)}

    def auth_test(self, args: dict[str, Any]) -> Answer:
        """auth.test for the bot token."""
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Entraide Test",
            "user": "entraide",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": API_APP_ID,
            "is_enterprise_install": False,
        }

    def post_message(self, args: dict[str, Any]) -> Answer:
        """chat.postMessage: stored in the channel's history (a thread reply with thread_ts)."""
        channel = self._channel(need(args, "channel")[0])
        if not (args.get("text") or args.get("blocks") or args.get("attachments")):
            raise SlackError("no_text")
        if too_long(args):
            raise SlackError("msg_too_long")
        stored = self.add_message(channel, o.posted_message(args, next_ts()))
        return {"channel": channel, "ts": stored["ts"], "message": dict(stored)}

    def post_ephemeral(self, args: dict[str, Any]) -> Answer:
        """chat.postEphemeral: only recorded (ephemeral messages have no history)."""
        channel, user_id = need(args, "channel", "user")
        self._channel(channel)
        if too_long(args):
            raise SlackError("msg_too_long")
        if user_id not in self.users:
            raise SlackError("user_not_found")
        return {"message_ts": next_ts()}

    def _own(self, args: dict[str, Any], refused: str) -> tuple[str, Payload]:
        channel, ts = need(args, "channel", "ts")
        found = self.find(self._channel(channel), ts)
        if found is None:
            raise SlackError("message_not_found")
        if found.get("user") != BOT_USER_ID:
            raise SlackError(refused)
        return channel, found

    def update(self, args: dict[str, Any]) -> Answer:
        """chat.update of one of the bot's messages."""
        channel, found = self._own(args, "cant_update_message")
        if too_long(args):
            raise SlackError("msg_too_long")
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                found[key] = args[key]
        found["edited"] = {"user": BOT_USER_ID, "ts": next_ts()}
        text = found.get("text", "")
        return {"channel": channel, "ts": found["ts"], "text": text, "message": dict(found)}

    def delete(self, args: dict[str, Any]) -> Answer:
        """chat.delete of one of the bot's messages."""
        channel, found = self._own(args, "cant_delete_message")
        self._remove(channel, found["ts"])
        return {"channel": channel, "ts": found["ts"]}

    def permalink(self, args: dict[str, Any]) -> Answer:
        """chat.getPermalink (any ts, stored or not)."""
        channel, ts = need(args, "channel", "message_ts")
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        found = self.find(channel, ts)
        if found is not None and found.get("thread_ts") not in (None, ts):
            link += f"?thread_ts={found['thread_ts']}&cid={channel}"
        return {"channel": channel, "permalink": link}

    def react(self, args: dict[str, Any], *, add: bool) -> Answer:
        """reactions.add / reactions.remove by the bot (already_reacted, no_reaction)."""
        channel, ts, name = need(args, "channel", "timestamp", "name")
        users = self.reactions.setdefault((channel, ts), {}).setdefault(name, [])
        if add == (BOT_USER_ID in users):
            raise SlackError("already_reacted" if add else "no_reaction")
        if add:
            users.append(BOT_USER_ID)
        else:
            users.remove(BOT_USER_ID)
        return {}

    def reactions_get(self, args: dict[str, Any]) -> Answer:
        """reactions.get: the message with its reactions."""
        channel, ts = need(args, "channel", "timestamp")
        found = self.find(channel, ts)
        given = {n: u for n, u in self.reactions.get((channel, ts), {}).items() if u}
        if found is None and not given:
            raise SlackError("message_not_found")
        shown = dict(found or {"type": "message", "ts": ts})
        if given:
            shown["reactions"] = [
                {"name": n, "users": list(u), "count": len(u)} for n, u in given.items()
            ]
        return {"type": "message", "channel": channel, "message": shown}

    def open_dm(self, args: dict[str, Any]) -> Answer:
        """conversations.open with one member (an IM) or several (an MPIM)."""
        users = id_list(args.get("users"))
        if not users:
            return {"channel": {"id": self._channel(need(args, "channel")[0])}}
        if len(users) == 1:
            im = self._im(users[0])
            return {"no_op": False, "already_open": False, "channel": {"id": im["id"]}}
        for user_id in users:
            self._im(user_id)
        return {"channel": {"id": fresh_id("G0MPIM")}}

    def conversation_info(self, args: dict[str, Any]) -> Answer:
        """conversations.info for a known channel or an opened DM."""
        channel = need(args, "channel")[0]
        info = self.channels.get(channel) or self.ims.get(channel)
        if info is None:
            raise SlackError("channel_not_found")
        return {"channel": info}

    def conversation_list(self, args: dict[str, Any]) -> Answer:
        """conversations.list: public and private channels, paged by cursor."""
        shown, more = page(list(self.channels.values()), args)
        return {"channels": shown} | more

    def conversation_history(self, args: dict[str, Any]) -> Answer:
        """conversations.history: top-level messages, newest first (oldest/latest/limit)."""
        channel = self._channel(need(args, "channel")[0])
        inclusive = flag(args.get("inclusive"))
        oldest, latest = Decimal(args.get("oldest") or 0), args.get("latest")

        def wanted(m: Payload) -> bool:
            ts = Decimal(m["ts"])
            if m.get("thread_ts") not in (None, m["ts"]) and m.get("subtype") != "thread_broadcast":
                return False
            after = ts >= oldest if inclusive else ts > oldest
            before = latest is None or (
                ts <= Decimal(latest) if inclusive else ts < Decimal(latest)
            )
            return after and before

        items = [m for m in reversed(self.history.get(channel, [])) if wanted(m)]
        shown, more = page(items, args)
        return {"messages": shown, "pin_count": 0} | more

    def conversation_replies(self, args: dict[str, Any]) -> Answer:
        """conversations.replies: the parent, then its replies, oldest first."""
        channel, ts = need(args, "channel", "ts")
        found = self.find(self._channel(channel), ts)
        if found is None:
            raise SlackError("thread_not_found")
        root = found.get("thread_ts") or ts
        items = [m for m in self.history[channel] if m["ts"] == root or m.get("thread_ts") == root]
        shown, more = page(items, args)
        return {"messages": shown} | more

    def user_info(self, args: dict[str, Any]) -> Answer:
        """users.info."""
        found = self.users.get(need(args, "user")[0])
        if found is None:
            raise SlackError("user_not_found")
        return {"user": found}

    def usergroups_list(self, args: dict[str, Any]) -> Answer:
        """usergroups.list (members only with include_users)."""
        groups = [
            g if flag(args.get("include_users")) else {k: v for k, v in g.items() if k != "users"}
            for g in self.usergroups.values()
            if flag(args.get("include_disabled")) or not g["date_delete"]
        ]
        return {"usergroups": groups}

    def usergroup_users_update(self, args: dict[str, Any]) -> Answer:
        """usergroups.users.update: replace the members of a user group."""
        group_id, users = need(args, "usergroup", "users")
        group = self.usergroups.get(group_id)
        if group is None:
            raise SlackError("no_such_subteam")
        members = id_list(users)
        if any(u not in self.users for u in members):
            raise SlackError("invalid_users")
        group.update({"users": members, "user_count": len(members), "date_update": 1_700_000_001})
        return {"usergroup": group}

    def publish_view(self, args: dict[str, Any]) -> Answer:
        """views.publish: the member's App Home."""
        user_id, view = need(args, "user_id", "view")
        if user_id not in self.users:
            raise SlackError("user_not_found")
        if not isinstance(view, dict) or view.get("type") != "home":
            raise SlackError("invalid_arguments")
        published = view | {
            "id": fresh_id("V0"),
            "team_id": TEAM_ID,
            "app_id": API_APP_ID,
            "bot_id": BOT_ID,
            "hash": fresh_id("hash-"),
            "state": {"values": {}},
        }
        self.home_views[user_id] = published
        return {"view": published}
