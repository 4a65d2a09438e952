"""The suggestion gate on member-style questions the calibration never saw: the paraphrase
sets (tests/fixtures/paraphrases.jsonl, 30 French and their 30 English twins over the
shipped articles, the test set; paraphrases_dev.jsonl, 40 more written apart, the set choices
are made on) and 15 off-topic questions per language (tests/fixtures/offtopic_eval.jsonl,
none of them in the calibration set), asked as the bot asks them (hybrid, the language's
pool, the first result gates, then rank order until a clear drop).

    python -m bench.gate_eval [--backend onnx|torch] [--fixed 0.6]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path

from bot.cogs.suggestions._logic import confident
from bot.core.clock import Clock
from bot.retrieval.backends import load_embedder
from bot.retrieval.embedder import DEFAULT_MODEL
from bot.retrieval.service import KnowledgeBase
from bot.settings import CommunityDefaults, project_dir
from bot.storage.db import Database

FIXTURES = project_dir("tests") / "fixtures"


def _rows(name: str) -> list[dict[str, str]]:
    lines = (FIXTURES / name).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


async def evaluate(
    backend: str, fixed: float | None, paraphrases: str = "paraphrases.jsonl"
) -> dict[str, dict[str, float]]:
    """Per language: P@1 and R@3 of the ranking, paraphrases shown (and right first),
    off-topic questions shown; and the gate used."""
    embedder = load_embedder(DEFAULT_MODEL, backend)  # type: ignore[arg-type]
    config = CommunityDefaults(suggest_min_similarity=fixed)
    report: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "gate.db")
        await db.open()
        kb = KnowledgeBase(project_dir("knowledge"), db, Clock(), lambda: embedder)
        await kb.start()
        try:
            for lang in ("en", "fr"):
                gate = kb.gate(lang)
                top1 = top3 = shown = right_shown = 0
                rows = _rows(paraphrases)
                for row in rows:
                    hits = await kb.search(row[lang], lang, limit=3)
                    keys = [h.article.key for h in hits]
                    want = f"{lang}/{row['article']}"
                    top1 += keys[:1] == [want]
                    top3 += want in keys
                    chosen = confident(hits, config, gate)
                    shown += bool(chosen)
                    right_shown += bool(chosen) and chosen[0].article.key == want
                off = [r["text"] for r in _rows("offtopic_eval.jsonl") if r["lang"] == lang]
                wrong = 0
                for text in off:
                    wrong += bool(confident(await kb.search(text, lang, limit=3), config, gate))
                report[lang] = {
                    "gate": fixed if fixed is not None else (gate or 0.0),
                    "P@1": round(top1 / len(rows), 3),
                    "R@3": round(top3 / len(rows), 3),
                    "shown": shown,
                    "right first when shown": right_shown,
                    "questions": len(rows),
                    "off-topic shown": wrong,
                    "off-topic": len(off),
                }
        finally:
            await kb.close()
            await db.close()
    return report


def main() -> None:
    """Print the report as JSON lines, one per language."""
    parser = argparse.ArgumentParser(prog="python -m bench.gate_eval")
    parser.add_argument("--backend", default="onnx", choices=["onnx", "torch"])
    parser.add_argument("--fixed", type=float, help="a fixed gate instead of the calibrated one")
    args = parser.parse_args()
    for name in ("paraphrases.jsonl", "paraphrases_dev.jsonl"):
        report = asyncio.run(evaluate(args.backend, args.fixed, name))
        for lang, figures in report.items():
            print(json.dumps({"set": name.removesuffix(".jsonl"), "language": lang, **figures}))


if __name__ == "__main__":
    main()
