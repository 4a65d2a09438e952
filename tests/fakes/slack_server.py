"""A local fake of the Slack Web API, response URLs and Socket Mode, for unmodified slack_sdk/bolt.

Layout: FakeSlack (here: HTTP, recording, failures) extends SocketModeFake (slack_socket);
the methods are WebApi (slack_web_api) over a Workspace (slack_workspace); payloads come from
slack_payloads (events), slack_interactions, slack_objects; HTTP delivery: slack_signing.

Facts found in slack_sdk 3.48.0 / slack_bolt 1.30.0:
- AsyncWebClient(token=..., base_url=fake.api_url): URL = urljoin(base_url, method); the
  client appends the "/" itself. Token sent as `Authorization: Bearer …` (a `token=` arg is
  popped into that header too, e.g. apps.connections.open's xapp- token).
- Args by method: JSON body for chat.postMessage/postEphemeral/update, views.publish; POST
  with a query string (empty form body) for auth.test, chat.delete, reactions.add,
  conversations.open, usergroups.users.update, apps.connections.open; GET + query string for
  chat.getPermalink, reactions.get, conversations.info/history/replies, users.info,
  usergroups.list; api_call(data=...) sends a form. Query/form values are strings: bools
  "1"/"0", lists joined with ",". SlackCall.args merges query + form + JSON, and decodes
  JSON strings in blocks/attachments/view/metadata.
- Default retry handlers retry connection errors only: a 429 raises SlackApiError
  (response.status_code 429, ["error"] "ratelimited", headers["Retry-After"]).
  AsyncRateLimitErrorRetryHandler retries it, sleeping int(Retry-After) + random.random():
  Retry-After 0 still waits up to 1 s (measured 0.05-0.8 s);
  instant_rate_limit_retries(monkeypatch) removes the jitter so retry_after=0 is instant.
- ok:false answers are HTTP 200 and raise SlackApiError (never retried).
- AsyncApp(signing_secret=..., client=AsyncWebClient(...)) takes the token from the client;
  passing token= too only logs a warning. HTTP: AsyncApp.web_app(path) is an aiohttp
  web.Application (slack_bolt.adapter.aiohttp holds only request/response converters).
- Listeners must be `async def` (a lambda returning a coroutine: BoltError at registration).
  app.event("message") gets every subtype; app.shortcut(id) matches message_action too.
- Bolt calls auth.test once, lazily, at the first request; it drops events whose `user` is
  auth.test's user_id or whose bot_id is its bot_id (answering 200): test users != U0BOT.
- Signature: X-Slack-Request-Timestamp more than 300 s off, or a wrong X-Slack-Signature:
  401 `{"error": "invalid request"}`. X-Slack-Retry-Num is not checked: retries are handled.
  url_verification is answered by bolt with `{"challenge": ...}`.
- Socket Mode: SocketModeClient must be built inside a running loop (starts a task and a
  ClientSession in __init__). connect(): apps.connections.open, ws_connect to `url`, a ping;
  `hello` and frames without envelope_id are ignored; `{"type": "disconnect"}` reconnects
  (new apps.connections.open). AsyncSocketModeHandler(app, app_token=...) uses app.client
  unless web_client= is given; use connect_async()/close_async() (start_async sleeps
  forever). Ack frame: {"envelope_id"} (+ "payload" if ack() got content), sent only when
  bolt's status is 200; with process_before_response=False it goes once ack() is called
  (bolt polls every 10 ms, up to 3 s), before the listener ends.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import pytest
from aiohttp import web
from slack_sdk.http_retry import builtin_async_handlers

from tests.fakes.slack_payloads import Payload
from tests.fakes.slack_socket import SocketModeFake
from tests.fakes.slack_web_api import WebApi
from tests.fakes.slack_workspace import too_long

JSON_ARGS = ("blocks", "attachments", "view", "metadata")
RESPONSE_URL = "response_url"  # the `method` of recorded response_url POSTs


@dataclass
class SlackCall:
    """One request the client made: a Web API method, or a POST to a response_url."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    status: int = 200
    answer: dict[str, Any] = field(default_factory=dict)
    target: str = ""  # the response_url id, for RESPONSE_URL calls

    @property
    def token(self) -> str | None:
        """The bearer token sent (or a `token` argument)."""
        auth = self.headers.get("Authorization", "")
        return (
            auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else self.args.get("token")
        )

    @property
    def ok(self) -> bool:
        """Whether the call succeeded (HTTP 200 and `ok: true`)."""
        return self.status == 200 and self.answer.get("ok", True) is True


