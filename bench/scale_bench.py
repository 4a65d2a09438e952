"""Events per second with several Slack HTTP workers on one PostgreSQL database, against one
worker on SQLite (issue 19): real `python -m bot run --adapter slack` processes on one port
(SO_REUSEPORT) answering the fake Slack on 127.0.0.1; a burst of signed question events,
each delivered twice (Slack's retries); timed from the first delivery until every question
is stored and has its thread intro. Checks that none was lost or doubled.

Timer lateness in the same run (`--lateness`, the default; about a minute more per
configuration): the workers run with a one-minute nudge delay and no SLA escalation, so every
question of the burst gets one nudge timer due a minute after it arrived. Nobody has helped
yet, so each nudge finds no expert and ends at once: what is timed is the scheduler (the
wake-up at the due time, the claim with its lease across processes, the 'done' mark). After
the burst the bench waits until no nudge timer is pending, then reads each one's due and
finish times from the database (tests/queries/timing.py): lateness = finished_at - due_at,
p50, p99 and max; and checks that each question's timer ran exactly once (status done at
the first attempt, one row per question).

    python -m bench.scale_bench [--questions 400] [--workers 1,2,4] [--concurrency 32]
                                [--copies 2] [--lateness | --no-lateness] [--logs DIR]

Needs PostgreSQL at TEST_POSTGRES_DSN (default postgresql://postgres@127.0.0.1:5432/test);
each run uses a fresh schema, dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, BinaryIO

import aiohttp

from bot.settings import project_dir
from bot.storage.db import Database
from bot.storage.postgres import PostgresDatabase
from bot.storage.store import Store
from tests.fakes import slack_objects as o
from tests.fakes import slack_payloads as sp
from tests.fakes.backends import fresh_schema, postgres_dsn
from tests.fakes.slack_server import FakeSlack, fake_slack
from tests.fakes.slack_signing import post_event
from tests.queries.timing import lateness_summary, pending_timers, timer_runs

READY_TIMEOUT = 60.0
# Slack takes about one message a second per channel, and the bot keeps to it (one pace per
# channel, shared by the workers): questions go round the channels. With 32, the burst's
# intros alone need ~9 s (4 at once, then one a second, 12 or 13 a channel), so the figure is
# Slack's pace, whatever the store or the workers; --channels 400 gives each question its
# own channel, and the figure is the bot's.
CHANNELS = 32  # --channels
COPIES = 2  # each event delivered this many times (Slack retries); --copies
LOGS: Path | None = None  # --logs: each worker's stderr kept there (else dropped)
NUDGE = "nudge"  # the nudge timer's kind (bot/cogs/nudges)
NUDGE_DELAY_MINUTES = 1
# How long after the burst the timers may take: their minute, a missed wake-up caught by the
# next tick (60 s) or a lease running out (120 s), and a margin.
TIMERS_WITHIN = 60.0 * NUDGE_DELAY_MINUTES + 60 + 120 + 120


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_env(
    slack: FakeSlack, folder: Path, port: int, database: str | None, lateness: bool = False
) -> dict[str, str]:
    """The environment of one worker: the fake Slack, its own data folder, the shared port;
    with `lateness`, a nudge a minute after each question and no SLA escalation."""
    knowledge = folder / "kb"
    knowledge.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("ENTRAIDE_")}
    env |= {
        "HF_HUB_OFFLINE": "1",
        "ENTRAIDE_SLACK_BOT_TOKEN": sp.BOT_TOKEN,
        "ENTRAIDE_SLACK_SIGNING_SECRET": sp.SIGNING_SECRET,
        "ENTRAIDE_SLACK_API_URL": slack.api_url,
        "ENTRAIDE_SLACK_HOST": "127.0.0.1",
        "ENTRAIDE_SLACK_PORT": str(port),
        "ENTRAIDE_SLACK_REUSE_PORT": "true",
        "ENTRAIDE_RETRIEVAL__DENSE": "false",
        "ENTRAIDE_RETRIEVAL__KNOWLEDGE_DIR": str(knowledge),
        "ENTRAIDE_STORAGE__DB_PATH": str(folder / "data" / "entraide.db"),
        "ENTRAIDE_LOG_LEVEL": "WARNING",
        "ENTRAIDE_COMMUNITY__HELP_CHANNELS": json.dumps([f"help-{n}" for n in range(CHANNELS)]),
    }
    if database is not None:
        env["ENTRAIDE_DATABASE_URL"] = database
    if lateness:
        env["ENTRAIDE_COMMUNITY__NUDGE_DELAY_MINUTES"] = str(NUDGE_DELAY_MINUTES)
        env["ENTRAIDE_COMMUNITY__SLA_MINUTES"] = "0"  # no escalation timer beside the nudge
    return env


async def reader(folder: Path, database: str | None) -> Store:
    """The database the workers share (SQLite: the one worker's file), opened for reading
    back without migrating (the workers did; SQLite's migration check would take its write
    lock once per migration under the worker)."""
    if database is None:
        db: Database | PostgresDatabase = Database(folder / "w0" / "data" / "entraide.db")
    else:
        db = PostgresDatabase(database)
    await db.open([])
    return db


async def timers_fired(store: Store, questions: int, burst_ended: float) -> dict[str, Any]:
    """Wait until no nudge timer is pending, then their lateness and whether each ran once."""

    async def none_pending() -> bool:
        return await pending_timers(store, NUDGE) == 0 and bool(await timer_runs(store, NUDGE))

    started = time.monotonic()
    await until(none_pending, TIMERS_WITHIN, every=0.5)
    summary = lateness_summary(await timer_runs(store, NUDGE), questions)
    summary["timers_s_after_burst"] = round(time.monotonic() - burst_ended, 1)
    summary["timers_waited_s"] = round(time.monotonic() - started, 1)
    return summary


def worker_log(name: str, env: dict[str, str]) -> BinaryIO | None:
    """With --logs, a file for the worker's log (at INFO); else None (dropped)."""
    if LOGS is None:
        return None
    env["ENTRAIDE_LOG_LEVEL"] = "INFO"
    return (LOGS / f"{name}.log").open("wb")


async def deliver(url: str, envelope: dict[str, Any]) -> None:
    """Until a worker answers 200."""
    for _ in range(100):
        with contextlib.suppress(aiohttp.ClientError, ConnectionError):
            if (await post_event(url, envelope)).status == 200:
                return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"no worker took {envelope['event_id']}")


