"""`python -m bot health` (Docker's HEALTHCHECK): against a real run on the fake Discord and
the fake Slack in HTTP mode, then with the heartbeat stale, the server gone, the database
missing or unreadable."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.runtime import heartbeat
from bot.runtime.serve import serve
from bot.settings import load_settings
from tests.adapters.discord.test_runner import FAST, discord_env
from tests.adapters.slack.test_runner import slack_env
from tests.cli.test_main import ROOT
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.slack_server import FakeSlack

TIMEOUT = 10.0


@dataclass(frozen=True)
class Checked:
    """What `python -m bot health` said."""

    code: int
    out: str
    err: str


async def health(db: Path, env: dict[str, str] | None = None) -> Checked:
    """Run `python -m bot health --db DB` in its own process, as Docker does."""
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith("ENTRAIDE_")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "health",
        "--db",
        str(db),
        cwd=ROOT,
        env=clean | (env or {}),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), TIMEOUT * 3)
    assert proc.returncode is not None
    return Checked(proc.returncode, out.decode(), err.decode())


async def stop(task: asyncio.Task[None]) -> None:
    """SIGINT, as an operator would; serve() returns."""
    os.kill(os.getpid(), signal.SIGINT)
    await asyncio.wait_for(task, TIMEOUT)


@pytest.mark.sqlite_file  # health --db FILE
async def test_healthy_while_connected_to_discord_unhealthy_once_the_beat_is_stale(
    discord_server: FakeDiscord, tmp_path: Path
) -> None:
    """A real run on the fake Discord writes its heartbeat once connected: health exits 0
    naming Discord. A heartbeat 10 minutes old (a hung process, a lost gateway): exit 1 with
    one line saying so."""
    db = tmp_path / "entraide.db"
    settings = load_settings(environ=discord_env(discord_server, tmp_path))
    written = asyncio.Event()
    task = asyncio.create_task(
        serve(
            settings,
            db_path=db,
            platforms=("discord",),
            options={"discord": FAST},
            beat_written=written,
        )
    )
    try:
        await asyncio.wait_for(written.wait(), TIMEOUT)
        ok = await health(db)
        heartbeat.write(heartbeat.path_for(db), ["discord"], at=time.time() - 600)
        stale = await health(db)
    finally:
        await stop(task)
    assert ok.code == 0, ok.err
    assert "Discord" in ok.out
    assert stale.code == 1
    assert len(stale.err.strip().splitlines()) == 1, stale.err
    assert "last heartbeat 6" in stale.err  # 600 s and the time health took to start


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.sqlite_file  # health --db FILE
async def test_slack_http_mode_is_checked_on_healthz(
    slack_server: FakeSlack, tmp_path: Path
) -> None:
    """Slack over HTTP: health also GETs /healthz on the configured port; with the server
    gone (and a fresh heartbeat), it is unhealthy and names the URL."""
    db = tmp_path / "entraide.db"
    port = str(free_port())
    env = slack_env(slack_server, tmp_path, socket_mode=False, ENTRAIDE_SLACK_PORT=port)
    written = asyncio.Event()
    task = asyncio.create_task(
        serve(load_settings(environ=env), db_path=db, platforms=("slack",), beat_written=written)
    )
    try:
        await asyncio.wait_for(written.wait(), TIMEOUT)
        ok = await health(db, env)
    finally:
        await stop(task)
    heartbeat.write(heartbeat.path_for(db), ["slack"])  # fresh: only /healthz is wrong
    gone = await health(db, env)
    assert ok.code == 0, ok.err
    assert "Slack" in ok.out
    assert gone.code == 1
    assert f"127.0.0.1:{port}/healthz" in gone.err


async def make_database(path: Path) -> None:
    """A migrated Entraide database."""
    from bot.storage.db import Database

    db = Database(path)
    await db.open()
    await db.close()


async def test_no_heartbeat_yet_is_unhealthy(tmp_path: Path) -> None:
    """A database but no heartbeat (never connected, or the console): exit 1, saying so."""
    db = tmp_path / "entraide.db"
    await make_database(db)
    checked = await health(db)
    assert checked.code == 1
    assert "no heartbeat" in checked.err


def test_a_missing_or_unreadable_database_is_unhealthy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No file, a text file, a folder: exit 1 with one line naming the path, even with a
    fresh heartbeat."""
    cases = {
        tmp_path / "missing.db": "no database at",
        tmp_path / "notes.db": "not an SQLite database",
        tmp_path / "folder": "it is a folder",
    }
    (tmp_path / "notes.db").write_text("not a database " * 40, encoding="utf-8")
    (tmp_path / "folder").mkdir()
    for db, words in cases.items():
        heartbeat.write(heartbeat.path_for(db), ["discord"])
        assert main(["health", "--db", str(db)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert words in err
        assert str(db) in err


def test_a_database_without_our_tables_is_unhealthy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An SQLite file that isn't Entraide's: the database does not answer our query."""
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x)")
    heartbeat.write(heartbeat.path_for(db), ["discord"])
    assert main(["health", "--db", str(db)]) == 1
    assert "does not answer" in capsys.readouterr().err


def test_the_image_checks_health_and_keeps_its_data_in_one_named_volume() -> None:
    """The Dockerfile's HEALTHCHECK runs this command, its one VOLUME is /app/data (which
    holds the knowledge overlay), and the README mounts it under one name everywhere."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line.strip() for line in dockerfile.replace("\\\n", " ").splitlines()]
    checks = [line for line in lines if line.startswith("HEALTHCHECK")]
    assert len(checks) == 1
    assert checks[0].endswith('CMD ["python", "-m", "bot", "health"]')
    assert [line for line in lines if line.startswith("VOLUME")] == ['VOLUME ["/app/data"]']
    assert "/app/data/knowledge" in dockerfile
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    mounts = re.findall(r"-v\s+(\S+):/app/data", readme)
    assert mounts
    assert set(mounts) == {"entraide-data"}