@dataclass
class Failure:
    """An injected failure for the next `times` calls of a method."""

    error: str
    status: int
    times: int
    retry_after: int


def _decode(args: dict[str, Any]) -> dict[str, Any]:
    """Args with the JSON strings of form-encoded blocks/view/... decoded."""
    for key in JSON_ARGS:
        value = args.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with suppress(ValueError):
                args[key] = json.loads(value)
    return args


class FakeSlack(SocketModeFake):
    """An aiohttp server speaking the Slack Web API, response URLs and Socket Mode."""

    def __init__(self, workspace: WebApi | None = None) -> None:
        super().__init__()
        self.workspace = workspace or WebApi()
        self.calls: list[SlackCall] = []
        self._failures: dict[str, list[Failure]] = {}
        self._answers: dict[str, Callable[[SlackCall], dict[str, Any]]] = {
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._upload_done,
        }
        self._runner: web.AppRunner | None = None
        self.uploads: dict[str, bytes] = {}  # file id -> bytes sent to its upload URL
        # Seconds to wait before answering a call (slow users.info, a busy Slack): 0 = at once.
        self.delay: Callable[[SlackCall], float] = lambda _: 0.0
        self.files_shared: list[dict[str, Any]] = []  # completed uploads, with where and data

    @property
    def api_url(self) -> str:
        """The `base_url` for AsyncWebClient."""
        return f"http://127.0.0.1:{self._port}/api/"

    def response_url(self, response_id: str = "r1") -> str:
        """A response_url served (and recorded) by the fake."""
        return f"http://127.0.0.1:{self._port}/response/{response_id}"

    def calls_to(self, method: str) -> list[SlackCall]:
        """Recorded calls whose method fully matches (a regex; plain names match themselves)."""
        return [c for c in self.calls if re.fullmatch(method, c.method)]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Args of every successful chat.postMessage and chat.postEphemeral."""
        return [c.args for c in self.calls_to(r"chat\.post(Message|Ephemeral)") if c.ok]

    @property
    def responses(self) -> list[SlackCall]:
        """Every POST to a response_url, in order."""
        return self.calls_to(RESPONSE_URL)

    def fail(
        self,
        method: str,
        error: str = "ratelimited",
        status: int | None = None,
        times: int = 1,
        retry_after: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail: `{"ok": false, "error": error}` with
        HTTP `status` (default 429 for ratelimited, else 200); a 429 sends Retry-After."""
        chosen = status if status is not None else (429 if error == "ratelimited" else 200)
        self._failures.setdefault(method, []).append(Failure(error, chosen, times, retry_after))

    def respond(self, method: str, answer: Callable[[SlackCall], dict[str, Any]]) -> None:
        """Answer `method` with `answer(call)` (a full JSON answer) instead of the workspace."""
        self._answers[method] = answer

    async def start(self) -> None:
        """Listen on a random free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{id}", self._response_url)
        app.router.add_post("/upload/{id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def close(self) -> None:
        """Close the Socket Mode connection and stop the server."""
        await self.drop_connection()
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for_call(
        self,
        method: str,
        pattern: str | None = None,
        within: float = 5.0,
        where: Callable[[SlackCall], bool] = lambda _: True,
    ) -> SlackCall:
        """Wait for (or return at once) the first call to `method` whose `text` argument
        contains the regex `pattern` and that passes `where`."""

        def found() -> SlackCall | None:
            return next(
                (
                    c
                    for c in self.calls_to(method)
                    if (pattern is None or re.search(pattern, str(c.args.get("text", ""))))
                    and where(c)
                ),
                None,
            )

        return cast(SlackCall, await self.wait_until(found, within))

    def _pushed(self, envelope: Payload) -> None:
        """Store the message events pushed over Socket Mode, as Slack would have them."""
        self.workspace.seed(envelope.get("payload", {}))

    async def _record(self, call: SlackCall) -> None:
        self.calls.append(call)
        await self._notify()

    def _injected(self, method: str) -> Failure | None:
        pending = self._failures.get(method) or []
        if not pending:
            return None
        failure = pending[0]
        failure.times -= 1
        if failure.times <= 0:
            pending.pop(0)
        return failure

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            args |= body if isinstance(body, dict) else {}
        elif request.method == "POST":
            form = await request.post()
            args |= {k: v for k, v in form.items() if isinstance(v, str)}
        return _decode(args)

    async def _api(self, request: web.Request) -> web.Response:
        """Record a Web API call and answer it: injected failure, token checks, workspace."""
        method = request.match_info["method"]
        call = SlackCall(method, await self._args(request), dict(request.headers))
        if (pause := self.delay(call)) > 0:
            await asyncio.sleep(pause)
        headers: dict[str, str] = {}
        failure = self._injected(method)
        known = method in self.workspace.methods or method in self._answers
        if failure is not None:
            call.status, call.answer = failure.status, {"ok": False, "error": failure.error}
            if failure.status == 429:
                headers["Retry-After"] = str(failure.retry_after)
        elif not known and method != "apps.connections.open":
            call.answer = {"ok": False, "error": "unknown_method"}
        elif not call.token:
            call.answer = {"ok": False, "error": "not_authed"}
        elif call.token.startswith("xapp-") != (method == "apps.connections.open"):
            call.answer = {"ok": False, "error": "not_allowed_token_type"}
        elif method in self._answers:
            call.answer = self._answers[method](call)
        elif method == "apps.connections.open":
            call.answer = {"ok": True, "url": self.socket_url}
        else:
            call.answer = self.workspace.answer(method, call.args)
        await self._record(call)
        return web.json_response(call.answer, status=call.status, headers=headers)

    async def _response_url(self, request: web.Request) -> web.Response:
        """A response_url: records the JSON posted; answers "ok" like Slack (or a failure)."""
        body = await request.json() if request.content_type == "application/json" else {}
        call = SlackCall(RESPONSE_URL, body, dict(request.headers), target=request.match_info["id"])
        failure = self._injected(RESPONSE_URL)
        if failure is not None:
            call.status, call.answer = failure.status, {"ok": False, "error": failure.error}
        elif too_long(body):
            call.status, call.answer = 400, {"ok": False, "error": "msg_too_long"}
        await self._record(call)
        return web.Response(status=call.status, text=call.answer.get("error", "ok"))

    def _upload_url(self, call: SlackCall) -> dict[str, Any]:
        """files.getUploadURLExternal: step 1 of files_upload_v2, a URL on this fake."""
        file_id = f"F{len(self.uploads) + len(self.files_shared) + 1:08d}"
        self.uploads[file_id] = b""
        url = f"http://127.0.0.1:{self._port}/upload/{file_id}"
        return {"ok": True, "upload_url": url, "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        """Step 2: the file's bytes, posted to the upload URL."""
        data = await request.read()
        self.uploads[request.match_info["id"]] = data
        return web.Response(text=f"OK - {len(data)}")

    def _upload_done(self, call: SlackCall) -> dict[str, Any]:
        """files.completeUploadExternal: step 3, the files shared in a channel or thread."""
        files = call.args.get("files")
        listed = json.loads(files) if isinstance(files, str) else list(files or [])
        for entry in listed:
            self.files_shared.append(
                {
                    "id": entry["id"],
                    "title": entry.get("title"),
                    "channel_id": call.args.get("channel_id"),
                    "thread_ts": call.args.get("thread_ts"),
                    "initial_comment": call.args.get("initial_comment"),
                    "data": self.uploads.get(entry["id"], b""),
                }
            )
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in listed]}


def instant_rate_limit_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make AsyncRateLimitErrorRetryHandler sleep exactly Retry-After (no 0-1 s jitter)."""
    monkeypatch.setattr(builtin_async_handlers, "random", SimpleNamespace(random=lambda: 0.0))


@asynccontextmanager
async def fake_slack(workspace: WebApi | None = None) -> AsyncIterator[FakeSlack]:
    """Run a FakeSlack for the duration of the block."""
    fake = FakeSlack(workspace)
    await fake.start()
    try:
        yield fake
    finally:
        with suppress(Exception):
            await fake.close()
