"""The knowledge-base service: cached vectors across restarts, lexical fallback, batching."""

from __future__ import annotations

import asyncio
import logging
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from bot.core.clock import Clock
from bot.retrieval.backends import load_embedder
from bot.retrieval.service import KnowledgeBase, LoadReport
from bot.storage.db import Database
from tests import queries as q
from tests.fakes.embedder import FakeEmbedder

FIXTURE_KB = Path(__file__).resolve().parent.parent / "fixtures" / "knowledge"


async def start_kb(
    kb_dir: Path, db_path: Path, embedder: FakeEmbedder | None
) -> tuple[KnowledgeBase, Database, LoadReport]:
    """A started knowledge base on its own database file."""
    db = Database(db_path)
    await db.open()
    kb = KnowledgeBase(kb_dir, db, Clock(), lambda: embedder)
    return kb, db, await kb.start()


async def test_a_restart_reuses_cached_vectors_and_reembeds_only_changes(
    tmp_path: Path,
) -> None:
    """Second start: no encoder calls at all. After one edit: only that article is embedded
    (and the gate is calibrated again, on the changed articles)."""
    kb_dir = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb_dir)
    first_model = FakeEmbedder()
    kb, db, report = await start_kb(kb_dir, tmp_path / "kb.db", first_model)
    assert (report.articles, report.embedded, report.reused) == (5, 5, 0)
    assert first_model.texts_encoded > 0
    await kb.close()
    await db.close()

    second_model = FakeEmbedder()
    kb, db, report = await start_kb(kb_dir, tmp_path / "kb.db", second_model)
    assert (report.embedded, report.reused) == (0, 5)
    assert second_model.texts_encoded == 0
    assert second_model.queries_encoded == 0  # nor the gate's calibration: stored too
    assert await q.rows_in(db, "article_tokens") == 5  # BM25 tokens were cached too
    await kb.close()
    await db.close()

    path = kb_dir / "en" / "dark-mode.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAlso on mobile.\n", encoding="utf-8")
    third_model = FakeEmbedder()
    kb, db, report = await start_kb(kb_dir, tmp_path / "kb.db", third_model)
    assert (report.embedded, report.reused) == (1, 4)
    # Title, two aliases and the text of the one changed article.
    assert third_model.texts_encoded == 4
    assert third_model.queries_encoded > 0
    # The edited article's old vectors and tokens are gone from the cache.
    for table in ("article_vectors", "article_tokens"):
        assert await q.rows_in(db, table) == 5
    await kb.close()
    await db.close()


async def test_without_a_model_search_is_lexical(tmp_path: Path) -> None:
    """No embedder: hits carry no dense score and confidence is BM25 coverage."""
    kb, db, _ = await start_kb(FIXTURE_KB, tmp_path / "l.db", None)
    hits = await kb.search("reset password email", "en")
    assert kb.lexical_only
    assert hits[0].article.slug == "reset-password"
    assert hits[0].dense is None
    assert hits[0].confidence == pytest.approx(1.0)
    await kb.close()
    await db.close()


async def test_mentions_in_a_question_do_not_dilute_its_confidence(tmp_path: Path) -> None:
    """Discord and Slack mention markup carries no topic: same hit, same confidence."""
    kb, db, _ = await start_kb(FIXTURE_KB, tmp_path / "m.db", None)
    pinged = "<@900000000000000301> @everyone <@&90000000000000010> reset password email <!here>"
    hits = await kb.search(pinged, "en")
    assert hits[0].article.slug == "reset-password"
    assert hits[0].confidence == pytest.approx(1.0)
    await kb.close()
    await db.close()


@pytest.mark.slow
def test_an_unloadable_model_warns_once_and_gives_none(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """A model neither backend can load is one warning naming both reasons, then
    lexical-only, never a crash."""
    with caplog.at_level(logging.WARNING):
        assert load_embedder("/nonexistent/model-dir", "onnx", tmp_path) is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "running lexical-only" in warnings[0].getMessage()
    assert "onnx: no ONNX export" in warnings[0].getMessage()


async def test_concurrent_questions_share_model_calls(tmp_path: Path) -> None:
    """Twenty questions at once are embedded in far fewer model calls, with the same vectors."""
    model = FakeEmbedder()
    kb, db, _ = await start_kb(FIXTURE_KB, tmp_path / "b.db", model)
    questions = [f"how do I reset password number {n}" for n in range(20)]
    before = (kb.model_calls, model.calls)
    together = await asyncio.gather(*(kb.embed(text) for text in questions))
    assert kb.model_calls - before[0] < 5
    assert model.calls - before[1] < 5
    alone = [model.encode([text]) for text in questions]
    for batched, single in zip(together, alone, strict=True):
        assert batched is not None
        np.testing.assert_allclose(batched, single, atol=1e-6)
    await kb.close()
    await db.close()


async def test_language_pools_prefer_translations(tmp_path: Path) -> None:
    """A French search sees the French article instead of its English original."""
    kb, db, _ = await start_kb(FIXTURE_KB, tmp_path / "f.db", FakeEmbedder())
    french = await kb.search("mode sombre", "fr", limit=5)
    keys = [h.article.key for h in french]
    assert "fr/dark-mode" in keys
    assert "en/dark-mode" not in keys
    assert "en/export-data" in keys  # untranslated: the English article stays available
    await kb.close()
    await db.close()


async def test_answers_bm25_only_while_the_model_loads(tmp_path: Path) -> None:
    """With answer_while_loading, search works before the model is in, then turns hybrid."""
    gate = threading.Event()
    model = FakeEmbedder()

    def slow_loader() -> FakeEmbedder:
        gate.wait(10)
        return model

    db = Database(tmp_path / "w.db")
    await db.open()
    kb = KnowledgeBase(FIXTURE_KB, db, Clock(), slow_loader, answer_while_loading=True)
    try:
        await kb.start()
        early = await kb.search("reset password email", "en")
        assert early[0].article.slug == "reset-password"
        assert early[0].dense is None  # ranked and gated lexically
        gate.set()
        await kb.loaded()
        later = await kb.search("reset password email", "en")
        assert later[0].article.slug == "reset-password"
        assert later[0].dense is not None
    finally:
        gate.set()
        await kb.close()
        await db.close()
