"""Slack translation, rendering and command parsing: pure functions, Slack's own payloads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.slack import commands, render, translate
from bot.adapters.slack.throttle import Throttle
from bot.core.commands import ArgumentError, CommandSpec, CommandTable, Option
from bot.core.events import MessageDeleted, MessageEdited, MessagePosted, ReplyPosted
from bot.core.identity import Member
from bot.core.replies import Button, Reply
from tests.fakes import slack_interactions as si
from tests.fakes import slack_payloads as sp
from tests.fakes.console import ConsoleDriver

AT = datetime(2026, 1, 5, 10, tzinfo=UTC)
TEAM = translate.community(sp.TEAM_ID)
ALICE = Member(sp.ALICE, "alice")


def test_posts_and_thread_replies() -> None:
    """Top level → MessagePosted (the ts is its id); thread_ts ≠ ts → ReplyPosted."""
    post = sp.message("How do I export?")
    event = translate.message(post, TEAM, ALICE, AT, "help")
    assert isinstance(event, MessagePosted)
    assert (event.message_id, event.conversation.channel_name) == (post["ts"], "help")
    assert event.event_id == f"slack:message:{sp.HELP_CHANNEL}:{post['ts']}"
    reply = translate.message(sp.message("Settings.", thread_ts=post["ts"]), TEAM, ALICE, AT)
    assert isinstance(reply, ReplyPosted)
    assert reply.conversation.thread_id == post["ts"]
    broadcast = sp.message("Also here", thread_ts=post["ts"]) | {"subtype": "thread_broadcast"}
    assert isinstance(translate.message(broadcast, TEAM, ALICE, AT), ReplyPosted)


def test_what_is_not_member_content_is_ignored() -> None:
    """Bots, joins, topic changes and bookkeeping edits (reply counts) are not events."""
    assert translate.sender(sp.bot_message("beep")) is None
    assert translate.message(sp.channel_join(), TEAM, ALICE, AT) is None
    topic = sp.message("set the topic") | {"subtype": "channel_topic"}
    assert translate.message(topic, TEAM, ALICE, AT) is None
    post = sp.message("Question?")
    bookkeeping = sp.message_changed(post, post["text"])  # a reply was added: same text
    assert translate.message(bookkeeping, TEAM, ALICE, AT) is None


def test_edits_and_deletions_name_the_message_and_its_author() -> None:
    """An edit carries the new text; a deletion the deleted ts; both by the message's author."""
    post = sp.message("Question?", user_id=sp.BOB)
    edit = sp.message_changed(post, "Better question?")
    assert translate.sender(edit) == sp.BOB
    edited = translate.message(edit, TEAM, ALICE, AT)
    assert isinstance(edited, MessageEdited)
    assert (edited.message_id, edited.text) == (post["ts"], "Better question?")
    deletion = sp.message_deleted(post)
    assert translate.sender(deletion) == sp.BOB
    deleted = translate.message(deletion, TEAM, ALICE, AT)
    assert isinstance(deleted, MessageDeleted)
    assert deleted.message_id == post["ts"]


def test_reactions_by_name_become_emoji() -> None:
    """white_check_mark is ✅ (skin tones ignored); unknown names stay :name:."""
    assert translate.emoji("white_check_mark") == "✅"
    assert translate.emoji("+1::skin-tone-3") == "👍"
    assert translate.emoji("partyparrot") == ":partyparrot:"
    post = sp.message("answer", user_id=sp.BOB)
    event = translate.reaction(sp.reaction(post, user_id=sp.ALICE), "Ev1", TEAM, ALICE, AT)
    assert event is not None
    assert (event.emoji, event.added, event.message_author_id) == ("✅", True, sp.BOB)
    removed = sp.reaction(post, user_id=sp.ALICE, added=False)
    assert translate.reaction(removed, "Ev2", TEAM, ALICE, AT).added is False  # type: ignore[union-attr]


