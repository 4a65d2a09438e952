"""A local fake of the Discord REST API and gateway that an unmodified discord.py connects to."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any, cast

import discord
import yarl
from aiohttp import WSMsgType, web

from tests.fakes import discord_forum
from tests.fakes import discord_payloads as p
from tests.fakes.discord_store import MessageStore

LIMIT = 2000  # characters of a message's content
TOO_LONG = {
    "message": "Invalid Form Body",
    "code": 50035,
    "errors": {
        "content": {
            "_errors": [
                {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}
            ]
        }
    },
}
RESUMABLE_CLOSE = 4000  # any close code discord.py can handle makes it RESUME
Handler = Callable[["RestCall", re.Match[str]], tuple[int, Any]]


@dataclass
class RestCall:
    """One REST request the client made."""

    method: str
    path: str
    body: Any
    query: dict[str, str]
    status: int = 200


def _json(status: int, data: Any) -> web.Response:
    """A JSON answer with exactly `application/json`, as discord.py requires."""
    if status == 204 or data is None:
        return web.Response(status=204)
    response = web.Response(status=status, text=json.dumps(data))
    response.headers["Content-Type"] = "application/json"  # exactly: no "; charset=utf-8"
    return response


def _too_long(body: Any) -> bool:
    """Content Discord refuses: past 2,000 characters (a message, a follow-up, or an
    interaction's answer)."""
    if not isinstance(body, dict):
        return False
    inner = body.get("data") if isinstance(body.get("data"), dict) else {}
    return len(_text(body)) > LIMIT or len(_text(inner)) > LIMIT


def _text(body: dict[str, Any] | None) -> str:
    return (body or {}).get("content") or ""


class FakeDiscord:
    """An aiohttp server speaking enough of the Discord API for discord.py."""

    def __init__(self, guild: dict[str, Any] | None = None) -> None:
        self.guild = guild or p.guild()
        self.calls: list[RestCall] = []
        self.identifies, self.heartbeats = 0, 0  # IDENTIFY and heartbeat frames received
        self.identified: list[dict[str, Any]] = []  # each IDENTIFY's payload (its shard …)
        self.resumes: list[dict[str, Any]] = []  # RESUME payloads received
        self._runner: web.AppRunner | None = None
        self._ws: web.WebSocketResponse | None = None
        self.session_id, self._port, self._seq = "fake-session", 0, 0
        self._history: list[tuple[int, str, dict[str, Any]]] = []
        self._changed = asyncio.Condition()
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._register_routes()
        self.store = MessageStore()  # history, reactions, threads: read back by the READY sweep
        self.store.register(self)
        self._echoes: list[tuple[str, dict[str, Any]]] = []  # dispatches REST changes cause
        discord_forum.register(self)  # forum tags, thread edits
        # Seconds to wait before answering a REST call (a slow member fetch): 0 = at once.
        self.delay: Callable[[RestCall], float] = lambda _: 0.0

    @property
    def rest_url(self) -> str:
        """Base URL for `discord.http.Route.BASE` (ends in /api/v10)."""
        return f"http://127.0.0.1:{self._port}/api/v10"

    @property
    def ws_url(self) -> str:
        """The gateway URL for `DiscordWebSocket.DEFAULT_GATEWAY`."""
        return f"ws://127.0.0.1:{self._port}/gateway"

    @property
    def sent_messages(self) -> list[dict[str, Any]]:
        """Bodies of every message the client posted to a channel."""
        return [c.body for c in self.calls_to("POST", r"/channels/\d+/messages")]

    @property
    def unknown_calls(self) -> list[RestCall]:
        """REST calls no route knew (answered 404)."""
        return [c for c in self.calls if c.status == 404]

    def calls_to(self, method: str, pattern: str) -> list[RestCall]:
        """Recorded calls whose method and path fully match the regexes."""
        return [
            c
            for c in self.calls
            if re.fullmatch(method, c.method) and re.fullmatch(pattern, c.path)
        ]

    async def start(self) -> None:
        """Listen on a random free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def close(self) -> None:
        """Close the gateway connection and stop the server."""
        await self.drop_connection(1000)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _wait(self, check: Callable[[], Any], within: float) -> Any:
        """Wait until `check()` returns something truthy, re-checking on every change."""
        async with self._changed:
            return await asyncio.wait_for(self._changed.wait_for(check), within)

    async def _notify(self) -> None:
        """Wake every waiter after a change."""
        async with self._changed:
            self._changed.notify_all()

    async def wait_for_call(
        self,
        method: str,
        pattern: str,
        within: float = 5.0,
        where: Callable[[RestCall], bool] = lambda _: True,
    ) -> RestCall:
        """Wait for (or return at once) the first REST call matching method, path regex, test."""

        def found() -> RestCall | None:
            return next((c for c in self.calls_to(method, pattern) if where(c)), None)

        return cast(RestCall, await self._wait(found, within))

    async def wait_for_identify(self, count: int = 1, within: float = 5.0) -> None:
        """Wait until the client has IDENTIFIED `count` times in all (READY follows at once)."""
        await self._wait(lambda: self.identifies >= count, within)

    async def wait_for_resume(self, count: int = 1, within: float = 5.0) -> None:
        """Wait until the client has resumed `count` times in all."""
        await self._wait(lambda: len(self.resumes) >= count, within)

    async def dispatch(self, event: str, data: dict[str, Any], within: float = 5.0) -> int:
        """Send a dispatch (op 0) once a client is connected; returns its sequence number."""
        await self._wait(lambda: self._ws is not None and not self._ws.closed, within)
        assert self._ws is not None
        self.store.observe_dispatch(event, data)
        return await self._send(self._ws, event, data)

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> int:
        """Number, remember (for RESUME replays) and send one dispatch."""
        self._seq += 1
        self._history.append((self._seq, event, data))
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))
        return self._seq

    async def drop_connection(self, code: int = RESUMABLE_CLOSE) -> None:
        """Close the gateway socket from the server side (4000: the client should RESUME)."""
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close(code=code, message=b"fake drop")
        await self._notify()

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        """The gateway: HELLO, then IDENTIFY/RESUME, heartbeats, until the socket closes."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}})
        async for msg in ws:
            frame = json.loads(msg.data) if msg.type == WSMsgType.TEXT else {}
            op, data = frame.get("op"), frame.get("d")
            if op == 1:
                self.heartbeats += 1
                await ws.send_json({"op": 11})
            elif op == 2:
                await self._identify(ws, data or {})
            elif op == 6:
                await self._resume(ws, data)
        self._ws = None if self._ws is ws else self._ws
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        """Open a fresh session: READY (naming the shard when one was asked) then GUILD_CREATE."""
        self.identifies += 1
        self.identified.append(data)
        self.session_id = f"fake-session-{self.identifies}"
        self._seq, self._history = 0, []
        ready = p.ready(self.session_id, self.ws_url, [self.guild["id"]])
        if data.get("shard"):
            ready["shard"] = data["shard"]
        await self._send(ws, "READY", ready)
        await self._send(ws, "GUILD_CREATE", self.guild)
        self._ws = ws  # only now may tests' dispatches go out, after READY and GUILD_CREATE
        await self._notify()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        """Replay what the client missed, then RESUMED; a wrong session is invalidated."""
        if data.get("session_id") != self.session_id:
            await ws.send_json({"op": 9, "d": False})
            return
        self.resumes.append(data)
        for seq, event, payload in [h for h in self._history if h[0] > (data.get("seq") or 0)]:
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": seq, "d": payload}))
        await self._send(ws, "RESUMED", {"_trace": ["fake-gateway"]})
        self._ws = ws
        await self._notify()

    async def _rest(self, request: web.Request) -> web.Response:
        """Record a REST call and answer it from the route table (404 JSON if unknown)."""
        path = "/" + request.match_info["tail"]
        body: Any = await request.json() if request.content_type == "application/json" else None
        if request.content_type.startswith("multipart/"):  # files: the JSON is in payload_json
            form = await request.post()
            body = json.loads(str(form.get("payload_json", "{}")))
            # Uploaded files, as (name, bytes), under a key Discord never sends.
            uploads = [v for k, v in form.items() if k.startswith("files[")]
            body["_uploads"] = [(f.filename, f.file.read()) for f in uploads]  # type: ignore[union-attr]
        call = RestCall(request.method, path, body, dict(request.query))
        if (pause := self.delay(call)) > 0:
            await asyncio.sleep(pause)
        if _too_long(body):  # Discord checks the form before anything else
            status, answer = 400, TOO_LONG
        else:
            status, answer = self._answer(call, path, request.method)
        call.status = status
        self.store.observe_rest(call, answer)
        self.calls.append(call)
        echoes, self._echoes = self._echoes, []
        for event, data in echoes:  # e.g. THREAD_UPDATE after a PATCH, as Discord sends it
            if self._ws is not None and not self._ws.closed:
                await self.dispatch(event, dict(data))
        await self._notify()
        return _json(status, answer)

    def _answer(self, call: RestCall, path: str, verb: str) -> tuple[int, Any]:
        """The first route matching the call answers it (404 JSON if none)."""
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match and re.fullmatch(method, verb):
                try:
                    return handler(call, match)
                except Exception as exc:  # a 500 would make discord.py retry for ~16 s
                    return 400, {"message": f"fake route crashed: {exc!r}", "code": 0}
        return 404, {"message": f"404: fake has no {verb} {path}", "code": 0}

    def echo(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch to the client once the REST call being answered is recorded."""
        self._echoes.append((event, data))

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """Add (in front) a REST route: handler(call, match) -> (status, json answer)."""
        self._routes.insert(0, (method, re.compile(pattern), handler))  # method is a regex too

    def post_while_away(self, data: dict[str, Any]) -> dict[str, Any]:
        """A message posted while the client was away: stored (history has it), never sent."""
        return self.store.add_message(data)

    def react_while_away(
        self, message: dict[str, Any], emoji: str, user: dict[str, Any], *, add: bool = True
    ) -> None:
        """A reaction added (or removed) while the client was away: stored, never sent."""
        self.store.react(str(message["id"]), emoji, user, add=add)

    def _register_routes(self) -> None:
        """The routes the bot uses, answered with realistic payloads."""
        snow, bot = r"(\d+)", p.bot_user()

        def ok(data: Any = None) -> Handler:
            return lambda call, m: (200 if data is not None else 204, data)

        def message(call: RestCall, m: re.Match[str]) -> tuple[int, Any]:
            body = call.body or {}
            data = p.message(_text(body), channel_id=m[1], author=bot, message_id=m[2])
            return 200, data | {k: body[k] for k in ("embeds", "components") if k in body}

        def thread(call: RestCall, m: re.Match[str]) -> tuple[int, Any]:
            name, thread_id = (call.body or {}).get("name", "thread"), m[2] or p.snowflake()
            return 201, p.thread_channel(thread_id, name, parent_id=m[1], owner_id=p.BOT_USER_ID)

        def callback(call: RestCall, m: re.Match[str]) -> tuple[int, Any]:
            body = call.body or {}
            inner, kind = body.get("data") or {}, body.get("type", 4)
            answer: dict[str, Any] = {
                "interaction": {
                    "id": m[1],
                    "response_message_id": p.snowflake(),
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": bool(inner.get("flags", 0) & p.EPHEMERAL),
                }
            }
            if kind in (4, 7):
                answer["resource"] = {"type": kind, "message": p.message(_text(inner), author=bot)}
            return 200, answer

        def followup(call: RestCall, m: re.Match[str]) -> tuple[int, Any]:
            return 200, p.message(_text(call.body), author=bot)

        def commands(call: RestCall, m: re.Match[str]) -> tuple[int, Any]:
            made = {"application_id": p.APPLICATION_ID, "version": "1", "dm_permission": True}
            return 200, [made | cmd | {"id": p.snowflake()} for cmd in call.body or []]

        hook = rf"/webhooks/{snow}/([^/]+)"
        msg = rf"/channels/{snow}/messages/{snow}"
        table: list[tuple[str, str, Handler]] = [
            # Lazily: the port is known only once the server listens.
            ("GET", r"/gateway", lambda c, m: (200, {"url": self.ws_url})),
            ("GET", r"/gateway/bot", lambda c, m: (200, p.gateway_bot(self.ws_url))),
            ("GET", r"/users/@me", ok(bot)),
            ("GET", r"/oauth2/applications/@me", ok(p.application())),
            ("POST", r"/users/@me/channels", lambda c, _: (200, p.dm_channel(**c.body))),
            ("GET", rf"/applications/{snow}(/guilds/{snow})?/commands", ok([])),
            ("PUT", rf"/applications/{snow}(/guilds/{snow})?/commands", commands),
            ("POST", rf"/channels/{snow}/messages()", message),
            ("PATCH", msg, message),
            ("DELETE", msg, ok()),
            ("POST", rf"{msg}/threads", thread),
            ("POST", rf"/channels/{snow}/threads()", thread),
            ("PUT|DELETE", rf"{msg}/reactions/[^/]+/[^/]+", ok()),
            ("POST", rf"/interactions/{snow}/([^/]+)/callback", callback),
            ("POST", hook, followup),
            ("GET|PATCH", rf"{hook}/messages/[^/]+", followup),
            ("DELETE", rf"{hook}/messages/[^/]+", ok()),
            ("GET", rf"/guilds/{snow}/members/{snow}", lambda c, m: (200, p.member(p.user(m[2])))),
            ("GET", rf"/guilds/{snow}/roles", ok(self.guild["roles"])),
            ("PUT|DELETE", rf"/guilds/{snow}/members/{snow}/roles/{snow}", ok()),
        ]
        for method, pattern, handler in table:
            self._routes.append((method, re.compile(pattern), handler))

    def miss(self, event: str, data: dict[str, Any]) -> int:
        """Number and remember a dispatch the client never got (as if sent while it was away):
        the next RESUME replays it. Returns its sequence number."""
        self._seq += 1
        self._history.append((self._seq, event, data))
        return self._seq


@asynccontextmanager
async def fake_discord(guild: dict[str, Any] | None = None) -> AsyncIterator[FakeDiscord]:
    """Run a FakeDiscord with discord.py pointed at it; the real URLs come back on exit."""
    fake = FakeDiscord(guild)
    await fake.start()
    route, gateway = discord.http.Route, discord.gateway.DiscordWebSocket
    old_base, old_gateway = route.BASE, gateway.DEFAULT_GATEWAY
    route.BASE, gateway.DEFAULT_GATEWAY = fake.rest_url, yarl.URL(fake.ws_url)
    try:
        yield fake
    finally:
        route.BASE, gateway.DEFAULT_GATEWAY = old_base, old_gateway
        with suppress(Exception):
            await fake.close()
