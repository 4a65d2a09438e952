"""Events per second with several Slack HTTP workers on one PostgreSQL database, against one
worker on SQLite (issue 19): real `python -m bot run --adapter slack` processes on one port
(SO_REUSEPORT) answering the fake Slack on 127.0.0.1; a burst of signed question events,
each delivered twice (Slack's retries); timed from the first delivery until every question
is stored and has its thread intro. Checks that none was lost or doubled.

    python -m bench.scale_bench [--questions 400] [--workers 1,2,4] [--concurrency 32]

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
from typing import Any

import aiohttp

from bot.settings import project_dir
from tests.fakes import slack_objects as o
from tests.fakes import slack_payloads as sp
from tests.fakes.backends import fresh_schema, postgres_dsn
from tests.fakes.slack_server import FakeSlack, fake_slack
from tests.fakes.slack_signing import post_event

READY_TIMEOUT = 60.0
# Slack takes about one message a second per channel, and the bot keeps to it (one bucket per
# channel and process): questions go round the channels, so the pace measured is the bot's.
CHANNELS = 32
COPIES = 2  # each event delivered this many times (Slack retries); --copies


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_env(slack: FakeSlack, folder: Path, port: int, database: str | None) -> dict[str, str]:
    """The environment of one worker: the fake Slack, its own data folder, the shared port."""
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
    return env


async def deliver(url: str, envelope: dict[str, Any]) -> None:
    """Until a worker answers 200."""
    for _ in range(100):
        with contextlib.suppress(aiohttp.ClientError, ConnectionError):
            if (await post_event(url, envelope)).status == 200:
                return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"no worker took {envelope['event_id']}")


async def until(check: Callable[[], Awaitable[bool]], within: float) -> None:
    """Poll until the check holds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        await asyncio.sleep(0.02)


async def one_run(
    workers: int, database: str | None, questions: int, concurrency: int, folder: Path
) -> dict[str, Any]:
    """Start the workers, deliver the burst twice over, time it, check the threads."""
    async with fake_slack() as slack:
        for n in range(CHANNELS):
            slack.workspace.channels[f"C0HELP{n}"] = o.channel(f"C0HELP{n}", f"help-{n}")
        port = free_port()
        procs = []
        for n in range(workers):
            env = worker_env(slack, folder / f"w{n}", port, database)
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
                    stderr=asyncio.subprocess.DEVNULL,
                )
            )
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
            await asyncio.sleep(0.5)  # doubles would show by now
            return {
                "workers": workers,
                "store": "postgresql" if database else "sqlite",
                "questions": questions,
                "deliveries": len(deliveries),
                "seconds": round(seconds, 2),
                "events_per_s": round(questions / seconds, 1),
                "intros": intros(),
                "lost_or_doubled": intros() - questions,
            }
        finally:
            for proc in procs:
                if proc.returncode is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in procs:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(proc.wait(), 30)


async def main_async(questions: int, counts: list[int], concurrency: int) -> list[dict[str, Any]]:
    """SQLite with one worker, then PostgreSQL with each worker count."""
    results = []
    with tempfile.TemporaryDirectory(prefix="entraide-scale-") as tmp:
        folder = Path(tmp)
        results.append(await one_run(1, None, questions, concurrency, folder / "sqlite"))
        print(results[-1], flush=True)
        for workers in counts:
            async with fresh_schema() as (dsn, schema):
                url = f"{dsn}{'&' if '?' in dsn else '?'}search_path={schema}"
                run = await one_run(workers, url, questions, concurrency, folder / f"pg{workers}")
            results.append(run)
            print(results[-1], flush=True)
    return results


def main(argv: list[str] | None = None) -> None:
    """Print one line per run, then a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale_bench")
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--copies", type=int, default=2, help="deliveries of each event")
    args = parser.parse_args(argv)
    global COPIES
    COPIES = args.copies
    counts = [int(n) for n in args.workers.split(",")]
    print(f"PostgreSQL: {postgres_dsn()}; {os.cpu_count()} cores", flush=True)
    results = asyncio.run(main_async(args.questions, counts, args.concurrency))
    print("\n| store | workers | questions | deliveries | seconds | events/s | lost or doubled |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['store']} | {r['workers']} | {r['questions']} | {r['deliveries']} |"
            f" {r['seconds']} | {r['events_per_s']} | {r['lost_or_doubled']} |"
        )


if __name__ == "__main__":
    main()
