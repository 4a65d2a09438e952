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
from aiohttp import web

from tests.fakes import discord_forum
from tests.fakes import discord_payloads as p
from tests.fakes.discord_shards import RESUMABLE_CLOSE as RESUMABLE_CLOSE  # as before
from tests.fakes.discord_shards import ShardedGateway
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
Handler = Callable[["RestCall", re.Match[str]], tuple[int, Any]]


@dataclass
class RestCall:
    """One REST request the client made."""

    method: str
    path: str
    body: Any
    query: dict[str, str]
    status: int = 200
    token: str = ""  # the bot token it came with: which process, when several share the fake


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


class FakeDiscord(ShardedGateway):
    """An aiohttp server speaking enough of the Discord API for discord.py: one guild, or
    several (`guilds=`), each sent only to the gateway session of its shard."""

    def __init__(
        self,
        guild: dict[str, Any] | None = None,
        *,
        guilds: list[dict[str, Any]] | None = None,
        announce_threads: bool = False,
    ) -> None:
        super().__init__(guilds or [guild or p.guild()])
        # True: THREAD_CREATE follows each thread the client opens, as Discord sends it
        # (False: tests send it themselves, see thread_opened).
        self.announce_threads = announce_threads
        self.calls: list[RestCall] = []
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._register_routes()
        self.store = MessageStore()  # history, reactions, threads: read back by the READY sweep
        self.store.register(self)
        self._echoes: list[tuple[str, dict[str, Any]]] = []  # dispatches REST changes cause
        discord_forum.register(self)  # forum tags, thread edits
        # Seconds to wait before answering a REST call (a slow member fetch): 0 = at once.
        self.delay: Callable[[RestCall], float] = lambda _: 0.0

    @property
    def guild(self) -> dict[str, Any]:
        """The first guild (the only one, unless `guilds=` gave several)."""
        return self.guilds[0]

    def guild_by_id(self, guild_id: str) -> dict[str, Any]:
        """The guild with this id (the first one if none has it, as a single-guild fake)."""
        return next((g for g in self.guilds if g["id"] == guild_id), self.guild)

    def channel(self, channel_id: str) -> dict[str, Any] | None:
        """A channel of any guild, or a thread the store keeps, by id."""
        found = (c for g in self.guilds for c in g["channels"] if c["id"] == channel_id)
        return self.store.threads.get(channel_id) or next(found, None)

    def guild_of(self, channel_id: str) -> str | None:
        """The id of the guild a channel or thread belongs to (None: a DM, or unknown)."""
        channel = self.channel(channel_id)
        return None if channel is None else channel.get("guild_id")

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
        """Close the gateway connections and stop the server."""
        await self.drop_connection(1000)
        if self._runner is not None:
            await self._runner.cleanup()

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
        token = request.headers.get("Authorization", "").removeprefix("Bot ")
        call = RestCall(request.method, path, body, dict(request.query), token=token)
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
            owner = self.owner(event, data)
            if owner is not None and owner.connected:
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
            body, guild_id = call.body or {}, self.guild_of(m[1]) or p.GUILD_ID
            data = p.message(
                _text(body), channel_id=m[1], author=bot, message_id=m[2], guild_id=guild_id
            )
            return 200, data | {k: body[k] for k in ("embeds", "components") if k in body}

        def thread(call: RestCall, m: re.Match[str]) -> tuple[int, Any]:
            name, thread_id = (call.body or {}).get("name", "thread"), m[2] or p.snowflake()
            where = {"parent_id": m[1], "guild_id": self.guild_of(m[1]) or p.GUILD_ID}
            where["owner_id"] = p.BOT_USER_ID
            made = p.thread_channel(thread_id, name, **where)
            if self.announce_threads:
                self.echo("THREAD_CREATE", p.thread_create(thread_id, name, **where))
            return 201, made

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
            ("GET", rf"/guilds/{snow}/roles", lambda c, m: (200, self.guild_by_id(m[1])["roles"])),
            ("PUT|DELETE", rf"/guilds/{snow}/members/{snow}/roles/{snow}", ok()),
        ]
        for method, pattern, handler in table:
            self._routes.append((method, re.compile(pattern), handler))


@asynccontextmanager
async def fake_discord(
    guild: dict[str, Any] | None = None, *, guilds: list[dict[str, Any]] | None = None
) -> AsyncIterator[FakeDiscord]:
    """Run a FakeDiscord with discord.py pointed at it; the real URLs come back on exit."""
    fake = FakeDiscord(guild, guilds=guilds)
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
