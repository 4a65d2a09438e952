"""Two Slack HTTP workers, as real `python -m bot run` processes, on one port and one
PostgreSQL database (issue 19): questions and ✅ delivered twice each (Slack's retries) reach
either worker; one worker is killed with SIGKILL half-way; every question still gets its
thread once and every ✅ counts once; and a timer whose worker dies while sending fires once
from the other within its lease. Skipped, saying so, when PostgreSQL doesn't answer."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from bot.storage.postgres import PostgresDatabase
from tests import queries as q
from tests.adapters.discord.test_runner import _start_bot
from tests.adapters.slack.test_runner import slack_env
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_server import FakeSlack, SlackCall
from tests.fakes.slack_signing import post_event
from tests.fakes.waiting import until
from tests.storage.postgres_fixtures import PgSchema

TIMEOUT = 30.0
LEASE_SECONDS = 5
QUESTIONS = 4  # under the pair limit (5 marks a day from one member to another)


async def deliver(url: str, envelope: dict[str, object]) -> None:
    """As Slack does: again until a worker answers 200 (one may have just died)."""
    for _ in range(50):
        with contextlib.suppress(aiohttp.ClientError, ConnectionError):
            if (await post_event(url, envelope)).status == 200:
                return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no worker took {envelope['event_id']}")


@contextlib.asynccontextmanager
async def slack_workers(
    slack_server: FakeSlack, pg_schema: PgSchema, tmp_path: Path, **extra: str
) -> AsyncIterator[tuple[list[asyncio.subprocess.Process], str, PostgresDatabase]]:
    """Two `python -m bot run --adapter slack` workers on one port (SO_REUSEPORT) and one
    PostgreSQL schema, listening; yields them, the events URL and the database."""
    url_db = f"{pg_schema.dsn}?search_path={pg_schema.schema}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workers = []
    for n in range(2):
        folder = tmp_path / f"worker{n}"
        folder.mkdir()
        env = slack_env(
            slack_server,
            folder,
            socket_mode=False,
            ENTRAIDE_SLACK_PORT=str(port),
            ENTRAIDE_SLACK_REUSE_PORT="true",
            ENTRAIDE_DATABASE_URL=url_db,
            **extra,
        )
        workers.append(await _start_bot(env, "run", "--adapter", "slack"))
    db = PostgresDatabase(pg_schema.dsn, schema=pg_schema.schema)
    await db.open()  # the workers' migrations, applied once whoever starts first
    try:

        async def both_listening() -> bool:
            return len(slack_server.calls_to("auth.test")) >= 2

        await until(both_listening, TIMEOUT)
        await asyncio.sleep(1.0)  # the token check comes just before listening
        yield workers, f"http://127.0.0.1:{port}/slack/events", db
    finally:
        await db.close()
        for worker in workers:
            if worker.returncode is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            await asyncio.wait_for(worker.communicate(), TIMEOUT)


async def test_two_workers_one_killed_every_question_and_mark_once(
    slack_server: FakeSlack, pg_schema: PgSchema, tmp_path: Path
) -> None:
    """Every delivery twice, to either worker; one worker SIGKILLed half-way."""
    async with slack_workers(slack_server, pg_schema, tmp_path) as (workers, events, db):
        await ask_answer_and_mark_through_two_workers(slack_server, workers, events, db)


async def ask_answer_and_mark_through_two_workers(
    slack_server: FakeSlack,
    workers: list[asyncio.subprocess.Process],
    events: str,
    db: PostgresDatabase,
) -> None:
    """QUESTIONS questions, their answers and ✅ marks, each delivered twice to either
    worker, workers[0] SIGKILLed once the questions are in: one intro a question, one mark
    a ✅ (the database may hold other platforms' rows: counted from where they stood)."""
    before = (
        await q.question_count(db),
        await q.rows_in(db, "answers"),
        await q.mark_count(db),
    )
    questions = [sp.message(f"How do I do thing {n}?") for n in range(QUESTIONS)]
    asked = [sp.event_callback(q) for q in questions]
    await asyncio.gather(*(deliver(events, e) for e in asked + asked))

    def intros() -> list[str]:
        return [
            c.args["thread_ts"]
            for c in slack_server.calls_to("chat.postMessage")
            if "is open" in str(c.args.get("text", ""))
        ]

    async def asked_all() -> bool:
        return await q.question_count(db) == before[0] + QUESTIONS and len(intros()) >= QUESTIONS

    await until(asked_all, TIMEOUT)
    # Half-way, between two events: the other worker goes on alone. (Killed in the middle
    # of an event, a worker loses what it had left to do: Slack had its ack already.)
    workers[0].send_signal(signal.SIGKILL)
    await workers[0].wait()

    replies = [sp.message("Here is how.", user_id=sp.BOB, thread_ts=q["ts"]) for q in questions]
    answered = [sp.event_callback(r) for r in replies]
    await asyncio.gather(*(deliver(events, e) for e in answered + answered))

    async def answered_all() -> bool:
        return await q.rows_in(db, "answers") == before[1] + QUESTIONS

    await until(answered_all, TIMEOUT)
    marks = [sp.event_callback(sp.reaction(r, user_id=sp.ALICE)) for r in replies]
    await asyncio.gather(*(deliver(events, e) for e in marks + marks))

    async def marked_all() -> bool:
        return await q.mark_count(db) == before[2] + QUESTIONS

    await until(marked_all, TIMEOUT)
    await asyncio.sleep(0.5)  # a doubled mark or thread would have come by now
    assert sorted(intros()) == sorted(q["ts"] for q in questions)
    assert await q.mark_count(db) == before[2] + QUESTIONS
    # points_helpful, each ✅ once
    assert await q.stored_total(db, sp.BOB) == QUESTIONS * 10


async def test_a_timer_whose_worker_dies_mid_send_fires_once_from_the_other(
    slack_server: FakeSlack, pg_schema: PgSchema, tmp_path: Path
) -> None:
    """SLA 1 minute, leases of 5 s, a tick a second: the worker that claims the escalation
    is SIGKILLed while Slack holds its staff card; the other worker, once the lease runs
    out, posts the card once, and the question has one escalation."""
    held: list[SlackCall] = []
    sent = asyncio.Event()

    def hold_first_card(call: SlackCall) -> float:
        if call.method != "chat.postMessage" or call.args.get("channel") != sp.STAFF or held:
            return 0.0
        held.append(call)
        sent.set()
        return 3.0  # long enough to kill its sender before it hears back

    slack_server.delay = hold_first_card
    fast = {
        "ENTRAIDE_COMMUNITY__SLA_MINUTES": "1",
        "ENTRAIDE_SCHEDULER__TICK_SECONDS": "1",
        "ENTRAIDE_SCHEDULER__LEASE_SECONDS": f"{LEASE_SECONDS}",
    }
    async with slack_workers(slack_server, pg_schema, tmp_path, **fast) as (workers, events, db):
        question = sp.message("Why does sync stop at night?")
        await deliver(events, sp.event_callback(question))
        await asyncio.wait_for(sent.wait(), 90.0)  # the SLA, a minute after the question
        owner = await q.lease_owner(db, "escalate")
        assert owner is not None  # the card is on its way: the timer is claimed
        pid = int(owner.split(":")[1])
        (dying,) = [w for w in workers if w.pid == pid]
        dying.send_signal(signal.SIGKILL)
        await dying.wait()
        killed_at = time.monotonic()

        def cards_after_the_kill() -> list[SlackCall]:
            return [
                c
                for c in slack_server.calls_to("chat.postMessage")
                if c.args.get("channel") == sp.STAFF and c not in held
            ]

        card = await slack_server.wait_until(lambda: next(iter(cards_after_the_kill()), None), 30)
        fired_after = time.monotonic() - killed_at
        await asyncio.sleep(1.5)  # a second card would come within a tick

        async def done() -> bool:
            return await q.timer_status(db, "escalate") == "done"

        await until(done, TIMEOUT)
        assert len(cards_after_the_kill()) == 1
        assert "Q1" in str(card.args)
        assert await q.escalation_count(db) == 1
        # The lease ran out, then a tick of the other worker: within the lease and 2 ticks.
        assert fired_after < LEASE_SECONDS + 2 + 1, fired_after