def test_echoed_text_cannot_mention_or_link() -> None:
    """Member text with <!everyone>, <@U…> or a link is escaped; only named members ping."""
    text = "Question from <@U0ALICE>: <!everyone> see <https://evil.example|here> & <@U0BOB>"
    shown = render.mrkdwn(text, ("U0ALICE",), {"U0BOB": "bob"})
    assert shown.startswith("Question from <@U0ALICE>: ")
    assert "<!everyone>" not in shown
    assert "&lt;!everyone&gt;" in shown
    assert "<https://evil.example" not in shown
    assert "@bob" in shown
    assert "<@U0BOB>" not in shown
    assert "&amp;" in shown


def test_markdown_the_bot_writes_becomes_mrkdwn() -> None:
    """**bold** and [label](https://…) links from the catalogue and articles."""
    shown = render.mrkdwn("**Q1** see [the guide](https://docs.example.org/a?b=1&c=2)", (), {})
    assert shown == "*Q1* see <https://docs.example.org/a?b=1&amp;c=2|the guide>"


def test_long_replies_split_and_buttons_go_last() -> None:
    """One message, 3,000 characters a block; buttons carry their stable id as action_id
    and value."""
    buttons = (Button("Mark solved", "question.solve", "7", "success"),)
    pieces = render.messages(Reply("line\n" * 1000, buttons=buttons), {})
    assert len(pieces) == 1
    blocks = pieces[0].blocks
    assert [b["type"] for b in blocks] == ["section", "section", "actions"]
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if "text" in b)
    button = blocks[-1]["elements"][0]
    assert button["action_id"] == button["value"] == "entraide:question.solve:7"
    assert button["style"] == "primary"


TABLE = CommandTable()
for spec in (
    CommandSpec("rep", (Option("member", "member", required=False),)),
    CommandSpec(
        "entraide config set",
        (Option("key", "choice", choices=("sla_minutes",)), Option("value", "text")),
    ),
    CommandSpec("entraide help"),
    CommandSpec("helpful", (Option("message", "message"),)),
    CommandSpec("entraide channels add-help", (Option("channel", "channel"),)),
):
    TABLE.add(spec)


@pytest.mark.parametrize(
    ("text", "name", "options"),
    [
        ("rep <@U0BOB|bob>", "rep", {"member": "U0BOB"}),
        ("config set sla_minutes 45", "entraide config set", {"key": "sla_minutes", "value": "45"}),
        (
            "entraide config set SLA_minutes 4 5",
            "entraide config set",
            {"key": "sla_minutes", "value": "4 5"},
        ),
        ("", "entraide help", {}),
        ("help", "entraide help", {}),
        (
            "helpful https://x.slack.com/archives/C0HELP/p1700000000000100",
            "helpful",
            {"message": "1700000000.000100"},
        ),
        ("channels add-help <#C0HELP|help>", "entraide channels add-help", {"channel": "C0HELP"}),
        ("channels add-help #support", "entraide channels add-help", {"channel": "support"}),
    ],
)
def test_slash_text_names_core_commands(text: str, name: str, options: dict[str, str]) -> None:
    """/entraide TEXT: the console's words, with or without the leading 'entraide'."""
    spec, parsed = commands.invocation(text, TABLE)
    assert (spec.name, parsed) == (name, options)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("nosuch thing", "error.unknown_command"),
        ("rep @everyone", "error.unknown_member"),
        ("helpful yesterday", "error.unknown_message"),
        ("config set nope 1", "error.bad_choice"),
    ],
)
def test_bad_slash_text_is_explained(text: str, key: str) -> None:
    """Unknown commands and arguments raise the console's clear errors."""
    with pytest.raises(ArgumentError) as raised:
        commands.invocation(text, TABLE)
    assert raised.value.key == key


