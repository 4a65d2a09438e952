"""The Discord adapter's pure layers: replies rendered for discord.py, events translated."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import discord

from bot.adapters.discord import dm, lookup, render, translate
from bot.core.events import MessagePosted, ReplyPosted
from bot.core.identity import Conversation
from bot.core.replies import Button, Reply

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_long_replies_split_under_the_limit_at_line_ends() -> None:
    """No piece passes 2,000 characters; lines stay whole when they fit; past three
    messages the reply is cut at a line with "…"."""
    text = "\n".join(f"line {n:04d} " + "x" * 90 for n in range(55))
    pieces = render.split(text)
    assert all(len(p) <= render.LIMIT for p in pieces)
    assert "\n".join(pieces) == text
    assert render.split("y" * 4500) == ["y" * 2000, "y" * 2000, "y" * 500]
    cut = render.split(text * 2)
    assert len(cut) == render.MOST
    assert all(len(p) <= render.LIMIT for p in cut)
    assert cut[-1].endswith("x…")


def test_only_named_members_can_be_pinged() -> None:
    """@everyone, roles and other users in the text stay inert; the named member pings."""
    reply = Reply("<@123> @everyone <@&9> <@456>", mentions=("123",))
    mentions = render.allowed(reply)
    assert mentions.everyone is False
    assert mentions.roles is False
    assert [u.id for u in mentions.users] == [123]  # type: ignore[union-attr]
    assert render.allowed(Reply("@here")).to_dict()["parse"] == []


async def test_buttons_are_persistent_and_go_under_the_last_piece() -> None:
    """Stable custom ids, no timeout: they still work after a restart."""
    reply = Reply("z" * 2500, buttons=(Button("Mark solved", "question.solve", "12", "success"),))
    out = render.messages(reply)
    assert [len(m.buttons) for m in out] == [0, 1]
    view = render.view(out[-1].buttons)
    assert view is not None
    assert view.timeout is None
    assert view.is_persistent()
    item = view.children[0]
    assert isinstance(item, discord.ui.Button)
    assert item.custom_id == "entraide:question.solve:12"
    assert item.style is discord.ButtonStyle.success


def _message(**over: object) -> SimpleNamespace:
    perms = SimpleNamespace(administrator=False, manage_guild=False, manage_messages=False)
    base: dict[str, object] = {
        "id": 111,
        "guild": SimpleNamespace(id=1, name="Guild"),
        "author": SimpleNamespace(
            id=7, name="bob", display_name="Bob", bot=False, guild_permissions=perms
        ),
        "webhook_id": None,
        "type": discord.MessageType.default,
        "channel": SimpleNamespace(id=50, parent_id=None),
        "content": "How do I export?",
    }
    base.update(over)
    return SimpleNamespace(**base)


def test_posts_become_questions_or_answers_and_bots_are_ignored() -> None:
    """Top level → MessagePosted; in a thread → ReplyPosted; bots, webhooks, system: nothing."""
    top = translate.message(_message(), AT)
    assert isinstance(top, MessagePosted)
    assert (top.conversation.channel_id, top.conversation.thread_id) == ("50", None)
    assert top.author.name == "Bob"
    reply = translate.message(_message(channel=SimpleNamespace(id=60, parent_id=50)), AT)
    assert isinstance(reply, ReplyPosted)
    assert (reply.conversation.channel_id, reply.conversation.thread_id) == ("50", "60")
    forum = translate.message(_message(id=60, channel=SimpleNamespace(id=60, parent_id=50)), AT)
    assert isinstance(forum, MessagePosted)  # a forum post opening its thread is a question
    bot_author = SimpleNamespace(id=8, name="x", display_name="x", bot=True, guild_permissions=None)
    assert translate.message(_message(author=bot_author), AT) is None
    assert translate.message(_message(webhook_id=5), AT) is None
    assert translate.message(_message(type=discord.MessageType.pins_add), AT) is None
    assert translate.message(_message(guild=None), AT) is None


def test_roles_map_to_admin_and_staff() -> None:
    """Manage server → admin; manage messages → staff."""
    perms = SimpleNamespace(administrator=False, manage_guild=True, manage_messages=True)
    user = SimpleNamespace(
        id=9, name="erin", display_name="Erin", bot=False, guild_permissions=perms
    )
    member = translate.member(user)
    assert (member.is_admin, member.is_staff, member.id) == (True, True, "9")


def test_a_forum_post_is_a_question_with_its_title() -> None:
    """The starter of a forum post (its id is the thread's) → MessagePosted in (forum, post),
    the post's title first; later messages in the post → ReplyPosted there."""
    post = SimpleNamespace(id=60, parent_id=50, name="Export fails with error 500")
    starter = translate.message(_message(id=60, channel=post, content="Since Monday."), AT)
    assert isinstance(starter, MessagePosted)
    assert (starter.conversation.channel_id, starter.conversation.thread_id) == ("50", "60")
    assert starter.text == "Export fails with error 500\nSince Monday."
    reply = translate.message(_message(id=61, channel=post, content="Clear the cache."), AT)
    assert isinstance(reply, ReplyPosted)
    assert (reply.conversation.channel_id, reply.conversation.thread_id) == ("50", "60")
    assert reply.text == "Clear the cache."


def test_a_forum_title_is_not_repeated_and_stands_alone() -> None:
    """A body that starts with the title keeps it once; an empty body is the title alone."""
    assert translate.with_title("Export fails", "export fails since Monday") == (
        "export fails since Monday"
    )
    assert translate.with_title("Export fails", "  ") == "Export fails"
    assert translate.with_title(None, "body") == "body"
    assert translate.with_title("  ", "body") == "body"


def test_a_thread_in_a_forum_is_a_conversation_inside_the_forum() -> None:
    """discord.py's Thread of a forum: channel = the forum, thread = the post."""
    state = SimpleNamespace(_get_guild=lambda _id: None, self_id=1, member_cache_flags=None)
    guild = SimpleNamespace(id=1, _get_and_parse_member=None)
    thread = discord.Thread(guild=guild, state=state, data=_forum_thread_payload())  # type: ignore[arg-type]
    assert translate.conversation(thread) == Conversation("50", "60")


def _forum_thread_payload() -> dict[str, object]:
    return {
        "id": "60",
        "type": 11,
        "guild_id": "1",
        "parent_id": "50",
        "owner_id": "7",
        "name": "Export fails",
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 1,
        "member_count": 1,
        "flags": 0,
        "applied_tags": ["5"],
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2026-01-05T09:00:00+00:00",
            "locked": False,
        },
    }


