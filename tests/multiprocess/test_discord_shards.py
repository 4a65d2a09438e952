"""Discord shards split across processes on one PostgreSQL database (issue 19).

Three real `python -m bot run --adapter discord` processes, process k running shard k of 3,
and three guilds, one on each shard. Each process gets only its guild; questions, answers
and ✅ marks, each delivered twice (a RESUME replay), count once, handled by the process of
the guild's shard; after a restart, posts made while every process was away are swept by
their guild's process only. Skipped, saying so, when PostgreSQL doesn't answer.

The first test checks the fake itself: one gateway session per shard, with in-process clients.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord

from bot.storage.postgres import PostgresDatabase
from tests import queries as q
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord, fake_discord
from tests.fakes.discord_shards import guild_on_shard, help_channel_of, member_of
from tests.fakes.waiting import until
from tests.multiprocess.discord_cluster import DiscordCluster, discord_cluster
from tests.storage.postgres_fixtures import PgSchema

SHARDS = 3
LIVE = 2  # questions asked live in each guild (under the pair limit of 5 marks a day)
POINTS_HELPFUL = 10  # config/default.toml: reputation.points_helpful
SETTLE = 1.0  # seconds for a doubled thread or mark to show, before asserting there is none
THREADS = re.compile(r"/channels/\d+/messages/(\d+)/threads")
Payload = dict[str, Any]


@dataclass
class Guild:
    """One guild on its shard, with the member who asks there and the one who answers."""

    shard: int
    payload: Payload
    asker: Payload
    helper: Payload
    questions: list[Payload] = field(default_factory=list)
    replies: list[Payload] = field(default_factory=list)

    @classmethod
    def on(cls, shard: int) -> Guild:
        """A guild on `shard`, with its own members."""
        payload = guild_on_shard(shard, SHARDS)
        asker = member_of(payload, 0, f"asker{shard}")
        helper = member_of(payload, 1, f"helper{shard}")
        return cls(shard, payload, asker, helper)

    @property
    def id(self) -> str:
        """The guild's id."""
        return str(self.payload["id"])

    def question(self, text: str) -> Payload:
        """The asker's post in this guild's #help."""
        made = p.message_create(
            f"[{self.id}] {text}",
            author=self.asker,
            channel_id=help_channel_of(self.payload),
            guild_id=self.id,
        )
        self.questions.append(made)
        return made

    def reply(self, question: Payload) -> Payload:
        """The helper's answer in the question's thread (it has the question's id)."""
        made = p.message_create(
            "Settings › Privacy › Export, then wait for the e-mail.",
            author=self.helper,
            channel_id=question["id"],
            guild_id=self.id,
        )
        self.replies.append(made)
        return made

    def mark(self, reply: Payload) -> Payload:
        """The asker's ✅ on the helper's answer."""
        return p.reaction(
            reply["id"],
            "✅",
            user_id=self.asker["id"],
            channel_id=reply["channel_id"],
            guild_id=self.id,
            author_id=self.helper["id"],
        )


def opened_threads(fake: FakeDiscord) -> dict[str, list[str]]:
    """Message id → tokens of the processes that opened a thread on it."""
    opened: dict[str, list[str]] = {}
    for call in fake.calls_to("POST", THREADS.pattern):
        message_id = THREADS.fullmatch(call.path)[1]  # type: ignore[index]
        opened.setdefault(message_id, []).append(call.token)
    return opened


def expected_threads(guilds: list[Guild]) -> dict[str, list[str]]:
    """One thread per question, opened by the process of its guild's shard."""
    return {m["id"]: [DiscordCluster.token(g.shard)] for g in guilds for m in g.questions}