def test_shortcuts_map_to_commands() -> None:
    """Message shortcuts by callback id; a malformed ts is refused."""
    spec, options = commands.shortcut("entraide_helpful", "1700000000.000100", TABLE)
    assert (spec.name, options) == ("helpful", {"message": "1700000000.000100"})
    with pytest.raises(ArgumentError):
        commands.shortcut("entraide_helpful", "not-a-ts", TABLE)
    with pytest.raises(ArgumentError):
        commands.shortcut("someone_else", "1700000000.000100", TABLE)


async def test_posts_keep_to_one_a_second_per_channel_after_a_burst() -> None:
    """Four posts at once, then one a second; another channel has its own pace."""
    clock = [100.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        clock[0] += seconds

    pace = Throttle(now=lambda: clock[0], sleep=sleep)
    for _ in range(6):
        await pace.wait("C0HELP")
    assert waits == [1.0, 1.0]
    await pace.wait("C0GENERAL")
    assert waits == [1.0, 1.0]
    clock[0] += 60  # a quiet minute refills the burst, not more
    for _ in range(5):
        await pace.wait("C0HELP")
    assert waits == [1.0, 1.0, 1.0]


def test_usage_lines_go_through_the_one_slash_command() -> None:
    """Slack has /entraide only: help and errors say /entraide rep, /entraide config set."""
    assert commands.usage(TABLE.specs["rep"]) == "/entraide rep [MEMBER]"
    config = commands.usage(TABLE.specs["entraide config set"])
    assert config == "/entraide config set sla_minutes VALUE"
    with pytest.raises(ArgumentError) as raised:
        commands.invocation("config set", TABLE)
    assert raised.value.params["usage"] == "/entraide config set sla_minutes VALUE"


def test_commands_named_in_texts_read_as_slack_members_type_them() -> None:
    """'/solved Q3' in the bot's sentences becomes '/entraide solved Q3'; links, paths and
    /entraide itself are left alone."""
    words = {"solved", "kb", "entraide", "rep"}
    text = (
        "Run /solved in the thread, or /solved Q3. Try /kb search; /entraide help lists all;"
        " see https://docs.example.org/solved and a/rep."
    )
    assert render.slash_commands(text, words) == (
        "Run /entraide solved in the thread, or /entraide solved Q3. Try /entraide kb search;"
        " /entraide help lists all; see https://docs.example.org/solved and a/rep."
    )
    [piece] = render.messages(Reply("Use /rep to see your points."), {}, words)
    assert piece.text == "Use /entraide rep to see your points."


def test_a_click_happens_in_the_thread_of_its_message() -> None:
    """A button under a reply is in that thread; under a top-level message, in the channel."""
    in_thread = si.block_actions("entraide:x:1", message_ts="1.000002", thread_ts="1.000001")
    user, where, message = translate.clicked(in_thread)
    assert (user, where.channel_id, where.thread_id, message["ts"]) == (
        sp.ALICE,
        sp.HELP_CHANNEL,
        "1.000001",
        "1.000002",
    )
    top = si.block_actions("entraide:x:1", message_ts="1.000003", thread_ts="1.000003")
    assert translate.clicked(top)[1].thread_id is None


async def test_staff_and_escalation_pages_read_from_slack_text(console: ConsoleDriver) -> None:
    """The bot's own /staff and /escalations PAGE, typed as /entraide subcommands."""
    table = console.app.dispatcher.commands
    for text, name, options in (
        ("staff Q3", "staff", {"question": 3}),
        ("staff", "staff", {}),
        ("escalations 2", "escalations", {"page": 2}),
    ):
        spec, parsed = commands.invocation(text, table)
        assert (spec.name, parsed) == (name, options)


def test_excerpts_keep_code_and_what_members_type_inert() -> None:
    """An article excerpt's inline code stays inline code in mrkdwn; `#help` doesn't become a
    channel link, nor Q<n> markup: `<` and `>` are escaped, so Slack shows them as typed."""
    shown = render.mrkdwn(
        "1. **Where?** — one, `#help`; every question has a number (Q<n>)", (), {}
    )
    assert shown == "1. *Where?* — one, `#help`; every question has a number (Q&lt;n&gt;)"
