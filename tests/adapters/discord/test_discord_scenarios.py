"""Whole features on Discord: the real discord.py client against the local fake API.

Knowledge-base answers, nudges by DM (and their fallback), escalation to staff, and
mentions that never ping more than a feature names.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.identity import Community, Member
from bot.runtime.app import App
from bot.settings import project_dir
from bot.storage import nudges
from bot.storage.communities import ensure_community, ensure_member
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, running_bot, thread_opened, until
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord, RestCall

ARTICLES = {
    "export-data": (
        'title = "How do I export my data?"\ntags = ["export", "data"]',
        "Open Settings › Privacy › Export data; the archive arrives by email within an hour.",
    ),
    "reset-password": (
        'title = "How do I reset my password?"\ntags = ["password", "login"]',
        "Use Forgot password on the sign-in page; the link is valid for 30 minutes.",
    ),
    "dark-mode": (
        'title = "Can I switch to dark mode?"\ntags = ["theme", "appearance"]',
        "Settings › Appearance › Theme: choose Dark.",
    ),
}
DM_CHANNEL_ID = "900000000000000400"
GUILD = Community("discord", p.GUILD_ID, "Entraide Test")


def knowledge(tmp_path: Path) -> Path:
    """A tiny knowledge base in the format of knowledge/en/*.md (TOML front matter)."""
    folder = tmp_path / "kb" / "en"
    folder.mkdir(parents=True)
    for slug, (front, body) in ARTICLES.items():
        (folder / f"{slug}.md").write_text(f'+++\n{front}\nlang = "en"\n+++\n{body}\n')
    return folder.parent


def buttons(call: RestCall) -> list[str]:
    """Custom ids of the buttons a posted message carries."""
    return [b["custom_id"] for row in call.body.get("components", []) for b in row["components"]]


def posted_in(fake: FakeDiscord, channel_id: str, has: str) -> Any:
    """Wait for the bot's message in a channel whose body contains `has`."""
    return fake.wait_for_call(
        "POST", rf"/channels/{channel_id}/messages", TIMEOUT, where=lambda c: has in str(c.body)
    )


async def question_id(app: App, number: int = 1) -> int:
    """Row id of question Q<number>."""
    return await q.question_id(app.db, number)


async def test_the_asker_solves_a_question_with_a_suggested_article(tmp_path: Path) -> None:
    """A question in #help → an article with buttons in its thread → alice clicks 'This solved
    it' → the interaction is acknowledged and the question is solved by the knowledge base."""
    async with running_bot(tmp_path, knowledge_dir=knowledge(tmp_path)) as (app, fake):
        await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
        thread_id = await thread_opened(fake)
        offer = await posted_in(fake, thread_id, "How do I export my data?")
        qid = await question_id(app)
        assert buttons(offer) == [f"entraide:kb.solved:{qid}:0", f"entraide:kb.unhelpful:{qid}"]
        assert "reset" not in str(offer.body).lower()  # only the confident article
        suggestion = await q.suggestion_message(app.db)
        assert suggestion is not None
        shown = p.message(offer.body["content"], message_id=suggestion, channel_id=thread_id)
        shown |= {"author": p.bot_user(), "components": offer.body["components"]}
        click = p.button_click(f"entraide:kb.solved:{qid}:0", shown)
        await fake.dispatch("INTERACTION_CREATE", click)
        await until(app, q.question_outcome, "solved:kb")
        await fake.wait_for_call("POST", rf"/interactions/{click['id']}/[^/]+/callback", TIMEOUT)
        await posted_in(fake, thread_id, "solved")


async def _bob_knows(app: App, topic: str = "data export", mode: str = "dm") -> None:
    """Bob declared a topic (/expertise add) and chose how to be nudged (/nudges dm), set in
    storage as the commands would."""
    now = app.clock.now()
    async with app.db.transaction() as tx:
        community_id = await ensure_community(tx, GUILD, now)
        bob = await ensure_member(tx, community_id, Member(p.BOB_ID, "bob"), now)
        await nudges.set_topic(tx, community_id, bob, topic, True, now)
        await nudges.set_prefs(tx, community_id, bob, nudges.Prefs(mode), now)


async def _unanswered_question(app: App, fake: FakeDiscord, text: str) -> str:
    """Alice asks; nobody answers; the nudge delay passes. Returns the thread id."""
    await fake.dispatch("MESSAGE_CREATE", p.message_create(text))
    thread_id = await thread_opened(fake)
    await posted_in(fake, thread_id, "is open")
    await app.clock.advance(timedelta(minutes=app.settings.community.nudge_delay_minutes + 1))
    return thread_id


async def test_an_expert_who_chose_dms_is_nudged_by_dm(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """Past the nudge delay bob gets a DM (channel opened, then the message), not a mention."""
    app, fake = discord_bot
    await _bob_knows(app)
    thread_id = await _unanswered_question(app, fake, "Where is the data export?")
    opened = await fake.wait_for_call("POST", r"/users/@me/channels", TIMEOUT)
    assert opened.body == {"recipient_id": int(p.BOB_ID)}
    dm = await fake.wait_for_call(
        "POST",
        r"/channels/\d+/messages",
        TIMEOUT,
        lambda c: "Q1" in str(c.body) and c.path.split("/")[2] != thread_id,
    )
    assert dm.status == 200
    # A DM has no server: its buttons name the one they act in.
    assert any(i.startswith(f"entraide@{p.GUILD_ID}:nudge") for i in buttons(dm)), buttons(dm)
    assert not [
        c
        for c in fake.calls_to("POST", rf"/channels/{thread_id}/messages")
        if "<@" + p.BOB_ID in str(c.body)
    ]
    assert await q.nudge_via(app.db) == "dm"


async def test_closed_dms_fall_back_to_one_mention_in_the_thread(
    discord_bot: tuple[App, FakeDiscord], caplog: pytest.LogCaptureFixture
) -> None:
    """Discord answers 50007 to the DM: bob is mentioned in the thread instead (pinging only
    him) and the fallback is logged."""
    app, fake = discord_bot
    dm_channel = p.dm_channel(p.BOB_ID) | {"id": DM_CHANNEL_ID}
    fake.route("POST", r"/users/@me/channels", lambda c, m: (200, dm_channel))
    closed = p.error(50007, "Cannot send messages to this user")
    fake.route("POST", rf"/channels/{DM_CHANNEL_ID}/messages", lambda c, m: (403, closed))
    await _bob_knows(app)
    caplog.set_level(logging.WARNING)
    thread_id = await _unanswered_question(app, fake, "Where is the data export?")
    refused = await fake.wait_for_call("POST", rf"/channels/{DM_CHANNEL_ID}/messages", TIMEOUT)
    assert refused.status == 403
    mention = await posted_in(fake, thread_id, f"<@{p.BOB_ID}>")
    assert mention.body["allowed_mentions"] == {"parse": [], "users": [int(p.BOB_ID)]}
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [line for line in logged if f"DM to {p.BOB_ID} refused" in line]


def _with_staff_channel() -> dict[str, Any]:
    guild = p.guild()
    guild["channels"].append(p.staff_channel())
    return guild


STAFF = {"staff_channel": p.STAFF_CHANNEL_ID, "sla_minutes": 30}


async def test_an_unsolved_question_goes_to_staff_after_the_sla(tmp_path: Path) -> None:
    """Past sla_minutes: a card with Claim/Resolve/Return in the private staff channel, and
    one line in the public thread."""
    async with running_bot(tmp_path, community=STAFF, guild=_with_staff_channel()) as (app, fake):
        await fake.dispatch("MESSAGE_CREATE", p.message_create("Why does sync stop at night?"))
        thread_id = await thread_opened(fake)
        await posted_in(fake, thread_id, "is open")
        assert not fake.calls_to("POST", rf"/channels/{p.STAFF_CHANNEL_ID}/messages")
        await app.clock.advance(timedelta(minutes=31))
        card = await posted_in(fake, p.STAFF_CHANNEL_ID, "Q1")
        qid = await question_id(app)
        assert buttons(card) == [
            f"entraide:escalation.{action}:{qid}" for action in ("claim", "resolve", "return")
        ]
        assert "sync stop at night" in card.body["content"]
        notice = app.messages.get("en", "escalation.public_notice")
        in_thread = [
            c.body["content"] for c in fake.calls_to("POST", rf"/channels/{thread_id}/messages")
        ]
        assert in_thread[1:] == [notice]  # after the intro: the one public line, no card text


async def test_a_sensitive_question_goes_to_staff_at_once(tmp_path: Path) -> None:
    """'refund' is a sensitive keyword: the card is posted without waiting for the SLA."""
    async with running_bot(tmp_path, community=STAFF, guild=_with_staff_channel()) as (app, fake):
        text = "I was charged twice, how do I get a refund?"
        await fake.dispatch("MESSAGE_CREATE", p.message_create(text))
        thread_id = await thread_opened(fake)
        card = await posted_in(fake, p.STAFF_CHANNEL_ID, "refund")
        assert len(buttons(card)) == 3
        await posted_in(fake, thread_id, app.messages.get("en", "escalation.public_notice"))
        await until(app, q.question_status, "escalated")


async def test_channels_named_in_settings_are_found_by_name(tmp_path: Path) -> None:
    """The shipped defaults name channels ("help", "staff"), not ids: on Discord a question
    in the channel called help opens, and a sensitive one reaches the channel called staff."""
    names = {"help_channels": ["help"], "staff_channel": "staff"}
    async with running_bot(tmp_path, community=names, guild=_with_staff_channel()) as (app, fake):
        await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I get a refund?"))
        await thread_opened(fake)
        await posted_in(fake, p.STAFF_CHANNEL_ID, "refund")
        await until(app, q.question_status, "escalated")


async def test_a_missing_named_channel_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No channel called staff: the escalation fails with one clear line, not a crash loop."""
    names = {"help_channels": ["help"], "staff_channel": "staff"}
    async with running_bot(tmp_path, community=names) as (app, fake):
        for text in ("How do I get a refund?", "Refund for my invoice please"):
            await fake.dispatch("MESSAGE_CREATE", p.message_create(text))
        await thread_opened(fake, 2)
        await until(app, q.question_count, 2)
    missing = [r for r in caplog.records if "no channel 'staff'" in r.getMessage()]
    assert len([r for r in missing if r.name == "bot.adapters.discord.adapter"]) == 1


async def test_everyone_and_roles_in_a_question_never_ping(tmp_path: Path) -> None:
    """Whatever the asker wrote, every message the bot posts allows no @everyone and no role
    pings; only the nudge names a member (bob), and only him."""
    text = f"@everyone <@&{p.HELPER_ROLE_ID}> <@{p.BOB_ID}> how do I export my data?"
    async with running_bot(tmp_path, knowledge_dir=knowledge(tmp_path)) as (
        app,
        fake,
    ):
        await _bob_knows(app, "export my data", mode="on")
        await fake.dispatch("MESSAGE_CREATE", p.message_create(text))
        thread_id = await thread_opened(fake)
        await posted_in(fake, thread_id, "entraide:kb.solved")
        await app.clock.advance(timedelta(minutes=16))
        nudge = await posted_in(fake, thread_id, "entraide:nudge")
        posted = fake.calls_to("POST", r"/channels/\d+/messages")
        assert len(posted) == 3  # intro, suggestion, nudge
        for call in posted:
            named = [int(p.BOB_ID)] if call is nudge else []
            assert call.body["allowed_mentions"] == {"parse": [], "users": named}, call.body
        thread = fake.calls_to("POST", r"/channels/\d+/messages/\d+/threads")[0]
        assert "allowed_mentions" not in thread.body  # a thread name never pings


async def test_a_reminder_to_closed_dms_is_not_retried(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """The day-later "accept the answer that helped" DM meets closed DMs: tried once, the
    timer is done (retrying at 1, 5, 30 minutes could never succeed)."""
    app, fake = discord_bot
    dm_channel = p.dm_channel(p.ALICE_ID) | {"id": DM_CHANNEL_ID}
    fake.route("POST", r"/users/@me/channels", lambda c, m: (200, dm_channel))
    closed = p.error(50007, "Cannot send messages to this user")
    fake.route("POST", rf"/channels/{DM_CHANNEL_ID}/messages", lambda c, m: (403, closed))
    await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
    thread_id = await thread_opened(fake)
    answer = p.message_create("Settings › Export.", author=p.user(p.BOB_ID, "bob"))
    answer["channel_id"] = thread_id
    await fake.dispatch("MESSAGE_CREATE", answer)
    carol = "900000000000000302"
    mark = p.reaction(answer["id"], "✅", user_id=carol, channel_id=thread_id)
    await fake.dispatch("MESSAGE_REACTION_ADD", mark | {"message_author_id": p.BOB_ID})
    await until(app, q.points_given, 10)
    await app.clock.advance(timedelta(hours=25))
    await until(app, lambda db: q.timer_status(db, "accept_reminder"), "done")
    await app.clock.advance(timedelta(hours=2))  # past every retry delay
    tries = fake.calls_to("POST", rf"/channels/{DM_CHANNEL_ID}/messages")
    assert [c.status for c in tries] == [403]


async def test_a_solved_question_closes_its_escalation_and_edits_the_card(
    tmp_path: Path,
) -> None:
    """Sensitive → card in #staff; the asker clicks Mark solved: the escalation closes and
    the card is edited in place (PATCH), its text saying so and its buttons removed."""
    async with running_bot(tmp_path, community=STAFF, guild=_with_staff_channel()) as (app, fake):
        await fake.dispatch("MESSAGE_CREATE", p.message_create("I need a refund, charged twice"))
        thread_id = await thread_opened(fake)
        card = await posted_in(fake, p.STAFF_CHANNEL_ID, "refund")
        intro = await posted_in(fake, thread_id, "is open")
        qid = await question_id(app)
        intro_id = (await q.question(app.db))["intro_message_id"]
        staff_card = await q.staff_card(app.db)
        assert intro_id is not None
        assert staff_card is not None
        shown = p.message(intro.body["content"], message_id=intro_id, channel_id=thread_id)
        shown |= {"author": p.bot_user(), "components": intro.body["components"]}
        await fake.dispatch(
            "INTERACTION_CREATE", p.button_click(f"entraide:question.solve:{qid}", shown)
        )
        edit = await fake.wait_for_call(
            "PATCH", rf"/channels/{p.STAFF_CHANNEL_ID}/messages/{staff_card}", TIMEOUT
        )
        assert edit.body["components"] == []
        assert "Closed: Q1 was solved" in edit.body["content"]
        assert edit.body["content"].startswith(card.body["content"].split("\n")[0])
        assert edit.body["allowed_mentions"] == {"parse": [], "users": []}
        await until(app, q.escalation_outcome, "closed:solved")


ERIN = p.user("900000000000000310", "erin")
FRANK = p.user("900000000000000311", "frank")
MANAGE_MESSAGES = str(1 << 13 | 1 << 11)  # and Send Messages: staff, as Discord resolves it


def staff_click(custom_id: str, on: dict[str, Any], who: dict[str, Any]) -> dict[str, Any]:
    """A staff member's click on a button of `on`."""
    click = p.button_click(custom_id, on, author=who)
    click["member"]["permissions"] = MANAGE_MESSAGES
    return click


async def _handled(app: App, fake: FakeDiscord, interaction: dict[str, Any]) -> None:
    """Deliver an interaction again and wait until the bot has acknowledged and handled it."""
    callback = rf"/interactions/{interaction['id']}/[^/]+/callback"
    before = len(fake.calls_to("POST", callback))
    handled: Any = app.handled  # type: ignore[attr-defined]
    async with handled:
        await fake.dispatch("INTERACTION_CREATE", interaction)
        await asyncio.wait_for(handled.wait(), TIMEOUT)
    assert len(fake.calls_to("POST", callback)) > before


async def test_claim_second_claim_and_take_over_on_the_card(tmp_path: Path) -> None:
    """erin claims: the card is PATCHed to name her with Resolve, Return and Take over; frank's
    Claim on the stale card is refused in an ephemeral follow-up and changes nothing (no PATCH,
    no second thread line); frank's Take over PATCHes the card and tells the thread once; the
    same interaction delivered again changes nothing."""
    async with running_bot(tmp_path, community=STAFF, guild=_with_staff_channel()) as (app, fake):
        await fake.dispatch("MESSAGE_CREATE", p.message_create("I need a refund, charged twice"))
        thread_id = await thread_opened(fake)
        card = await posted_in(fake, p.STAFF_CHANNEL_ID, "refund")
        qid = await question_id(app)
        staff_card = await q.staff_card(app.db)
        assert staff_card is not None
        on_card = rf"/channels/{p.STAFF_CHANNEL_ID}/messages/{staff_card}"
        stale = p.message(
            card.body["content"], message_id=staff_card, channel_id=p.STAFF_CHANNEL_ID
        )
        stale |= {"author": p.bot_user(), "components": card.body["components"]}
        claim = f"entraide:escalation.claim:{qid}"

        await fake.dispatch("INTERACTION_CREATE", staff_click(claim, stale, ERIN))
        claimed = await fake.wait_for_call("PATCH", on_card, TIMEOUT)
        assert buttons(claimed) == [
            f"entraide:escalation.{a}:{qid}" for a in ("resolve", "return", "take_over")
        ]
        assert f"Claimed by <@{ERIN['id']}>" in claimed.body["content"]
        assert claimed.body["allowed_mentions"] == {"parse": [], "users": []}
        await posted_in(fake, thread_id, "from staff is on Q1")
        await until(app, q.claimer, ERIN["id"])

        second = staff_click(claim, stale, FRANK)
        await fake.dispatch("INTERACTION_CREATE", second)
        refusal = await fake.wait_for_call(
            "POST", rf"/webhooks/{p.APPLICATION_ID}/{second['token']}", TIMEOUT
        )
        assert refusal.body["flags"] & p.EPHEMERAL
        assert f"already claimed by <@{ERIN['id']}>" in refusal.body["content"]
        assert "Take over" in refusal.body["content"]
        assert refusal.body["allowed_mentions"] == {"parse": [], "users": []}
        assert len(fake.calls_to("PATCH", on_card)) == 1
        assert len(posted_in_thread(fake, thread_id, "from staff")) == 1
        await until(app, q.claimer, ERIN["id"])

        now = stale | {"content": claimed.body["content"], "components": claimed.body["components"]}
        take = staff_click(f"entraide:escalation.take_over:{qid}", now, FRANK)
        await fake.dispatch("INTERACTION_CREATE", take)
        taken = await fake.wait_for_call(
            "PATCH", on_card, TIMEOUT, where=lambda c: "Taken over" in c.body["content"]
        )
        assert f"Taken over by <@{FRANK['id']}>" in taken.body["content"]
        assert buttons(taken) == buttons(claimed)
        told = await posted_in(fake, thread_id, "took over Q1")
        assert f"<@{FRANK['id']}>" in told.body["content"]
        assert told.body["allowed_mentions"] == {"parse": [], "users": []}  # named, not pinged
        await until(app, q.claimer, FRANK["id"])

        await _handled(app, fake, take)  # the same interaction, delivered again
        assert len(fake.calls_to("PATCH", on_card)) == 2
        assert len(posted_in_thread(fake, thread_id, "took over")) == 1


def posted_in_thread(fake: FakeDiscord, thread_id: str, has: str) -> list[RestCall]:
    """The bot's messages in a thread whose text contains `has`."""
    return [
        c
        for c in fake.calls_to("POST", rf"/channels/{thread_id}/messages")
        if has in str(c.body.get("content"))
    ]


async def test_an_earlier_solved_thread_is_suggested_with_its_jump_link(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """Q1 answered by bob and marked ✅ by alice; carol's similar question gets it as "Asked
    before", linked to Q1's thread by a Discord jump link, bob named but not pinged."""
    app, fake = discord_bot
    await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my reports?"))
    first = await thread_opened(fake)
    answer = p.message_create(
        "Open Reports, then Export.", author=p.user(p.BOB_ID, "bob"), channel_id=first
    )
    await fake.dispatch("MESSAGE_CREATE", answer)
    mark = p.reaction(answer["id"], "✅", channel_id=first)
    mark["message_author_id"] = p.BOB_ID
    await fake.dispatch("MESSAGE_REACTION_ADD", mark)
    await until(app, q.points_given, 10)
    carol = p.user("900000000000000302", "carol")
    await fake.dispatch(
        "MESSAGE_CREATE", p.message_create("how can I export my reports?", author=carol)
    )
    second = await thread_opened(fake, count=2)
    offer = await posted_in(fake, second, "Open Reports")
    assert f"(https://discord.com/channels/{p.GUILD_ID}/{first})" in offer.body["content"]
    assert f"<@{p.BOB_ID}>" in offer.body["content"]
    assert offer.body["allowed_mentions"]["users"] == []
    qid = await question_id(app, 2)
    assert buttons(offer) == [f"entraide:kb.solved:{qid}:0", f"entraide:kb.unhelpful:{qid}"]


async def test_a_suggested_article_keeps_its_command_in_backticks(tmp_path: Path) -> None:
    """The shipped privacy article suggested on Discord: its excerpt shows `/privacy export`
    as inline code (issue 20), and nobody may be pinged."""
    folder = tmp_path / "kb" / "en"
    folder.mkdir(parents=True)
    shutil.copy(project_dir("knowledge") / "en" / "privacy-export.md", folder)
    async with running_bot(tmp_path, knowledge_dir=folder.parent) as (_, fake):
        await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I get a copy of my data?"))
        thread_id = await thread_opened(fake)
        offer = await posted_in(fake, thread_id, "How do I get a copy of my data?")
        assert "— Run: `/privacy export`. The bot sends you" in offer.body["content"]
        assert offer.body["allowed_mentions"]["parse"] == []