def assert_identified_once_each(fake: FakeDiscord, guilds: list[Guild], since: int) -> None:
    """Since IDENTIFY number `since`: each process once, as its shard, READY listing only
    its guild."""
    identified = fake.identified[since:]
    assert sorted((d["token"], d["shard"]) for d in identified) == [
        (DiscordCluster.token(k), [k, SHARDS]) for k in range(SHARDS)
    ]
    for guild in guilds:
        session = fake.sessions[guild.shard]
        assert session.identify["token"] == DiscordCluster.token(guild.shard)
        assert session.guild_ids == [guild.id]


async def test_each_shard_session_gets_only_its_guilds_events() -> None:
    """The fake: a client per shard sees only its guild; a guild's message reaches its
    shard's client alone, a DM shard 0's; a dropped shard resumes, replaying what it missed."""
    guilds = [guild_on_shard(shard, SHARDS) for shard in range(SHARDS)]
    received: list[list[str]] = [[] for _ in range(SHARDS)]  # contents, by client
    async with fake_discord(guilds=guilds) as fake:
        clients = [_client(shard, received[shard]) for shard in range(SHARDS)]
        tasks = [asyncio.create_task(c.start("fake-token")) for c in clients]
        try:
            await asyncio.wait_for(asyncio.gather(*(c.wait_until_ready() for c in clients)), 5)
            assert [[str(g.id) for g in c.guilds] for c in clients] == [[g["id"]] for g in guilds]
            for client, guild in zip(clients, guilds, strict=True):
                got = await _delivered(fake, client, _post(guild, f"In {guild['name']}?"))
                assert got.guild is not None
                assert str(got.guild.id) == guild["id"]
            dm = p.message_create("hello bot", channel_id=p.snowflake(), guild_id=None)
            assert (await _delivered(fake, clients[0], dm)).guild is None
            missed = _post(guilds[2], "Posted while shard 2 was away")
            fake.miss("MESSAGE_CREATE", missed)
            resumed = clients[2].wait_for("message", timeout=5)
            await fake.drop_connection(shard=2)
            assert (await resumed).content == missed["content"]
            assert (fake.identifies, len(fake.resumes)) == (SHARDS, 1)
            assert fake.resumes[0]["session_id"] == fake.sessions[2].session_id
            assert received == [
                [f"In {guilds[0]['name']}?", "hello bot"],
                [f"In {guilds[1]['name']}?"],
                [f"In {guilds[2]['name']}?", missed["content"]],
            ]
            assert fake.unknown_calls == []
        finally:
            for client in clients:
                await client.close()
            await asyncio.wait(tasks, timeout=5)


def _client(shard: int, received: list[str]) -> discord.Client:
    """A plain client for one shard of SHARDS, noting the content of each message it gets."""
    intents = discord.Intents.none()
    intents.guilds = intents.messages = intents.message_content = True
    client = discord.Client(
        intents=intents, shard_id=shard, shard_count=SHARDS, guild_ready_timeout=0.1
    )

    async def on_message(message: discord.Message) -> None:
        received.append(message.content)

    client.event(on_message)
    return client


def _post(guild: Payload, text: str) -> Payload:
    """Alice's MESSAGE_CREATE in the guild's #help."""
    return p.message_create(text, channel_id=help_channel_of(guild), guild_id=guild["id"])


async def _delivered(fake: FakeDiscord, client: discord.Client, data: Payload) -> discord.Message:
    """Dispatch a MESSAGE_CREATE; the message as `client` received it."""
    waiter = asyncio.ensure_future(client.wait_for("message", timeout=5))
    await fake.dispatch("MESSAGE_CREATE", data)
    return await waiter


