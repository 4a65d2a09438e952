"""Five processes on one PostgreSQL database (issue 19): three Discord processes splitting
the shards (process k runs shard k of 3, one guild each) and two Slack HTTP workers on one
port, all running at once. The Discord guilds' questions, answers and ✅ marks (each
delivered twice) and then Slack's (each delivered twice, one worker SIGKILLed half-way)
count once each, in one store that keeps them apart. Skipped, saying so, when PostgreSQL
doesn't answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests import queries as q
from tests.fakes import slack_payloads as sp
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.slack_server import FakeSlack
from tests.multiprocess.discord_cluster import discord_cluster
from tests.multiprocess.test_discord_shards import (
    LIVE,
    POINTS_HELPFUL,
    SETTLE,
    SHARDS,
    Guild,
    _ask_answer_and_mark,
    expected_threads,
    opened_threads,
)
from tests.multiprocess.test_slack_workers import (
    QUESTIONS,
    ask_answer_and_mark_through_two_workers,
    slack_workers,
)
from tests.storage.postgres_fixtures import PgSchema


async def test_three_discord_shards_and_two_slack_workers_share_one_database(
    slack_server: FakeSlack, pg_schema: PgSchema, tmp_path: Path
) -> None:
    """Discord's guilds and Slack's workspace are three plus one communities of one store:
    each question once, each mark once, each helper paid for their marks only."""
    guilds = [Guild.on(shard) for shard in range(SHARDS)]
    fake = FakeDiscord(guilds=[g.payload for g in guilds], announce_threads=True)
    await fake.start()
    url = f"{pg_schema.dsn}?search_path={pg_schema.schema}"
    try:
        async with (
            discord_cluster(fake, tmp_path, url, shards=SHARDS) as cluster,
            slack_workers(slack_server, pg_schema, tmp_path) as (workers, events, db),
        ):
            await fake.wait_for_identify(SHARDS, within=30)
            await _ask_answer_and_mark(fake, db, guilds)
            await ask_answer_and_mark_through_two_workers(slack_server, workers, events, db)
            await asyncio.sleep(SETTLE)
            assert opened_threads(fake) == expected_threads(guilds)
            numbers: dict[tuple[str, str], list[int]] = {}
            for platform, community, number in await q.questions_by_platform(db):
                numbers.setdefault((platform, community), []).append(number)
            # Each community numbers its own questions from Q1, whichever process asked.
            assert numbers == {("discord", g.id): [1, 2] for g in guilds} | {
                ("slack", sp.TEAM_ID): list(range(1, QUESTIONS + 1))
            }
            for guild in guilds:
                assert await q.stored_total(db, guild.helper["id"]) == LIVE * POINTS_HELPFUL
            assert await q.mark_count(db) == SHARDS * LIVE + QUESTIONS
            assert cluster.misrouted_calls() == []
        assert cluster.stopped_cleanly(), cluster.report()
    finally:
        await fake.close()
