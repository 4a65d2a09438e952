"""The embedding backends: the ONNX export (made once, refused when it disagrees with torch),
the bot running on it without torch, the vector cache telling the backends apart, and BM25
when no backend loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.core.clock import Clock
from bot.core.ports import Embedder
from bot.retrieval import model_cache
from bot.retrieval.backends import load_embedder
from bot.retrieval.embedder import DEFAULT_MODEL, SentenceEmbedder
from bot.retrieval.onnx_export import PROBE_TEXTS, ExportError, export_model
from bot.retrieval.service import KnowledgeBase
from bot.settings import project_dir
from bot.storage.db import Database
from tests.queries import schema as q

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "sentence_transformers")


def test_the_export_agrees_with_torch(real_embedder: Embedder, torch_embedder: Embedder) -> None:
    """Same texts, both backends: nearly the same directions (int8 against float32)."""
    onnx = real_embedder.encode(PROBE_TEXTS)
    exact = torch_embedder.encode(PROBE_TEXTS)
    cosines = (onnx * exact).sum(axis=1)
    assert onnx.dtype == np.float32
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    assert float(cosines.mean()) >= 0.99
    assert float(cosines.min()) >= 0.95


def test_an_export_that_disagrees_with_torch_is_refused_and_not_kept(tmp_path: Path) -> None:
    """Per-tensor int8 (the quantiser's default) drifts too far from the model: refused with
    the figures and what to do, and nothing is left in the cache to be picked up later."""
    with pytest.raises(ExportError) as refused:
        export_model(DEFAULT_MODEL, tmp_path, per_channel=False)
    assert "disagrees" in str(refused.value)
    assert 'backend = "torch"' in str(refused.value)
    assert model_cache.find(tmp_path, DEFAULT_MODEL, None) is None
    assert [p.name for p in tmp_path.iterdir()] == []


def test_an_export_is_made_once_and_found_again(real_embedder: Embedder) -> None:
    """The session's export is in the cache: asking again returns it without exporting."""
    exported = getattr(real_embedder, "exported")  # noqa: B009 (OnnxEmbedder only)
    before = exported.onnx.stat().st_mtime_ns
    again = export_model(DEFAULT_MODEL, exported.folder.parent)
    assert again == exported
    assert again.onnx.stat().st_mtime_ns == before
    assert json.loads((exported.folder / model_cache.META).read_text())["recipe"] == (
        model_cache.RECIPE
    )


async def test_the_vector_cache_re_embeds_after_a_backend_change(
    tmp_path: Path, real_embedder: Embedder, torch_embedder: SentenceEmbedder
) -> None:
    """Articles embedded by torch are embedded again by ONNX (not reused), and each
    backend's vectors are reused by the same backend next time."""
    db = Database(tmp_path / "kb.db")
    await db.open()
    try:
        reports = []
        for embedder in (torch_embedder, real_embedder, real_embedder, torch_embedder):
            kb = KnowledgeBase(project_dir("knowledge"), db, Clock(), lambda e=embedder: e)
            reports.append(await kb.start())
            await kb.close()
    finally:
        await db.close()
    articles = reports[0].articles
    assert [(r.embedded, r.reused) for r in reports] == [
        (articles, 0),
        (articles, 0),
        (0, articles),
        (0, articles),
    ]


async def test_the_bot_answers_with_the_model_and_never_imports_torch(tmp_path: Path) -> None:
    """The console bot on the default backend: start, a question, a suggestion from the
    model (dense); then sys.modules holds no torch, transformers or sentence-transformers."""
    script = tmp_path / "s.txt"
    script.write_text("alice: how can I get points for my answers here?\n", encoding="utf-8")
    program = (
        "import runpy, sys\n"
        f"sys.argv = ['bot', 'run', '--console', '--script', {str(script)!r},"
        f" '--db', {str(tmp_path / 'e.db')!r}]\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
        f"print('HEAVY', sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("ENTRAIDE_")}
    env |= {"HF_HUB_OFFLINE": "1", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(  # noqa: ASYNC221 (the test waits for it on purpose)
        [sys.executable, "-c", program],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "These articles may answer Q1" in result.stdout
    db = Database(tmp_path / "e.db")
    await db.open()
    try:
        cached = await q.vectors_by_model(db)
    finally:
        await db.close()
    assert [model.split("@")[1].startswith("onnx") for model in cached] == [True]
    assert "HEAVY []" in result.stdout.splitlines()[-1]


async def test_no_backend_at_all_leaves_the_bot_answering_by_words(tmp_path: Path) -> None:
    """A model neither backend can load: the knowledge base still ranks by BM25."""
    embedder = load_embedder("/nonexistent/model-dir", "onnx", tmp_path)
    assert embedder is None
    db = Database(tmp_path / "kb.db")
    await db.open()
    try:
        kb = KnowledgeBase(project_dir("knowledge"), db, Clock(), lambda: embedder)
        report = await kb.start()
        hits = await kb.search("how do reputation points work", "en")
        await kb.close()
    finally:
        await db.close()
    assert report.embedded == 0
    assert hits
    assert hits[0].dense is None
    assert hits[0].article.slug == "reputation"


def test_a_large_index_stays_in_numpy_without_the_torch_backend() -> None:
    """At thousands of article vectors the bfloat16 product is tried only where torch is
    already loaded: an index built beside the onnx backend never imports it."""
    program = (
        "import sys, numpy as np\n"
        "from bot.retrieval.dense import CALIBRATE_FROM, DenseIndex\n"
        "vectors = [np.eye(1, 8, k % 8, dtype=np.float32) for k in range(CALIBRATE_FROM + 10)]\n"
        "index = DenseIndex(vectors, 8)\n"
        "print('BF16', index.calibrate())\n"
        f"print('HEAVY', sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["BF16 False", "HEAVY []"]


def test_a_question_embeds_the_same_whoever_else_asks(real_embedder: Embedder) -> None:
    """Asked alone or in a burst beside long and short questions: the same vector, so what
    a member is shown never depends on who else asked at that moment."""
    question = "how do I export my reputation history to a spreadsheet?"
    others = ["ok", " ".join(["a very long question about the leaderboard"] * 30), "hi there"]
    alone = real_embedder.encode_queries([question])[0]
    burst = real_embedder.encode_queries([others[0], question, *others[1:]])[1]
    assert np.array_equal(alone, burst)