async def until(check: Callable[[], Awaitable[bool]], within: float, every: float = 0.02) -> None:
    """Poll until the check holds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        await asyncio.sleep(every)


async def one_run(
    workers: int,
    database: str | None,
    questions: int,
    concurrency: int,
    folder: Path,
    lateness: bool = True,
) -> dict[str, Any]:
    """Start the workers, deliver the burst twice over, time it, check the threads; with
    `lateness`, wait for the nudge timers and measure how late they ran."""
    async with fake_slack() as slack:
        for n in range(CHANNELS):
            slack.workspace.channels[f"C0HELP{n}"] = o.channel(f"C0HELP{n}", f"help-{n}")
        port = free_port()
        procs = []
        for n in range(workers):
            env = worker_env(slack, folder / f"w{n}", port, database, lateness)
            log = worker_log(f"{'postgresql' if database else 'sqlite'}-{workers}w-{n}", env)
            procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot",
                    "run",
                    "--adapter",
                    "slack",
                    cwd=project_dir("."),
                    env=env,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=log or asyncio.subprocess.DEVNULL,
                )
            )
            if log is not None:
                log.close()  # the worker holds its own copy
        store: Store | None = None
        try:

            async def listening() -> bool:
                with contextlib.suppress(aiohttp.ClientError, ConnectionError):
                    async with (
                        aiohttp.ClientSession() as session,
                        session.get(f"http://127.0.0.1:{port}/healthz") as answer,
                    ):
                        return answer.status == 200 and len(slack.calls_to("auth.test")) >= workers
                return False

            await until(listening, READY_TIMEOUT)
            await asyncio.sleep(1.0)  # the last worker's token check comes before it listens
            store = await reader(folder, database) if lateness else None
            url = f"http://127.0.0.1:{port}/slack/events"
            envelopes = [
                sp.event_callback(
                    sp.message(f"Benchmark question {n}?", channel_id=f"C0HELP{n % CHANNELS}")
                )
                for n in range(questions)
            ]
            deliveries = [e for e in envelopes for _ in range(COPIES)]
            gate = asyncio.Semaphore(concurrency)

            async def send(envelope: dict[str, Any]) -> None:
                async with gate:
                    await deliver(url, envelope)

            def intros() -> int:
                return sum(
                    "is open" in str(c.args.get("text", ""))
                    for c in slack.calls_to("chat.postMessage")
                )

            started = time.monotonic()
            await asyncio.gather(*(send(e) for e in deliveries))

            async def all_answered() -> bool:
                return intros() >= questions

            await until(all_answered, 600.0)
            seconds = time.monotonic() - started
            burst_ended = time.monotonic()
            await asyncio.sleep(0.5)  # doubles would show by now
            result: dict[str, Any] = {
                "workers": workers,
                "store": "postgresql" if database else "sqlite",
                "questions": questions,
                "deliveries": len(deliveries),
                "seconds": round(seconds, 2),
                "events_per_s": round(questions / seconds, 1),
                "intros": intros(),
                "lost_or_doubled": intros() - questions,
            }
            if store is not None:
                result |= await timers_fired(store, questions, burst_ended)
                # A late nudge could still post (nobody to nudge here: it must not).
                result["intros_after_timers"] = intros()
            return result
        finally:
            if store is not None:
                await store.close()
            for proc in procs:
                if proc.returncode is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in procs:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(proc.wait(), 30)


async def main_async(
    questions: int, counts: list[int], concurrency: int, lateness: bool
) -> list[dict[str, Any]]:
    """SQLite with one worker, then PostgreSQL with each worker count."""
    results = []
    with tempfile.TemporaryDirectory(prefix="entraide-scale-") as tmp:
        folder = Path(tmp)
        results.append(await one_run(1, None, questions, concurrency, folder / "sqlite", lateness))
        print(json.dumps(results[-1]), flush=True)
        for workers in counts:
            async with fresh_schema() as (dsn, schema):
                url = f"{dsn}{'&' if '?' in dsn else '?'}search_path={schema}"
                run = await one_run(
                    workers, url, questions, concurrency, folder / f"pg{workers}", lateness
                )
            results.append(run)
            print(json.dumps(results[-1]), flush=True)
    return results


def table(results: list[dict[str, Any]], lateness: bool) -> str:
    """The Markdown table of the runs (with the timers' columns when measured)."""
    head = "| store | workers | questions | deliveries | seconds | events/s | lost or doubled |"
    rule = "|---|---|---|---|---|---|---|"
    if lateness:
        head += " nudge timers | lateness p50 | p99 | max | each ran once |"
        rule += "---|---|---|---|---|"
    lines = [head, rule]
    for r in results:
        line = (
            f"| {r['store']} | {r['workers']} | {r['questions']} | {r['deliveries']} |"
            f" {r['seconds']} | {r['events_per_s']} | {r['lost_or_doubled']} |"
        )
        if lateness:
            once = "yes" if r["fired_once"] else f"NO: {r['statuses']}, {r['done_first_try']}"
            line += (
                f" {r['timers']} | {r.get('late_p50_s', '-')} s | {r.get('late_p99_s', '-')} s |"
                f" {r.get('late_max_s', '-')} s | {once} |"
            )
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print one line per run, then a table."""
    global COPIES, LOGS, CHANNELS
    parser = argparse.ArgumentParser(prog="python -m bench.scale_bench")
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--copies", type=int, default=2, help="deliveries of each event")
    parser.add_argument(
        "--lateness",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the nudge timers (about a minute more per configuration)",
    )
    parser.add_argument("--logs", type=Path, help="keep each worker's log (INFO) in this folder")
    parser.add_argument(
        "--channels", type=int, default=CHANNELS, help="help channels the questions go round"
    )
    args = parser.parse_args(argv)
    COPIES, LOGS, CHANNELS = args.copies, args.logs, args.channels
    if LOGS is not None:
        LOGS.mkdir(parents=True, exist_ok=True)
    counts = [int(n) for n in args.workers.split(",")]
    load = "/".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"PostgreSQL: {postgres_dsn()}; {os.cpu_count()} cores; load {load}", flush=True)
    results = asyncio.run(main_async(args.questions, counts, args.concurrency, args.lateness))
    print("\n" + table(results, args.lateness))
    print(json.dumps(results))
    print(f"load at the end: {'/'.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
