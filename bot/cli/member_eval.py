"""`kb eval --members`: the bot's own articles on member-style questions, asked as the bot
asks them (the language's pool, the calibrated gate, rank order until a clear drop).

The question sets live in a source checkout's tests/fixtures: paraphrases.jsonl (30 French
member questions and their English twins, the test set), paraphrases_dev.jsonl (40 more,
written apart: the set choices are made on) and offtopic_eval.jsonl (15 questions a
language the knowledge base can't answer, none of them in the gate's calibration set).
Figures on 30 or 40 questions are coarse, so each comes with its 95% bootstrap interval.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.cogs.suggestions._logic import confident
from bot.core.clock import Clock
from bot.core.ports import Embedder
from bot.retrieval.bootstrap import paired_bootstrap
from bot.retrieval.index import Mode
from bot.retrieval.service import KnowledgeBase
from bot.settings import CommunityDefaults, project_dir
from bot.storage.db import Database

FIXTURES = project_dir("tests") / "fixtures"
SETS = ("paraphrases", "paraphrases_dev")
OFF_TOPIC = "offtopic_eval"
LANGUAGES = ("en", "fr")


class MissingSets(Exception):
    """The question sets aren't here (an installed bot without its source checkout)."""


@dataclass(frozen=True)
class Answered:
    """How one question fared: right first, right in the top 3, shown, shown right first."""

    first: bool
    top3: bool
    shown: bool
    shown_right: bool


def read_set(name: str, fixtures: Path = FIXTURES) -> list[dict[str, str]]:
    """The lines of a question set; MissingSets when the file isn't there."""
    path = fixtures / f"{name}.jsonl"
    if not path.is_file():
        raise MissingSets(f"{path} not found: the member question sets come with a source checkout")
    lines = path.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


async def evaluate(
    embedder: Embedder | None,
    knowledge_dir: Path,
    *,
    mode: Mode = "hybrid",
    against: Mode | None = None,
    fixtures: Path = FIXTURES,
) -> list[dict[str, Any]]:
    """One report row per question set and language (see the module's docstring)."""
    sets = {name: read_set(name, fixtures) for name in SETS}
    off_topic = read_set(OFF_TOPIC, fixtures)
    config = CommunityDefaults()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="entraide-eval-") as tmp:
        db = Database(Path(tmp) / "eval.db")
        await db.open()
        kb = KnowledgeBase(knowledge_dir, db, Clock(), lambda: embedder)
        await kb.start()
        try:
            for language in LANGUAGES:
                gate = kb.gate(language)
                strays = [r["text"] for r in off_topic if r["lang"] == language]
                stray_shown = 0
                for text in strays:
                    hits = await kb.search(text, language, limit=3, mode=mode)
                    stray_shown += bool(confident(hits, config, gate))
                for name, questions in sets.items():
                    asked = [(q[language], f"{language}/{q['article']}") for q in questions]
                    runs = [
                        await _ask(kb, text, want, language, mode, config, gate)
                        for text, want in asked
                    ]
                    row = _row(name, language, gate, runs, stray_shown, len(strays))
                    if against is not None:
                        base = [
                            await _ask(kb, text, want, language, against, config, gate)
                            for text, want in asked
                        ]
                        row["against"] = _against(against, runs, base)
                    rows.append(row)
        finally:
            await kb.close()
            await db.close()
    return rows


async def _ask(
    kb: KnowledgeBase,
    text: str,
    want: str,
    language: str,
    mode: Mode,
    config: CommunityDefaults,
    gate: float | None,
) -> Answered:
    hits = await kb.search(text, language, limit=3, mode=mode)
    keys = [hit.article.key for hit in hits]
    chosen = confident(hits, config, gate)
    return Answered(
        first=keys[:1] == [want],
        top3=want in keys,
        shown=bool(chosen),
        shown_right=bool(chosen) and chosen[0].article.key == want,
    )


def _share(values: list[bool]) -> dict[str, Any]:
    """A share (0-1) with its 95% bootstrap interval."""
    interval = paired_bootstrap([float(v) for v in values], [0.0] * len(values))
    return {
        "value": round(sum(values) / len(values), 3) if values else 0.0,
        "ci95": [round(interval.low / 100, 3), round(interval.high / 100, 3)],
    }


def _row(
    name: str, language: str, gate: float | None, runs: list[Answered], strays: int, of: int
) -> dict[str, Any]:
    return {
        "set": name,
        "language": language,
        "questions": len(runs),
        "gate": None if gate is None else round(gate, 4),
        "P@1": _share([r.first for r in runs]),
        "R@3": _share([r.top3 for r in runs]),
        "shown": sum(r.shown for r in runs),
        "right first when shown": sum(r.shown_right for r in runs),
        "off-topic shown": strays,
        "off-topic": of,
    }


def _against(mode: Mode, runs: list[Answered], base: list[Answered]) -> dict[str, Any]:
    """The baseline's P@1 and the paired interval of the difference (points, 0-100)."""
    interval = paired_bootstrap([float(r.first) for r in runs], [float(b.first) for b in base])
    return {
        "mode": mode,
        "P@1": round(sum(b.first for b in base) / len(base), 3) if base else 0.0,
        "diff": round(interval.diff, 1),
        "ci95": [round(interval.low, 1), round(interval.high, 1)],
    }
