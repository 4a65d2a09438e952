"""The fake Slack works with the unmodified slack_sdk and slack_bolt (no Entraide code)."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes import slack_interactions as i
from tests.fakes import slack_payloads as p
from tests.fakes.slack_server import FakeSlack, instant_rate_limit_retries
from tests.fakes.slack_signing import (
    bolt_http_server,
    post_command,
    post_event,
    post_interactive,
)

TIMEOUT = 5.0
Received = asyncio.Queue[dict[str, Any]]


def client_for(slack_server: FakeSlack, **options: Any) -> AsyncWebClient:
    """A real AsyncWebClient pointed at the fake."""
    return AsyncWebClient(token=p.BOT_TOKEN, base_url=slack_server.api_url, **options)


def bolt_app(slack_server: FakeSlack, received: Received) -> AsyncApp:
    """A minimal bolt app whose listeners put what they get on `received`."""
    app = AsyncApp(
        signing_secret=p.SIGNING_SECRET,
        client=client_for(slack_server),
        process_before_response=True,
    )

    @app.event("message")
    async def on_message(event: dict[str, Any]) -> None:
        await received.put(event)

    @app.command("/entraide")
    async def on_command(ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any]) -> None:
        await ack()
        await respond(f"you said {command['text']}")
        await received.put(command)

    @app.action("mark_solved")
    async def on_action(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        await received.put(body)

    return app


async def test_web_client_calls_are_recorded_with_their_args(slack_server: FakeSlack) -> None:
    client = client_for(slack_server)
    identity = await client.auth_test()
    assert (identity["user_id"], identity["bot_id"], identity["team_id"]) == (
        p.BOT_USER_ID,
        p.BOT_ID,
        p.TEAM_ID,
    )
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}]
    first = await client.chat_postMessage(channel=p.HELP_CHANNEL, text="hello", blocks=blocks)
    reply = await client.chat_postMessage(channel=p.HELP_CHANNEL, text="re", thread_ts=first["ts"])
    assert re.fullmatch(r"\d{10}\.\d{6}", first["ts"])
    assert reply["ts"] > first["ts"]
    assert (first["channel"], first["message"]["user"]) == (p.HELP_CHANNEL, p.BOT_USER_ID)

    [auth] = slack_server.calls_to("auth.test")
    posted = slack_server.calls_to("chat.postMessage")[0]
    assert auth.token == posted.token == p.BOT_TOKEN
    assert posted.args == {"channel": p.HELP_CHANNEL, "text": "hello", "blocks": blocks}
    assert [m["text"] for m in slack_server.messages] == ["hello", "re"]
    assert (await slack_server.wait_for_call("chat.postMessage", r"^re$")).args[
        "thread_ts"
    ] == first["ts"]

    thread = await client.conversations_replies(channel=p.HELP_CHANNEL, ts=first["ts"])
    assert [m["text"] for m in thread["messages"]] == ["hello", "re"]
    assert thread["messages"][0]["reply_count"] == 1
    history = await client.conversations_history(channel=p.HELP_CHANNEL)
    assert [m["text"] for m in history["messages"]] == ["hello"]  # replies are not top level
    await client.reactions_add(channel=p.HELP_CHANNEL, timestamp=first["ts"], name="eyes")
    got = await client.reactions_get(channel=p.HELP_CHANNEL, timestamp=first["ts"])
    assert got["message"]["reactions"] == [{"name": "eyes", "users": [p.BOT_USER_ID], "count": 1}]
    assert (await client.users_info(user=p.ADMIN))["user"]["is_admin"] is True

    await client.api_call("chat.postMessage", data={"channel": p.GENERAL, "text": "form"})
    assert slack_server.messages[-1] == {"channel": p.GENERAL, "text": "form"}  # form-encoded too
    with pytest.raises(SlackApiError) as unknown:
        await client.api_call("chat.scheduleMessage", json={"channel": p.GENERAL})
    assert unknown.value.response["error"] == "unknown_method"


async def test_rate_limited_post_is_retried_at_once_with_the_handler(
    slack_server: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    instant_rate_limit_retries(monkeypatch)
    slack_server.fail("chat.postMessage", retry_after=0)
    client = client_for(
        slack_server, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)]
    )
    started = time.monotonic()
    answer = await client.chat_postMessage(channel=p.HELP_CHANNEL, text="hi")
    assert time.monotonic() - started < 0.5
    assert answer["ok"] is True
    assert [c.status for c in slack_server.calls_to("chat.postMessage")] == [429, 200]
    assert slack_server.messages == [{"channel": p.HELP_CHANNEL, "text": "hi"}]


async def test_rate_limit_raises_without_a_retry_handler(slack_server: FakeSlack) -> None:
    slack_server.fail("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as error:
        await client_for(slack_server).chat_postMessage(channel=p.HELP_CHANNEL, text="hi")
    assert error.value.response.status_code == 429
    assert error.value.response["error"] == "ratelimited"
    assert error.value.response.headers["Retry-After"] == "7"
    assert len(slack_server.calls_to("chat.postMessage")) == 1
    assert slack_server.messages == []


async def test_ok_false_failures_are_injected_and_natural(slack_server: FakeSlack) -> None:
    client = client_for(slack_server)
    slack_server.fail("chat.postMessage", error="not_in_channel", status=200)
    slack_server.fail("conversations.open", error="cannot_dm_bot")
    for call, error in [
        (client.chat_postMessage(channel=p.HELP_CHANNEL, text="x"), "not_in_channel"),
        (client.conversations_open(users=p.ALICE), "cannot_dm_bot"),
        (client.conversations_open(users=p.BOT_USER_ID), "cannot_dm_bot"),
        (client.users_info(user="U0NOBODY"), "user_not_found"),
        (client.chat_postMessage(channel="C0NOWHERE", text="x"), "channel_not_found"),
        (client.chat_update(channel=p.HELP_CHANNEL, ts="1.000001", text="x"), "message_not_found"),
    ]:
        with pytest.raises(SlackApiError) as raised:
            await call
        assert (raised.value.response.status_code, raised.value.response["error"]) == (200, error)
    opened = await client.conversations_open(users=p.ALICE)  # the injected failure is used up
    assert opened["channel"]["id"] == "D0ALICE"


async def test_bolt_over_http_gets_signed_deliveries_and_refuses_bad_signatures(
    slack_server: FakeSlack,
) -> None:
    received: Received = asyncio.Queue()
    async with bolt_http_server(bolt_app(slack_server, received)) as url:
        event = p.message("how do I reset my password?")
        delivered = await post_event(url, p.event_callback(event), retry_num=1)
        assert delivered.status == 200
        assert (await asyncio.wait_for(received.get(), TIMEOUT))["text"] == event["text"]
        assert len(slack_server.calls_to("auth.test")) == 1  # bolt's lazy authorization

        forged = await post_event(url, p.event_callback(p.message("forged")), forged=True)
        stale = await post_event(url, p.event_callback(p.message("stale")), stale=True)
        mine = await post_event(url, p.event_callback(p.message("me", user_id=p.BOT_USER_ID)))
        assert (forged.status, stale.status, mine.status) == (401, 401, 200)
        assert received.empty()  # process_before_response: handlers ran before the answers

        challenge = await post_event(url, p.url_verification("abc"))
        assert challenge.json() == {"challenge": "abc"}

        command = i.slash_command("hello", response_url=slack_server.response_url("cmd"))
        assert (await post_command(url, command)).status == 200
        assert (await asyncio.wait_for(received.get(), TIMEOUT))["text"] == "hello"
        [response] = slack_server.responses
        assert (response.target, response.args["text"]) == ("cmd", "you said hello")

        action = i.block_actions("mark_solved", "Q1", user_id=p.BOB, thread_ts=event["ts"])
        assert (await post_interactive(url, action)).status == 200
        body = await asyncio.wait_for(received.get(), TIMEOUT)
        assert (body["user"]["id"], body["actions"][0]["value"]) == (p.BOB, "Q1")


async def test_socket_mode_connects_delivers_and_records_acks(slack_server: FakeSlack) -> None:
    received: Received = asyncio.Queue()
    app = bolt_app(slack_server, received)
    handler = AsyncSocketModeHandler(app, app_token=p.APP_TOKEN)
    await handler.connect_async()
    try:
        await slack_server.wait_for_connection()
        [opened] = slack_server.calls_to("apps.connections.open")
        assert opened.token == p.APP_TOKEN

        event = p.message("a question over the socket")
        envelope_id = await slack_server.push_event(p.event_callback(event))
        assert (await asyncio.wait_for(received.get(), TIMEOUT))["text"] == event["text"]
        assert await slack_server.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
        stored = slack_server.workspace.find(p.HELP_CHANNEL, event["ts"])
        assert stored is not None
        assert stored["text"] == event["text"]

        command = i.slash_command("hi", response_url=slack_server.response_url("sock"))
        command_id = await slack_server.push_event(command, "slash_commands")
        assert (await slack_server.wait_for_ack(command_id))["envelope_id"] == command_id
        assert (await slack_server.wait_for_call("response_url", "you said hi")).target == "sock"
        assert (await asyncio.wait_for(received.get(), TIMEOUT))["command"] == "/entraide"

        await slack_server.disconnect()  # Slack's refresh: the client opens a new connection
        await slack_server.wait_for_connection(2)
        again = await slack_server.push_event(i.block_actions("mark_solved", "Q2"), "interactive")
        await slack_server.wait_for_ack(again)
        body = await asyncio.wait_for(received.get(), TIMEOUT)
        assert (body["type"], body["actions"][0]["value"]) == ("block_actions", "Q2")
    finally:
        await handler.close_async()


async def test_every_payload_factory_reaches_its_bolt_listener(slack_server: FakeSlack) -> None:
    received: Received = asyncio.Queue()
    app = AsyncApp(
        signing_secret=p.SIGNING_SECRET,
        client=client_for(slack_server),
        process_before_response=True,
    )

    async def on_event(event: dict[str, Any]) -> None:
        await received.put(event)

    kinds = ["message", "reaction_added", "reaction_removed", "app_home_opened"]
    for kind in [*kinds, "app_uninstalled", "tokens_revoked"]:
        app.event(kind)(on_event)

    @app.shortcut("mark_helpful")
    async def on_shortcut(ack: AsyncAck, shortcut: dict[str, Any]) -> None:
        await ack()
        await received.put(shortcut)

    question = p.message("question")
    reply = p.message("answer", user_id=p.BOB, thread_ts=question["ts"])
    events = [
        question,
        reply,
        p.bot_message("beep"),
        p.message_changed(reply, "better answer"),
        p.message_deleted(reply),
        p.channel_join(p.BOB),
        p.reaction(reply, user_id=p.ALICE),
        p.reaction(reply, user_id=p.ALICE, added=False),
        p.app_home_opened(p.ALICE),
        p.app_uninstalled(),
        p.tokens_revoked(),
    ]
    async with bolt_http_server(app) as url:
        for event in events:
            assert (await post_event(url, p.event_callback(event))).status == 200
            assert received.get_nowait() == event  # process_before_response: already handled
        shortcut = i.message_shortcut("mark_helpful", reply, user_id=p.ALICE)
        assert (await post_interactive(url, shortcut)).status == 200
        assert received.get_nowait()["message"]["ts"] == reply["ts"]
    assert received.empty()


async def test_web_api_methods_answer_like_slack(slack_server: FakeSlack) -> None:
    client, ws = client_for(slack_server), slack_server.workspace
    posted = await client.chat_postMessage(channel=p.HELP_CHANNEL, text="draft")
    await client.chat_update(channel=p.HELP_CHANNEL, ts=posted["ts"], text="final")
    assert ws.find(p.HELP_CHANNEL, posted["ts"])["text"] == "final"  # type: ignore[index]
    link = await client.chat_getPermalink(channel=p.HELP_CHANNEL, message_ts=posted["ts"])
    assert link["permalink"].endswith(
        f"/archives/{p.HELP_CHANNEL}/p{posted['ts'].replace('.', '')}"
    )
    await client.chat_delete(channel=p.HELP_CHANNEL, ts=posted["ts"])
    assert ws.find(p.HELP_CHANNEL, posted["ts"]) is None

    member = p.message("mine")
    ws.seed(p.event_callback(member))
    with pytest.raises(SlackApiError, match="cant_update_message"):
        await client.chat_update(channel=p.HELP_CHANNEL, ts=member["ts"], text="hijack")
    ephemeral = await client.chat_postEphemeral(channel=p.HELP_CHANNEL, user=p.ALICE, text="psst")
    assert ephemeral["message_ts"]
    assert slack_server.messages[-1] == {"channel": p.HELP_CHANNEL, "user": p.ALICE, "text": "psst"}
    assert (await client.conversations_info(channel=p.STAFF))["channel"]["is_private"] is True

    ws.add_usergroup("S0HELPERS", "helpers", [p.ALICE])
    await client.usergroups_users_update(usergroup="S0HELPERS", users=[p.ALICE, p.BOB])
    groups = (await client.usergroups_list(include_users=True))["usergroups"]
    assert groups[0]["users"] == [p.ALICE, p.BOB]
    assert slack_server.calls_to("usergroups.users.update")[0].args["users"] == f"{p.ALICE},{p.BOB}"

    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
    }
    published = await client.views_publish(user_id=p.ALICE, view=home)
    assert published["view"]["id"] == ws.home_views[p.ALICE]["id"]
