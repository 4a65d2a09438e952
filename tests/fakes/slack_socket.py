"""The Socket Mode side of the fake Slack: the websocket, envelopes pushed, acks recorded."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, cast

from aiohttp import WSMsgType, web

from tests.fakes.slack_interactions import socket_envelope
from tests.fakes.slack_payloads import API_APP_ID, Payload


class SocketModeFake:
    """Socket Mode at /socket, and the event-driven waits the whole fake shares."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []  # every frame the Socket Mode client sent
        self.acks: list[dict[str, Any]] = []
        self.connections = 0  # Socket Mode connections accepted so far
        self._ws: web.WebSocketResponse | None = None
        self._port = 0
        self._changed = asyncio.Condition()

    @property
    def socket_url(self) -> str:
        """The Socket Mode URL apps.connections.open hands out."""
        return f"ws://127.0.0.1:{self._port}/socket"

    async def wait_until(self, check: Callable[[], Any], within: float = 5.0) -> Any:
        """Wait until `check()` is truthy (re-checked after every request/frame); return it."""
        async with self._changed:
            return await asyncio.wait_for(self._changed.wait_for(check), within)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for_ack(self, envelope_id: str, within: float = 5.0) -> dict[str, Any]:
        """Wait for the Socket Mode client's ack of an envelope; returns the ack frame."""

        def found() -> dict[str, Any] | None:
            return next((a for a in self.acks if a["envelope_id"] == envelope_id), None)

        return cast(dict[str, Any], await self.wait_until(found, within))

    async def wait_for_connection(self, count: int = 1, within: float = 5.0) -> None:
        """Wait until `count` Socket Mode connections have been accepted in all."""
        await self.wait_until(lambda: self.connections >= count and self._ws is not None, within)

    async def push(self, envelope: Payload, within: float = 5.0) -> str:
        """Send a full Socket Mode envelope once a client is connected; returns its id."""
        await self.wait_for_connection(1, within)
        assert self._ws is not None
        self._pushed(envelope)
        await self._ws.send_json(envelope)
        return str(envelope.get("envelope_id", ""))

    async def push_event(self, payload: Payload, kind: str = "events_api", **envelope: Any) -> str:
        """Wrap `payload` (an event_callback, slash command fields or an interactive payload)
        in an envelope of `kind` and send it; message events are also stored in history."""
        return await self.push(socket_envelope(payload, kind, **envelope))

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect, as Slack does every few hours."""
        if self._ws is not None:
            message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "fake"}}
            await self._ws.send_json(message)

    async def drop_connection(self) -> None:
        """Close the Socket Mode connection from the server side."""
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close()
        await self._notify()

    def _pushed(self, envelope: Payload) -> None:
        """Called before an envelope goes out (the Web API side stores its messages)."""

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: `hello`, then record every frame (acks have an envelope_id)."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        hello = {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {"host": "fake", "build_number": 1, "approximate_connection_time": 3600},
            "connection_info": {"app_id": API_APP_ID},
        }
        await ws.send_json(hello)
        self._ws = ws
        await self._notify()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                frame = json.loads(msg.data)
                self.frames.append(frame)
                if isinstance(frame, dict) and "envelope_id" in frame:
                    self.acks.append(frame)
                await self._notify()
        self._ws = None if self._ws is ws else self._ws
        await self._notify()
        return ws
