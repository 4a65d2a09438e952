"""What /experts shows staff: who would be nudged for a question like theirs, and why."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.limits import excerpt
from bot.expertise.ranking import Candidate

Translate = Callable[..., str]


def _excerpt(text: str, limit: int) -> str:
    return excerpt(" ".join(text.split()), limit)


def experts(t: Translate, query: str, candidates: list[Candidate], limit: int) -> str:
    """/experts: who would be nudged for a question like `query`, and why."""
    if not candidates:
        return t("nudges.no_experts", query=_excerpt(query, 80))
    lines = [t("nudges.experts_header", query=_excerpt(query, 80), limit=limit)]
    for place, c in enumerate(candidates, start=1):
        why = t(f"nudges.skip_{c.skip}") if c.skip else t("nudges.would_nudge")
        lines.append(
            t(
                "nudges.expert_item",
                place=place,
                member=c.external_id,
                score=f"{c.score:.2f}",
                evidence=c.evidence,
                why=why,
            )
        )
    return "\n".join(lines)
