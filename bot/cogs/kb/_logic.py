"""Grouping knowledge gaps into topics (pure)."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite
import numpy as np

from bot.retrieval.service import Hit
from bot.retrieval.text import overlap, tokenize

SAME_TOPIC_COSINE = 0.6
SAME_TOPIC_OVERLAP = 0.3
# /kb search is asked for, so it lists weaker matches than automatic suggestions would.
MIN_SEARCH_SIMILARITY = 0.35
MIN_SEARCH_COVERAGE = 0.3


def worth_listing(hit: Hit) -> bool:
    """Whether a /kb search result is related enough to show at all."""
    lexical = hit.dense is None
    return hit.confidence >= (MIN_SEARCH_COVERAGE if lexical else MIN_SEARCH_SIMILARITY)


def cluster(texts: Sequence[str], vectors: np.ndarray | None) -> list[list[int]]:
    """Greedy single pass: each text joins the first group whose first member is close
    enough (cosine with vectors, word overlap without), else starts a new group.
    Groups come back largest first, ties by first appearance."""
    groups: list[list[int]] = []
    tokens = [tokenize(t) for t in texts]
    for i in range(len(texts)):
        for group in groups:
            head = group[0]
            if vectors is not None:
                close = float(vectors[i] @ vectors[head]) >= SAME_TOPIC_COSINE
            else:
                close = overlap(tokens[i], tokens[head]) >= SAME_TOPIC_OVERLAP
            if close:
                group.append(i)
                break
        else:
            groups.append([i])
    return sorted(groups, key=lambda g: (-len(g), g[0]))


async def best_answer(conn: aiosqlite.Connection, question_id: int) -> str | None:
    """The accepted answer's text, else the most-marked (then staff, then first) answer's."""
    cur = await conn.execute(
        "SELECT a.text FROM answers a"
        " LEFT JOIN accepted_answers aa ON aa.answer_id = a.id"
        " LEFT JOIN helpful_marks h ON h.answer_id = a.id"
        " WHERE a.question_id = ? AND a.deleted_at IS NULL AND a.text != ''"
        " GROUP BY a.id ORDER BY aa.answer_id IS NULL, COUNT(h.id) DESC, a.by_staff DESC, a.id"
        " LIMIT 1",
        (question_id,),
    )
    row = await cur.fetchone()
    return str(row[0]) if row else None
