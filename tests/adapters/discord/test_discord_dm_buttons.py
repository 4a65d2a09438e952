"""Buttons in DMs on Discord: a DM has no server, so the bot's DM buttons name theirs.

The 24-hour accept reminder's Still need help and a nudge's I'll take it, pressed in the DM,
act in the server; old DM buttons, forged servers and members who left get one clear line.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.cogs._question_events import STILL_NEED_HELP
from bot.cogs.nudges._render import TAKE_ACTION
from bot.runtime.app import App
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, running_bot, thread_opened, until
from tests.adapters.discord.test_discord_scenarios import (
    STAFF,
    _bob_knows,
    _unanswered_question,
    _with_staff_channel,
    buttons,
    posted_in,
    question_id,
)
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord, RestCall

DM_CHANNEL_ID = "900000000000000400"
BOB = p.user(p.BOB_ID, "bob")


def dms_open_on(fake: FakeDiscord) -> None:
    """Every DM the bot opens is one known channel (the fake makes up an id otherwise)."""
    fake.route(
        "POST", r"/users/@me/channels", lambda c, m: (200, p.dm_channel() | {"id": DM_CHANNEL_ID})
    )


async def dm_with(fake: FakeDiscord, action: str) -> RestCall:
    """The DM the bot sent with a button of this action."""
    return await fake.wait_for_call(
        "POST",
        rf"/channels/{DM_CHANNEL_ID}/messages",
        TIMEOUT,
        lambda c: any(f":{action}:" in i for i in buttons(c)),
    )


def shown(dm: RestCall) -> dict[str, Any]:
    """The DM as the member's client shows it (and sends back with a click)."""
    message = p.message(dm.body["content"], channel_id=DM_CHANNEL_ID, guild_id=None)
    return message | {"author": p.bot_user(), "components": dm.body["components"]}


async def ephemeral_answer(fake: FakeDiscord, click: dict[str, Any]) -> str:
    """The private line the bot answered a click with: an ephemeral response, or (once the
    click was acknowledged) an ephemeral follow-up."""
    callback = rf"/interactions/{click['id']}/[^/]+/callback"
    followup = rf"/webhooks/{p.APPLICATION_ID}/{click['token']}"

    def private_line(call: RestCall) -> bool:
        body = call.body or {}
        return bool((body.get("data") or body).get("flags", 0) & p.EPHEMERAL)

    call = await fake.wait_for_call("POST", f"{callback}|{followup}", TIMEOUT, private_line)
    return str((call.body.get("data") or call.body)["content"])


async def _helped_question(app: App, fake: FakeDiscord) -> str:
    """Alice asks, bob answers, carol marks it helpful; a day passes. Returns the thread."""
    await fake.dispatch("MESSAGE_CREATE", p.message_create("Why does sync stop at night?"))
    thread_id = await thread_opened(fake)
    answer = p.message_create("Power saving stops it.", author=BOB, channel_id=thread_id)
    await fake.dispatch("MESSAGE_CREATE", answer)
    carol = "900000000000000302"
    mark = p.reaction(answer["id"], "✅", user_id=carol, channel_id=thread_id)
    await fake.dispatch("MESSAGE_REACTION_ADD", mark | {"message_author_id": p.BOB_ID})
    await until(app, q.points_given, 10)
    await app.clock.advance(timedelta(hours=25))
    return thread_id


async def test_still_need_help_in_the_reminder_dm_calls_staff(tmp_path: Path) -> None:
    """The accept reminder DM's button names the server; alice presses it in the DM and the
    question's card reaches #staff, her confirmation coming back privately in the DM."""
    async with running_bot(tmp_path, community=STAFF, guild=_with_staff_channel()) as (app, fake):
        dms_open_on(fake)
        await _helped_question(app, fake)
        reminder = await dm_with(fake, STILL_NEED_HELP)
        qid = await question_id(app)
        assert buttons(reminder) == [f"entraide@{p.GUILD_ID}:{STILL_NEED_HELP}:{qid}"]
        assert not fake.calls_to("POST", rf"/channels/{p.STAFF_CHANNEL_ID}/messages")
        click = p.dm_button_click(buttons(reminder)[0], shown(reminder))
        await fake.dispatch("INTERACTION_CREATE", click)
        card = await posted_in(fake, p.STAFF_CHANNEL_ID, "Q1")
        assert "sync stop at night" in card.body["content"]
        await until(app, q.escalation_status, "open")
        assert (await q.escalation_of(app.db))["reason"] == "asker"
        told = await fake.wait_for_call("POST", rf"/webhooks/{p.APPLICATION_ID}/{click['token']}")
        assert "Q1" in told.body["content"]
        assert told.body["flags"] & p.EPHEMERAL


