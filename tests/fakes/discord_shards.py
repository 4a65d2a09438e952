"""The fake Discord's gateway, one session per shard, and guilds placed on chosen shards.

Discord sends a guild's events to one gateway session only: the one whose IDENTIFY said
`shard: [id, count]` with (guild_id >> 22) % count == id; a session without `shard` gets
every guild, and direct messages go to shard 0. Each session has its own id, sequence
numbers and history, so a RESUME replays only what that session missed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tests.fakes import discord_payloads as p

if TYPE_CHECKING:
    from tests.fakes.discord_store import MessageStore

Payload = dict[str, Any]
GUILD_EVENTS = ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE")  # the guild's id is `id`
GUILD_LOW_BITS = 0x1000  # below the timestamp: apart from the default ids' low bits
HEARTBEAT_MS = 41250
RESUMABLE_CLOSE = 4000  # any close code discord.py can handle makes it RESUME


def shard_of(guild_id: str | int | None, count: int) -> int:
    """The shard of `count` that gets a guild's events (Discord's rule); no guild (a DM): 0."""
    return 0 if guild_id is None else (int(guild_id) >> 22) % count


def guild_id_on_shard(shard: int, count: int, n: int = 0) -> str:
    """A guild snowflake Discord's rule puts on `shard` of `count` (the n-th such id), near
    the default guild's, below every id `p.snowflake()` hands out."""
    base = int(p.GUILD_ID) >> 22  # the timestamp part of the default guild's id
    stamp = base - base % count + count * (n + 1) + shard
    return str(stamp << 22 | GUILD_LOW_BITS)


def guild_on_shard(shard: int, count: int, n: int = 0) -> Payload:
    """A full guild on `shard` of `count`: its own #help, #general, private #staff,
    @everyone and Helper."""
    guild_id = guild_id_on_shard(shard, count, n)
    made = p.guild(
        guild_id=guild_id,
        help_channel_id=_child(guild_id, 1),
        general_channel_id=_child(guild_id, 2),
        helper_role_id=_child(guild_id, 3),
        name=f"Shard {shard} guild {n}",
    )
    made["channels"].append(p.staff_channel(_child(guild_id, 4), guild_id=guild_id))
    return made


def help_channel_of(guild: Payload) -> str:
    """The id of a guild's #help."""
    return str(next(c["id"] for c in guild["channels"] if c["name"] == "help"))


def member_of(guild: Payload, number: int, username: str) -> Payload:
    """A user known in this guild only (ids differ per guild, so each community's facts
    about its members stay apart)."""
    return p.user(_child(str(guild["id"]), 0x10 + number), username)


def _child(guild_id: str, offset: int) -> str:
    """An id derived from the guild's (same timestamp: unique while offsets stay small)."""
    return str(int(guild_id) + offset)


@dataclass
class GatewaySession:
    """One gateway session: its shard, its IDENTIFY, the guilds its READY listed, and its
    numbered dispatches (a RESUME replays those after the client's last sequence number)."""

    shard: int
    count: int
    session_id: str
    identify: Payload
    guild_ids: list[str]
    ws: web.WebSocketResponse | None = None  # set once READY and the GUILD_CREATEs are out
    seq: int = 0
    history: list[tuple[int, str, Payload]] = field(default_factory=list)

    @property
    def connected(self) -> bool:
        """Whether dispatches can go out now."""
        return self.ws is not None and not self.ws.closed

    def owns(self, guild_id: str | None) -> bool:
        """Whether Discord would send this guild's events (None: a DM's) to this session."""
        return shard_of(guild_id, self.count) == self.shard

    def number(self, event: str, data: Payload) -> int:
        """Number and remember a dispatch (sent or missed); its sequence number."""
        self.seq += 1
        self.history.append((self.seq, event, data))
        return self.seq

    async def send(self, ws: web.WebSocketResponse, event: str, data: Payload) -> int:
        """Number, remember and send one dispatch on `ws`."""
        seq = self.number(event, data)
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": seq, "d": data}))
        return seq


