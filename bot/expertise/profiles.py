"""Who knows what: members' topical profiles, learned from their helpful answers.

Pure numpy (no database, no chat): the nudges feature feeds it the embeddings of the
questions where a member's answer was marked helpful or accepted, plus the topics members
declare, and asks who is most likely to answer a new question.

Score of a member for a question = topical similarity + prior_weight * log(1 + n), where
the similarity is the cosine between the question and the recency-weighted centroid of the
member's past questions (or a declared topic, whichever is higher) and n is the
recency-weighted number of their helpful answers. On SemEval-2016 forum data, leaving one
question out at a time, this put a member whose answer was judged Good in the top 3 for 39.8%
of questions (top 10: 50.4%), against 31.3% / 35.3% for the centroid alone, 31.8% / 36.9%
for the best single past question and 14.1% / 24.7% for "the most active members"
(bench/expert_routing.py; bench/README.md, "Expert routing").
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

# A helpful answer from a season ago counts half: people drift away or change topics. Not
# measured (the evaluation data has no dates); it changes little between active members.
DEFAULT_HALF_LIFE_DAYS = 90.0
# Measured flat between 0.15 and 0.2 (hit@3 39.0-40.1%, hit@10 49.3-51.7%); 0.25 already
# loses 4.5 points of hit@3 (busy generalists crowd out specialists), 0 loses 8. Chosen on
# half the topics and measured on the other half it still gives 39.7%.
DEFAULT_PRIOR_WEIGHT = 0.175
# Nobody is nudged about a question unrelated to anything they answered, however active
# they are. 0.1 cost nothing measurable (hit@3 39.8%, hit@10 50.4%); 0.2 cost 1-3 points.
DEFAULT_MIN_SIMILARITY = 0.1
# A declared topic's cosine counts this much against history's (can't be measured on the
# forum data, which has no declared topics): 1.0 trusts a claim as much as a track record
# at the same similarity, and the activity bonus still favours proven helpers.
DEFAULT_DECLARED_WEIGHT = 1.0
_EPS = 1e-9
_DAY_S = 86_400.0


@dataclass(frozen=True, eq=False)
class Contribution:
    """One helpful or accepted answer: its author, the question's embedding, and when."""

    member: str
    vector: np.ndarray = field(repr=False)
    at: datetime
    ref: str = ""  # the question's id; echoed back as evidence, and one count per question


@dataclass(frozen=True, eq=False)
class DeclaredTopic:
    """A topic a member says they know (e.g. "billing") with the phrase's embedding."""

    member: str
    topic: str
    vector: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Match:
    """A member worth nudging, with the evidence behind the score, for staff to check."""

    member: str
    score: float
    similarity: float  # the topical part of the score (cosine), before the activity bonus
    helpful_answers: int  # helpful/accepted answers behind the profile (not decayed)
    closest: Contribution | None  # their past question most similar to this one
    closest_similarity: float | None
    declared_topic: str | None  # set when a declared topic matched better than history


@dataclass(frozen=True, eq=False)
class _Member:
    contributions: tuple[Contribution, ...]
    vectors: np.ndarray  # (n, dim) unit rows, in the order of `contributions`
    weights: np.ndarray  # (n,) recency weights
    topics: tuple[DeclaredTopic, ...]
    topic_vectors: np.ndarray  # (t, dim) unit rows, in the order of `topics`


def recency_weights(
    times: Iterable[datetime], now: datetime, half_life_days: float | None
) -> np.ndarray:
    """Weight 1 now, halving every `half_life_days` (None: no decay); future times count 1."""
    ages = np.array([max((now - at).total_seconds(), 0.0) / _DAY_S for at in times])
    if half_life_days is None:
        return np.ones(len(ages))
    return np.asarray(0.5 ** (ages / half_life_days), dtype=np.float64)


def _unit(vector: np.ndarray) -> np.ndarray | None:
    """The vector scaled to length 1, or None when it carries no direction."""
    v = np.asarray(vector, dtype=np.float64).ravel()
    norm = float(np.linalg.norm(v)) if v.size else 0.0
    # A zero or broken embedding says nothing about a topic; better ignored than guessed.
    if not math.isfinite(norm) or norm < _EPS:
        return None
    return v / norm