async def test_three_shard_processes_count_everything_once_on_one_database(
    pg_schema: PgSchema, tmp_path: Path
) -> None:
    """Shard k's process handles guild k alone: one thread per question, one mark per ✅,
    through duplicates and a restart; the restart's sweep asks each missed post once."""
    guilds = [Guild.on(shard) for shard in range(SHARDS)]
    fake = FakeDiscord(guilds=[g.payload for g in guilds], announce_threads=True)
    await fake.start()
    url = f"{pg_schema.dsn}?search_path={pg_schema.schema}"
    db = PostgresDatabase(pg_schema.dsn, schema=pg_schema.schema)
    try:
        async with discord_cluster(fake, tmp_path, url, shards=SHARDS) as cluster:
            await fake.wait_for_identify(SHARDS, within=30)
            await db.open()  # the processes' migrations, applied by whoever came first
            assert_identified_once_each(fake, guilds, since=0)
            await _ask_answer_and_mark(fake, db, guilds)
            await asyncio.sleep(SETTLE)
            await _assert_asked_once_each(fake, db, guilds)
            await _assert_marked_once_each(db, guilds)
            assert cluster.misrouted_calls() == []
            assert len(fake.identified) == SHARDS  # nobody had to identify again
        assert cluster.stopped_cleanly(), cluster.report()

        for guild in guilds:  # every process is away
            fake.post_while_away(guild.question("Can I export while my account is locked?"))
        async with discord_cluster(fake, tmp_path, url, shards=SHARDS) as cluster:
            await fake.wait_for_identify(2 * SHARDS, within=30)
            assert_identified_once_each(fake, guilds, since=SHARDS)

            async def swept() -> bool:
                return await q.threaded_question_count(db) == SHARDS * (LIVE + 1)

            await until(swept)
            await asyncio.sleep(SETTLE)
            await _assert_asked_once_each(fake, db, guilds)  # the missed posts too
            await _assert_marked_once_each(db, guilds)  # the sweep's re-read changed nothing
            assert cluster.misrouted_calls() == []
            assert len(fake.identified) == 2 * SHARDS
        assert cluster.stopped_cleanly(), cluster.report()
    finally:
        await db.close()
        await fake.close()


async def _ask_answer_and_mark(
    fake: FakeDiscord, db: PostgresDatabase, guilds: list[Guild]
) -> None:
    """In every guild: LIVE questions, each helper's answer, each asker's ✅; every event
    twice, as a RESUME replays what the client may already have had."""
    asked = [g.question(f"How do I export my data ({n})?") for g in guilds for n in range(LIVE)]
    for message in asked:
        for _ in range(2):
            await fake.dispatch("MESSAGE_CREATE", message)

    async def threaded() -> bool:
        return await q.threaded_question_count(db) == len(asked)

    await until(threaded)
    for guild in guilds:
        for question in guild.questions:
            reply = guild.reply(question)
            for _ in range(2):
                await fake.dispatch("MESSAGE_CREATE", reply)

    async def answered() -> bool:
        return await q.answer_count(db) == len(asked)

    await until(answered)
    for guild in guilds:
        for reply in guild.replies:
            for _ in range(2):
                await fake.dispatch("MESSAGE_REACTION_ADD", guild.mark(reply))

    async def marked() -> bool:
        return await q.mark_count(db) == len(asked)

    await until(marked)


async def _assert_asked_once_each(
    fake: FakeDiscord, db: PostgresDatabase, guilds: list[Guild]
) -> None:
    """Every question posted so far is one question, asked by its guild's asker, with one
    thread opened by the process of its guild's shard."""
    assert opened_threads(fake) == expected_threads(guilds)
    posted = [(m["content"], g.asker["id"]) for g in guilds for m in g.questions]
    assert await q.question_count(db) == len(posted)
    for text, asker in posted:
        assert await q.asker_of(db, text) == asker


async def _assert_marked_once_each(db: PostgresDatabase, guilds: list[Guild]) -> None:
    """Each answer marked once by its guild's asker, and each helper paid for those marks
    only."""
    expected = [(g.asker["id"], g.helper["id"], POINTS_HELPFUL, None) for g in guilds] * LIVE
    assert sorted(await q.marks(db)) == sorted(expected)
    for guild in guilds:
        assert await q.stored_total(db, guild.helper["id"]) == LIVE * POINTS_HELPFUL
    paid = {g.helper["id"]: LIVE * POINTS_HELPFUL for g in guilds}
    assert await q.points_by_member(db) == paid