class ShardedGateway:
    """FakeDiscord's gateway: HELLO, IDENTIFY (a session per shard), RESUME, heartbeats,
    REQUEST_GUILD_MEMBERS, and dispatches sent to the session owning their guild."""

    store: MessageStore

    def __init__(self, guilds: list[Payload]) -> None:
        self.guilds = guilds
        self.sessions: dict[int, GatewaySession] = {}  # by shard (0 when none was named)
        self.identifies, self.heartbeats = 0, 0  # IDENTIFY and heartbeat frames received
        self.identified: list[Payload] = []  # each IDENTIFY's payload (its shard, token …)
        self.resumes: list[Payload] = []  # RESUME payloads received
        self._changed = asyncio.Condition()

    @property
    def ws_url(self) -> str:
        """The gateway URL (the server knows its port)."""
        raise NotImplementedError

    @property
    def session_id(self) -> str:
        """Shard 0's session id (the only session when the client doesn't shard)."""
        main = self.sessions.get(0)
        return main.session_id if main is not None else "fake-session"

    @session_id.setter
    def session_id(self, value: str) -> None:
        # A test sets "forgotten": the client's next RESUME of shard 0 gets op 9.
        if (main := self.sessions.get(0)) is not None:
            main.session_id = value

    @property
    def _ws(self) -> web.WebSocketResponse | None:
        """Shard 0's socket once READY went out (None while away)."""
        main = self.sessions.get(0)
        return main.ws if main is not None else None

    async def _wait(self, check: Callable[[], Any], within: float) -> Any:
        """Wait until `check()` returns something truthy, re-checking on every change."""
        async with self._changed:
            return await asyncio.wait_for(self._changed.wait_for(check), within)

    async def _notify(self) -> None:
        """Wake every waiter after a change."""
        async with self._changed:
            self._changed.notify_all()

    async def wait_for_identify(self, count: int = 1, within: float = 5.0) -> None:
        """Wait until clients have IDENTIFIED `count` times in all (READY follows at once)."""
        await self._wait(lambda: self.identifies >= count, within)

    async def wait_for_resume(self, count: int = 1, within: float = 5.0) -> None:
        """Wait until clients have resumed `count` times in all."""
        await self._wait(lambda: len(self.resumes) >= count, within)

    def owner(self, event: str, data: Payload) -> GatewaySession | None:
        """The session Discord would send this dispatch to (None: no shard of it has
        identified yet)."""
        guild_id = data.get("id") if event in GUILD_EVENTS else data.get("guild_id")
        return next((s for s in self.sessions.values() if s.owns(guild_id)), None)

    async def dispatch(self, event: str, data: Payload, within: float = 5.0) -> int:
        """Send a dispatch (op 0) once the session owning its guild is connected; returns
        its sequence number in that session."""

        def connected() -> GatewaySession | None:
            owner = self.owner(event, data)
            return owner if owner is not None and owner.connected else None

        session: GatewaySession = await self._wait(connected, within)
        assert session.ws is not None
        self.store.observe_dispatch(event, data)
        return await session.send(session.ws, event, data)

    def miss(self, event: str, data: Payload) -> int:
        """Number and remember a dispatch the client never got (as if sent while it was away):
        the next RESUME of its session replays it. Returns its sequence number."""
        owner = self.owner(event, data)
        assert owner is not None, f"no session owns {event} {data.get('guild_id')} yet"
        return owner.number(event, data)

    async def drop_connection(self, code: int = RESUMABLE_CLOSE, shard: int | None = None) -> None:
        """Close gateway sockets from the server side (all, or one shard's); 4000: the client
        should RESUME."""
        for session in self.sessions.values():
            if shard is None or session.shard == shard:
                ws, session.ws = session.ws, None
                if ws is not None:
                    await ws.close(code=code, message=b"fake drop")
        await self._notify()

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        """The gateway: HELLO, then IDENTIFY/RESUME, heartbeats, until the socket closes."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}})
        async for msg in ws:
            frame = json.loads(msg.data) if msg.type == WSMsgType.TEXT else {}
            op, data = frame.get("op"), frame.get("d") or {}
            if op == 1:
                self.heartbeats += 1
                await ws.send_json({"op": 11})
            elif op == 2:
                await self._identify(ws, data)
            elif op == 6:
                await self._resume(ws, data)
            elif op == 8:
                await self._members(ws, data)
        for session in self.sessions.values():
            if session.ws is ws:
                session.ws = None
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: Payload) -> None:
        """A fresh session for the shard asked (replacing that shard's last one): READY,
        naming the shard, then GUILD_CREATE of each guild it owns."""
        self.identifies += 1
        self.identified.append(data)
        shard, count = data.get("shard") or (0, 1)
        owned = [g for g in self.guilds if shard_of(g["id"], count) == shard]
        session = GatewaySession(
            shard, count, f"fake-session-{self.identifies}", data, [g["id"] for g in owned]
        )
        self.sessions[shard] = session
        ready = p.ready(session.session_id, self.ws_url, session.guild_ids)
        if data.get("shard"):
            ready["shard"] = data["shard"]
        await session.send(ws, "READY", ready)
        for guild in owned:
            await session.send(ws, "GUILD_CREATE", guild)
        session.ws = ws  # only now may tests' dispatches go out, after READY and GUILD_CREATE
        await self._notify()

    async def _resume(self, ws: web.WebSocketResponse, data: Payload) -> None:
        """Replay what the session missed, then RESUMED; an unknown session is invalidated."""
        wanted = data.get("session_id")
        session = next((s for s in self.sessions.values() if s.session_id == wanted), None)
        if session is None:
            await ws.send_json({"op": 9, "d": False})
            return
        self.resumes.append(data)
        for seq, event, payload in [h for h in session.history if h[0] > (data.get("seq") or 0)]:
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": seq, "d": payload}))
        await session.send(ws, "RESUMED", {"_trace": ["fake-gateway"]})
        session.ws = ws
        await self._notify()

    async def _members(self, ws: web.WebSocketResponse, data: Payload) -> None:
        """REQUEST_GUILD_MEMBERS (discord.py's chunking at start): every member in one chunk,
        so the client's shard becomes ready without waiting out its chunk timeout."""
        session = next((s for s in self.sessions.values() if s.ws is ws), None)
        asked = data.get("guild_id")
        wanted = {str(g) for g in (asked if isinstance(asked, list) else [asked])}
        for guild in self.guilds:
            if session is not None and guild["id"] in wanted:
                chunk = p.members_chunk(guild["id"], guild["members"], data.get("nonce"))
                await session.send(ws, "GUILD_MEMBERS_CHUNK", chunk)
