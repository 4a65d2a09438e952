"""bfloat16 only where it pays: no measurement on a CPU without native bfloat16, and one
measurement, remembered, where it has it."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.retrieval import calibrate
from bot.retrieval.embedder import SentenceEmbedder

pytestmark = pytest.mark.slow

MEASURED = "questions: float32"


@pytest.fixture
def capability(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Lets a test force the CPU's bfloat16 capability; read afresh before and after."""
    calibrate.native_bfloat16.cache_clear()
    yield monkeypatch
    monkeypatch.delenv(calibrate.FORCE, raising=False)
    calibrate.native_bfloat16.cache_clear()


def test_without_native_bfloat16_nothing_is_measured(
    torch_embedder: SentenceEmbedder,
    capability: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Capability off: questions stay float32, decided in well under a second, no timing
    and nothing written."""
    capability.setenv(calibrate.FORCE, "off")
    decisions = tmp_path / "bfloat16.json"
    with caplog.at_level(logging.INFO):
        started = time.perf_counter()
        copy = torch_embedder._bfloat16_copy(decisions)
        spent = time.perf_counter() - started
    assert copy is None
    assert spent < 1.0
    assert not any(MEASURED in r.getMessage() for r in caplog.records)
    assert any("no native bfloat16" in r.getMessage() for r in caplog.records)
    assert not decisions.exists()


def test_with_native_bfloat16_it_is_measured_once_and_remembered(
    torch_embedder: SentenceEmbedder,
    capability: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Capability on: the first start measures and writes its decision; the next start
    (same file) takes the decision without measuring, and decides the same."""
    capability.setenv(calibrate.FORCE, "on")
    decisions = tmp_path / "models" / "bfloat16.json"
    with caplog.at_level(logging.INFO):
        first = torch_embedder._bfloat16_copy(decisions) is not None
        second = torch_embedder._bfloat16_copy(decisions) is not None
    assert sum(MEASURED in r.getMessage() for r in caplog.records) == 1
    assert decisions.is_file()
    assert first == second