def test_roles_are_found_by_id_mention_or_name_in_any_case() -> None:
    """Config is typed by hand: '@helpers' finds the role 'Helpers'; an id or <@&id> too."""
    helpers = SimpleNamespace(id=5, name="Helpers")
    exact = SimpleNamespace(id=6, name="helpers")
    guild = SimpleNamespace(roles=[helpers], get_role=lambda i: helpers if i == 5 else None)
    assert lookup.find_role(guild, "helpers") is helpers  # type: ignore[arg-type]
    assert lookup.find_role(guild, "5") is helpers  # type: ignore[arg-type]
    assert lookup.find_role(guild, "<@&5>") is helpers  # type: ignore[arg-type]
    assert lookup.find_role(guild, "Experts") is None  # type: ignore[arg-type]
    both = SimpleNamespace(roles=[helpers, exact], get_role=lambda i: None)
    assert lookup.find_role(both, "helpers") is exact  # type: ignore[arg-type]


async def test_dm_buttons_carry_their_server_and_read_back() -> None:
    """In a DM each custom id names the guild (under 100 characters), and parses back; a
    plain id has no guild; one too long to carry it stays plain rather than cut."""
    guild = "900000000000000100"
    reply = Reply("Still stuck?", buttons=(Button("Still need help", "escalation.ask", "7"),))
    (piece,) = render.messages(reply, dm_guild=guild)
    view = render.send_kwargs(piece)["view"]
    (sent,) = [b.custom_id for b in view.children]
    assert sent == f"entraide@{guild}:escalation.ask:7"
    assert dm.parse(sent) == (guild, "escalation.ask", "7")
    assert dm.parse("entraide:escalation.ask:7") is None
    assert dm.parse("entraide@abc:escalation.ask:7") is None
    long = Button("x", "kb.solved", "9" * 80)
    assert dm.custom_id(long, guild) == long.custom_id
    (plain,) = render.messages(reply)
    assert [b.custom_id for b in render.send_kwargs(plain)["view"].children] == [
        "entraide:escalation.ask:7"
    ]


def test_excerpts_keep_code_and_what_members_type() -> None:
    """An article excerpt goes to Discord as written: inline code in backticks (`#help` is
    no channel link, which Discord writes <#id>), Q<n> as typed, and nobody pinged."""
    text = "1. **Where?** — `/privacy export`, `#help` @everyone, a number (Q<n>)"
    [piece] = render.messages(Reply(text))
    assert piece.content == text
    assert piece.allowed_mentions.to_dict()["parse"] == []
