"""Ranking members for a question: profiles learned from helpful answers and declared topics,
then the nudge rules (see availability) applied to each. Nudges and /experts use it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from bot.core.periods import day_start
from bot.expertise.availability import skip_reason
from bot.expertise.profiles import Contribution, DeclaredTopic, Match, build_profiles
from bot.retrieval.text import tokenize
from bot.settings import CommunityDefaults
from bot.storage import nudges

if TYPE_CHECKING:
    from bot.core.services import Services

HISTORY = 300  # latest helped questions profiles are learned from
LEXICAL_DIM = 512


@dataclass(frozen=True)
class Candidate:
    """A member the expertise model ranked for a question, and what the rules say."""

    member_id: int
    external_id: str
    score: float
    evidence: str
    skip: str | None = None


async def candidates(
    services: Services,
    community_id: int,
    config: CommunityDefaults,
    text: str,
    asker_id: int | None,
    question_id: int | None,
    now: datetime,
    *,
    limit: int = 10,
) -> list[Candidate]:
    """Members ranked for `text`, each with the rule that rules them out (or None)."""
    async with services.db.read() as conn:
        helped = await nudges.helped(conn, community_id, HISTORY)
        declared = await nudges.topics(conn, community_id)
        names = await nudges.human_ids(conn, sorted({h.member_id for h in helped} | set(declared)))
    if not names:
        return []
    topic_list = [(member, topic) for member, topics in declared.items() for topic in topics]
    texts = [h.text for h in helped] + [topic for _, topic in topic_list] + [text]
    vectors = await services.knowledge.embed_many(texts)
    if vectors is None:
        vectors = _hashed(texts, config.language)
    contributions = [
        Contribution(str(h.member_id), vectors[i], datetime.fromisoformat(h.at), f"Q{h.number}")
        for i, h in enumerate(helped)
    ]
    topics = [
        DeclaredTopic(str(member), topic, vectors[len(helped) + j])
        for j, (member, topic) in enumerate(topic_list)
    ]
    matches = build_profiles(contributions, now, declared=topics).rank(vectors[-1], limit=limit)
    ids = [int(m.member) for m in matches]
    async with services.db.read() as conn:
        sent = await nudges.sent_since(conn, community_id, ids, day_start(now, config.timezone))
        already = await nudges.nudged_for(conn, question_id) if question_id else set()
        prefs = {i: await nudges.prefs(conn, community_id, i) for i in ids}
    return [
        Candidate(
            int(m.member),
            names.get(int(m.member), m.member),
            m.score,
            _evidence(services, config.language, m),
            skip_reason(
                int(m.member),
                asker_id=asker_id,
                prefs=prefs[int(m.member)],
                sent_today=sent.get(int(m.member), 0),
                daily_limit=config.nudge_daily_limit,
                already=already,
                now=now,
                timezone=config.timezone,
            ),
        )
        for m in matches
    ]


def _evidence(services: Services, language: str, match: Match) -> str:
    """Why a member ranks: a declared topic, or their helpful answers and the closest one."""
    if match.declared_topic is not None:
        return services.messages.get(language, "nudges.evidence_topic", topic=match.declared_topic)
    closest = match.closest.ref if match.closest else "?"
    return services.messages.get(
        language,
        "nudges.evidence_history",
        answers=match.helpful_answers,
        closest=closest,
        similarity=f"{match.closest_similarity or 0:.2f}",
    )


async def members(services: Services, member_ids: list[int]) -> list[Candidate]:
    """Candidates for members already chosen (a nudge re-sent after a crash)."""
    async with services.db.read() as conn:
        names = await nudges.human_ids(conn, member_ids)
    return [Candidate(i, names[i], 0.0, "") for i in member_ids if i in names]


def _hashed(texts: list[str], language: str) -> np.ndarray:
    """Without the model: unit vectors of hashed stemmed words (shared words → close)."""
    out = np.zeros((len(texts), LEXICAL_DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for token in tokenize(text, language):
            digest = hashlib.blake2b(token.encode(), digest_size=4).digest()
            out[row, int.from_bytes(digest) % LEXICAL_DIM] += 1.0
        norm = float(np.linalg.norm(out[row]))
        if norm:
            out[row] /= norm
    return out
