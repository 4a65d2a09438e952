"""Running Entraide on Slack: check the tokens at start, then Socket Mode or the signed HTTP
endpoint (POST /slack/events, GET /healthz) until stop(); then close cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets

from aiohttp import web

from bot.adapters.slack.adapter import SlackAdapter
from bot.adapters.slack.checks import check_tokens
from bot.runtime.app import App
from bot.runtime.serve import PlatformRefused, done_before
from bot.settings import Settings

log = logging.getLogger(__name__)

EVENTS_PATH, HEALTH_PATH = "/slack/events", "/healthz"
DRAIN_TIMEOUT = 10.0  # seconds an event being handled gets to finish at stop


class SlackRunner:
    """Serves one SlackAdapter, over Socket Mode when an app token is set, else over HTTP."""

    def __init__(self, app: App, settings: Settings) -> None:
        if settings.slack_bot_token is None:
            raise PlatformRefused("ENTRAIDE_SLACK_BOT_TOKEN is not set")
        self.settings = settings
        self.app_token = settings.slack_app_token
        secret = settings.slack_signing_secret
        if self.app_token is None and secret is None:
            raise PlatformRefused(
                "Slack needs ENTRAIDE_SLACK_APP_TOKEN (Socket Mode) or"
                " ENTRAIDE_SLACK_SIGNING_SECRET (HTTP mode: api.slack.com/apps › your app ›"
                " Basic Information › Signing Secret)"
            )
        # Bolt skips signature checks for Socket Mode requests, so there the secret is never
        # used; a random one means nothing could be verified against it if HTTP were served.
        signing = secret.get_secret_value() if secret else secrets.token_urlsafe(32)
        self.adapter = SlackAdapter(
            app,
            token=settings.slack_bot_token.get_secret_value(),
            signing_secret=signing,
            api_url=settings.slack_api_url,
            admins=tuple(settings.slack_admins),
            staff=tuple(settings.slack_staff),
        )
        # Attached now, before app.start(): overdue timers may want to send at once.
        app.add_adapter(self.adapter)
        self.listening = asyncio.Event()  # set once Slack can reach the bot
        self.port: int | None = None  # HTTP mode: the port bound (slack_port may be 0)
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Ask run() to disconnect and return (safe from a signal handler)."""
        self._stopping.set()

    async def prepare(self) -> None:
        """Check the tokens now, so a bad one is reported at start, not at the first event."""
        app_token = self.app_token.get_secret_value() if self.app_token else None
        await check_tokens(self.adapter, app_token)

    async def ready(self) -> None:
        """Return once Slack can reach the bot (HTTP listening, or Socket Mode connected)."""
        await self.listening.wait()

    def alive(self) -> bool:
        """Listening (HTTP) or connected (Socket Mode; slack_sdk reconnects by itself)."""
        return self.listening.is_set() and not self._stopping.is_set()

    async def run(self) -> None:
        """Serve until stop(), then wait for the event being handled."""
        try:
            if self._stopping.is_set():
                return
            if self.app_token is not None:
                await self._socket_mode(self.app_token.get_secret_value())
            else:
                await self._http()
        finally:
            await self._drain()

    async def _socket_mode(self, app_token: str) -> None:
        connecting = asyncio.ensure_future(self.adapter.connect_socket_mode(app_token))
        try:
            if await done_before(connecting, self._stopping):
                connecting.result()
                log.info("Slack: connected over Socket Mode")
                self.listening.set()
                await self._stopping.wait()
        finally:
            connecting.cancel()  # still retrying a connection: no more
            await self.adapter.close()

    async def _http(self) -> None:
        site_app = self.adapter.web_app(EVENTS_PATH)
        site_app.router.add_get(HEALTH_PATH, _healthy)
        runner = web.AppRunner(site_app, handle_signals=False, shutdown_timeout=DRAIN_TIMEOUT)
        await runner.setup()
        host, port = self.settings.slack_host, self.settings.slack_port
        try:
            try:
                reuse = self.settings.slack_reuse_port or None
                await web.TCPSite(runner, host, port, reuse_port=reuse).start()
            except OSError as exc:
                raise PlatformRefused(
                    f"cannot listen on {host}:{port} for Slack ({exc.strerror or exc}):"
                    " choose another slack_port or slack_host"
                ) from None
            self.port = int(runner.addresses[0][1])
            shared = ", shared with other workers" if self.settings.slack_reuse_port else ""
            log.info("Slack: HTTP mode on %s:%d (%s%s)", host, self.port, EVENTS_PATH, shared)
            self.listening.set()
            await self._stopping.wait()
        finally:
            await runner.cleanup()

    async def _drain(self) -> None:
        """Events already received are handled before the app stops."""
        await self.adapter.drain(DRAIN_TIMEOUT)


async def _healthy(request: web.Request) -> web.Response:
    """GET /healthz for load balancers: the process is up and serving."""
    return web.Response(text="ok")


def attach(app: App, settings: Settings, scope: contextlib.ExitStack) -> SlackRunner:
    """A runner for `app` on Slack (the scope is unused: slack_sdk keeps no global state)."""
    return SlackRunner(app, settings)
