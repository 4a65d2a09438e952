"""Shared fixtures: a console community on a fresh database file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.console import ConsoleDriver, console_community


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[ConsoleDriver]:
    """A running console community, fresh for each test."""
    async with console_community(tmp_path / "entraide.db") as driver:
        yield driver