def build_profiles(
    contributions: Iterable[Contribution],
    now: datetime,
    *,
    half_life_days: float | None = DEFAULT_HALF_LIFE_DAYS,
    declared: Iterable[DeclaredTopic] = (),
    declared_weight: float = DEFAULT_DECLARED_WEIGHT,
    prior_weight: float = DEFAULT_PRIOR_WEIGHT,
) -> Profiles:
    """Profiles of every member with a usable helpful answer or declared topic."""
    if half_life_days is not None and not half_life_days > 0:
        raise ValueError(f"half_life_days must be positive or None, not {half_life_days}")
    dim: int | None = None

    def usable(vector: np.ndarray) -> np.ndarray | None:
        nonlocal dim
        unit = _unit(vector)
        if unit is not None:
            dim = unit.size if dim is None else dim
            if unit.size != dim:
                raise ValueError(f"vectors of {unit.size} and {dim} dimensions mixed")
        return unit

    # Two helpful answers on one question are one piece of evidence: keep the latest.
    latest: dict[tuple[str, str], Contribution] = {}
    unnamed: list[Contribution] = []
    for c in contributions:
        if not c.ref:
            unnamed.append(c)
        elif (c.member, c.ref) not in latest or c.at > latest[c.member, c.ref].at:
            latest[c.member, c.ref] = c
    history: dict[str, list[tuple[Contribution, np.ndarray]]] = {}
    for c in [*latest.values(), *unnamed]:
        unit = usable(c.vector)
        if unit is not None:
            history.setdefault(c.member, []).append((c, unit))
    topics: dict[str, list[tuple[DeclaredTopic, np.ndarray]]] = {}
    for t in declared if declared_weight > 0 else ():
        unit = usable(t.vector)
        if unit is not None:
            topics.setdefault(t.member, []).append((t, unit))

    members: dict[str, _Member] = {}
    for member in history.keys() | topics.keys():
        own, claimed = history.get(member, []), topics.get(member, [])
        members[member] = _Member(
            contributions=tuple(c for c, _ in own),
            vectors=np.array([v for _, v in own]).reshape(len(own), dim or 0),
            weights=recency_weights((c.at for c, _ in own), now, half_life_days),
            topics=tuple(t for t, _ in claimed),
            topic_vectors=np.array([v for _, v in claimed]).reshape(len(claimed), dim or 0),
        )
    return Profiles(members, dim or 0, declared_weight, prior_weight)


class Profiles:
    """Every member's profile, ready to rank members for a question (see build_profiles)."""

    def __init__(
        self,
        members: dict[str, _Member],
        dim: int,
        declared_weight: float,
        prior_weight: float,
    ) -> None:
        self._members = members
        self._ids = sorted(members)  # row order; also the tie-break order
        self._row = {m: i for i, m in enumerate(self._ids)}
        self._dim = dim
        self._declared_weight = declared_weight
        centroids = np.zeros((len(self._ids), dim))
        bonus = np.zeros(len(self._ids))
        for i, m in enumerate(self._ids):
            p = members[m]
            if len(p.contributions):
                centroids[i] = p.weights @ p.vectors
                bonus[i] = prior_weight * math.log1p(float(p.weights.sum()))
        norms = np.linalg.norm(centroids, axis=1)
        # Answers that cancel out (or none at all) leave no direction: no history to match.
        self._has_history = norms > _EPS
        self._centroids = centroids / np.where(self._has_history, norms, 1.0)[:, None]
        self._bonus = bonus
        # All declared topics in one matrix, with the row of their member, for one product.
        owners = [i for i, m in enumerate(self._ids) for _ in members[m].topics]
        self._topic_owner = np.array(owners, dtype=np.intp)
        self._topics = np.concatenate(
            [np.zeros((0, dim))] + [members[m].topic_vectors for m in self._ids]
        )

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def members(self) -> tuple[str, ...]:
        """The members who have a profile, sorted."""
        return tuple(self._ids)

    def rank(
        self,
        query: np.ndarray,
        *,
        limit: int,
        exclude: Collection[str] = (),
        min_similarity: float = DEFAULT_MIN_SIMILARITY,
    ) -> list[Match]:
        """The `limit` members most likely to answer `query`, best first (ties by member id)."""
        q = _unit(query)
        if q is None or limit <= 0 or not self._ids:
            return []
        if q.size != self._dim:
            raise ValueError(f"query has {q.size} dimensions, profiles {self._dim}")
        history = np.where(self._has_history, self._centroids @ q, -np.inf)
        declared = np.full(len(self._ids), -np.inf)
        if len(self._topic_owner):
            np.maximum.at(declared, self._topic_owner, self._declared_weight * (self._topics @ q))
        similarity = np.maximum(history, declared)
        score = similarity + self._bonus
        eligible = np.isfinite(similarity) & (similarity >= min_similarity)
        # A lone id is one member, not a collection of letters.
        for member in (exclude,) if isinstance(exclude, str) else exclude:
            if member in self._row:
                eligible[self._row[member]] = False
        rows = np.flatnonzero(eligible)
        # lexsort: last key first; rows are in member-id order, so ties go to the lower id.
        best = rows[np.lexsort((rows, -score[rows]))][:limit]
        return [
            self._match(int(i), q, float(score[i]), float(history[i]), float(declared[i]))
            for i in best
        ]

    def _match(
        self, row: int, q: np.ndarray, score: float, history: float, declared: float
    ) -> Match:
        member = self._ids[row]
        p = self._members[member]
        closest, closest_similarity = None, None
        if len(p.contributions):
            sims = p.vectors @ q
            j = int(np.argmax(sims))
            closest, closest_similarity = p.contributions[j], float(sims[j])
        topic = None
        if declared > history:
            topic = p.topics[int(np.argmax(p.topic_vectors @ q))].topic
        return Match(
            member=member,
            score=score,
            similarity=max(history, declared),
            helpful_answers=len(p.contributions),
            closest=closest,
            closest_similarity=closest_similarity,
            declared_topic=topic,
        )
