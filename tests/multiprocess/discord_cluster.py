"""Real `python -m bot run --adapter discord` processes splitting the shards of one bot
(issue 19): process k runs shard k of N, all on one database, all against one fake Discord;
stopped with SIGTERM, their exit codes and logs kept (printed when the test fails)."""

from __future__ import annotations

import asyncio
import codecs
import json
import re
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from tests.adapters.discord.test_runner import _start_bot, discord_env
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.discord_shards import help_channel_of, shard_of

TIMEOUT = 30.0
SCOPED = re.compile(r"/(channels|guilds)/(\d+)")  # a REST path about one channel or guild


@dataclass
class ShardProcess:
    """One bot process, the shard it runs, and its log so far."""

    shard: int
    token: str
    process: asyncio.subprocess.Process
    chunks: list[str] = field(default_factory=list)  # its stderr (the log), as read
    # Read all along: a full pipe would block the bot's logging.
    readers: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def log(self) -> str:
        """What it logged so far."""
        return "".join(self.chunks)

    def read(self) -> None:
        """Start reading its output: the log kept, stdout only drained."""
        assert self.process.stderr is not None
        assert self.process.stdout is not None
        self.readers = [
            asyncio.create_task(_read(self.process.stderr, self.chunks)),
            asyncio.create_task(_read(self.process.stdout, [])),
        ]


async def _read(stream: asyncio.StreamReader, sink: list[str]) -> None:
    """Append what `stream` says to `sink` until it ends (UTF-8 split across reads kept)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while chunk := await stream.read(1 << 16):
        sink.append(decoder.decode(chunk))


class DiscordCluster:
    """N processes, one shard each, sharing a database and a fake Discord."""

    def __init__(
        self, fake: FakeDiscord, folder: Path, database_url: str, shards: int, env: dict[str, str]
    ) -> None:
        self.fake, self.folder, self.database_url = fake, folder, database_url
        self.shards, self.env = shards, env
        self.processes: list[ShardProcess] = []
        self.stopped = False

    @staticmethod
    def token(shard: int) -> str:
        """The token process `shard` logs in with: the fake records it on every REST call
        and IDENTIFY, which tells the processes apart (Discord would see one bot token)."""
        return f"fake-token-shard-{shard}"

    async def start(self) -> None:
        """Start every process at once; every guild's #help is a help channel."""
        helps = json.dumps([help_channel_of(g) for g in self.fake.guilds])
        for shard in range(self.shards):
            place = self.folder / f"shard{shard}"
            place.mkdir(exist_ok=True)
            env = discord_env(
                self.fake,
                place,
                ENTRAIDE_DISCORD_TOKEN=self.token(shard),
                ENTRAIDE_DISCORD_SHARDS=str(self.shards),
                ENTRAIDE_DISCORD_SHARD_IDS=str(shard),
                ENTRAIDE_DATABASE_URL=self.database_url,
                ENTRAIDE_COMMUNITY__HELP_CHANNELS=helps,
            )
            process = await _start_bot(env | self.env, "run", "--adapter", "discord")
            self.processes.append(ShardProcess(shard, self.token(shard), process))
            self.processes[-1].read()

    async def stop(self) -> None:
        """SIGTERM to every process still running, then wait for each (killed if it hangs)."""
        if self.stopped:
            return
        self.stopped = True
        for member in self.processes:
            if member.process.returncode is None:
                member.process.send_signal(signal.SIGTERM)
        exits = [asyncio.ensure_future(m.process.wait()) for m in self.processes]
        await asyncio.wait(exits, timeout=TIMEOUT)  # together: one deadline for all
        for member in self.processes:
            if member.process.returncode is None:  # hung on the way out
                with suppress(ProcessLookupError):
                    member.process.kill()
        await asyncio.gather(*exits)
        await asyncio.gather(*(r for m in self.processes for r in m.readers))  # the last lines

    @property
    def exit_codes(self) -> list[int | None]:
        """Each process's exit code, by shard (None while it runs)."""
        return [m.process.returncode for m in self.processes]

    def stopped_cleanly(self) -> bool:
        """Whether every process exited 0 with no traceback in its log."""
        return self.exit_codes == [0] * self.shards and not any(
            "Traceback" in m.log for m in self.processes
        )

    def report(self) -> str:
        """Every process's log, by shard (what a failing test shows)."""
        return "\n".join(f"--- shard {m.shard} ---\n{m.log}" for m in self.processes)

    def misrouted_calls(self) -> list[str]:
        """REST calls about a guild (its channels, threads, members) that came from a process
        not running that guild's shard."""
        wrong = []
        for call in self.fake.calls:
            scoped = SCOPED.match(call.path)
            if scoped is None:
                continue
            kind, some_id = scoped[1], scoped[2]
            guild_id = some_id if kind == "guilds" else self.fake.guild_of(some_id)
            if guild_id is not None and call.token != self.token(shard_of(guild_id, self.shards)):
                wrong.append(f"{call.method} {call.path} by {call.token}")
        return wrong


@asynccontextmanager
async def discord_cluster(
    fake: FakeDiscord, folder: Path, database_url: str, *, shards: int, **env: str
) -> AsyncIterator[DiscordCluster]:
    """`shards` processes on `database_url`, process k running shard k; `env` adds ENTRAIDE_*
    settings. Stopped with SIGTERM on the way out; their logs printed if the block failed."""
    cluster = DiscordCluster(fake, folder, database_url, shards, env)
    try:
        await cluster.start()
        yield cluster
    except BaseException:
        await cluster.stop()
        print(cluster.report())  # pytest shows it with the failure
        raise
    finally:
        await cluster.stop()