async def test_ill_take_it_in_a_nudge_dm_tells_the_thread(tmp_path: Path) -> None:
    """Bob's nudge DM: I'll take it pressed there records his answer to the nudge and says
    in the question's thread that he is on it."""
    async with running_bot(tmp_path) as (app, fake):
        dms_open_on(fake)
        await _bob_knows(app)
        thread_id = await _unanswered_question(app, fake, "Where is the data export?")
        nudge = await dm_with(fake, TAKE_ACTION)
        take = next(i for i in buttons(nudge) if f":{TAKE_ACTION}:" in i)
        assert take.startswith(f"entraide@{p.GUILD_ID}:")
        await fake.dispatch("INTERACTION_CREATE", p.dm_button_click(take, shown(nudge), author=BOB))
        await until(app, q.nudge_response, "taken")
        await posted_in(fake, thread_id, p.BOB_ID)


async def test_an_old_dm_button_says_what_to_do_instead(tmp_path: Path) -> None:
    """A DM sent before buttons named their server (a plain id): one private line pointing
    to the command, and nothing happens."""
    async with running_bot(tmp_path, community=STAFF, guild=_with_staff_channel()) as (app, fake):
        dms_open_on(fake)
        await _helped_question(app, fake)
        reminder = await dm_with(fake, STILL_NEED_HELP)
        old = buttons(reminder)[0].replace(f"entraide@{p.GUILD_ID}:", "entraide:")
        click = p.dm_button_click(old, shown(reminder))
        await fake.dispatch("INTERACTION_CREATE", click)
        line = await ephemeral_answer(fake, click)
        assert "/staff" in line
        assert await q.escalation_count(app.db) == 0


async def test_a_forged_server_or_a_member_who_left_changes_nothing(tmp_path: Path) -> None:
    """A DM button naming a server the bot isn't in, or pressed by someone who is no longer
    in the server: a private line each, nothing dispatched."""
    async with running_bot(tmp_path, community=STAFF, guild=_with_staff_channel()) as (app, fake):
        dms_open_on(fake)
        await _helped_question(app, fake)
        reminder = await dm_with(fake, STILL_NEED_HELP)
        real = buttons(reminder)[0]
        forged = real.replace(p.GUILD_ID, "900000000000000999")
        left = p.error(10007, "Unknown Member")
        fake.route("GET", rf"/guilds/\d+/members/{p.BOB_ID}", lambda c, m: (404, left))
        clicks = [
            p.dm_button_click(forged, shown(reminder)),
            p.dm_button_click(real, shown(reminder), author=BOB),
        ]
        for click in clicks:
            await fake.dispatch("INTERACTION_CREATE", click)
            assert "no longer share" in await ephemeral_answer(fake, click)
        assert await q.escalation_count(app.db) == 0
        ids = [f"discord:interaction:{c['id']}" for c in clicks]
        assert await q.processed_of(app.db, *ids) == 0


async def test_rights_in_a_dm_are_the_servers(tmp_path: Path) -> None:
    """Bob (a plain member there, fetched: not cached) presses alice's Still need help in a
    DM: not the asker, and a DM gives him no staff rights, so staff aren't called. Alice owns
    the server: her press (the asker's anyway) goes through."""
    async with running_bot(tmp_path, community=STAFF, guild=_with_staff_channel()) as (app, fake):
        dms_open_on(fake)
        await _helped_question(app, fake)
        reminder = await dm_with(fake, STILL_NEED_HELP)
        by_bob = p.dm_button_click(buttons(reminder)[0], shown(reminder), author=BOB)
        await fake.dispatch("INTERACTION_CREATE", by_bob)
        told = await fake.wait_for_call("POST", rf"/webhooks/{p.APPLICATION_ID}/{by_bob['token']}")
        assert f"<@{p.ALICE_ID}>" in told.body["content"]  # "only the asker, alice, …"
        await fake.wait_for_call("GET", rf"/guilds/{p.GUILD_ID}/members/{p.BOB_ID}", TIMEOUT)
        assert await q.escalation_count(app.db) == 0
        assert (await q.member(app.db, p.BOB_ID))["is_staff"] == 0
