"""Expertise profiles with hand-made vectors: who would be nudged for a question, and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from bot.expertise import Contribution, DeclaredTopic, build_profiles, recency_weights

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
# Four "topics" as axes: billing, login, mobile app, shipping.
BILLING, LOGIN, MOBILE, SHIPPING = np.eye(4, dtype=np.float32)


def unit(*parts: np.ndarray) -> np.ndarray:
    """A unit vector between the given topics."""
    v = np.sum(parts, axis=0).astype(np.float32)
    return v / np.linalg.norm(v)


def answered(member: str, vector: np.ndarray, ref: str, days_ago: float = 1) -> Contribution:
    return Contribution(member, vector, NOW - timedelta(days=days_ago), ref=ref)


def test_the_member_who_answered_similar_questions_ranks_first() -> None:
    profiles = build_profiles(
        [
            answered("alice", unit(BILLING), "Q1"),
            answered("alice", unit(BILLING, LOGIN * 0.3), "Q2"),
            answered("bob", unit(LOGIN), "Q3"),
            answered("carol", unit(MOBILE), "Q4"),
        ],
        NOW,
    )
    matches = profiles.rank(unit(BILLING, SHIPPING * 0.2), limit=3)
    assert [m.member for m in matches] == ["alice"]  # bob and carol share nothing with it
    assert matches[0].helpful_answers == 2
    assert matches[0].closest is not None
    assert matches[0].closest.ref == "Q1"  # the evidence is the closest past question
    assert matches[0].closest_similarity == pytest.approx(float(unit(BILLING, SHIPPING * 0.2)[0]))
    assert matches[0].declared_topic is None


def test_closer_topic_beats_more_answers_on_a_loosely_related_one() -> None:
    busy = [answered("busy", unit(BILLING, LOGIN * 1.7), f"B{i}") for i in range(10)]
    profiles = build_profiles([*busy, answered("specialist", unit(BILLING), "S1")], NOW)
    matches = profiles.rank(unit(BILLING), limit=5)
    assert [m.member for m in matches] == ["specialist", "busy"]
    assert matches[1].helpful_answers == 10


def test_more_helpful_answers_win_at_equal_similarity() -> None:
    profiles = build_profiles(
        [answered("alice", unit(LOGIN), "Q1")]
        + [answered("bob", unit(LOGIN), f"Q{i}") for i in range(2, 6)],
        NOW,
    )
    assert [m.member for m in profiles.rank(unit(LOGIN), limit=2)] == ["bob", "alice"]


def test_recency_makes_an_old_expert_fall_behind_a_recent_one() -> None:
    contributions = [
        *(answered("aaron", unit(SHIPPING), f"A{i}", days_ago=720) for i in range(4)),
        *(answered("zack", unit(SHIPPING), f"Z{i}", days_ago=3) for i in range(4)),
    ]
    recent_first = build_profiles(contributions, NOW, half_life_days=90)
    assert [m.member for m in recent_first.rank(unit(SHIPPING), limit=2)] == ["zack", "aaron"]
    # Without decay the two records are equal, and the tie goes to the lower member id.
    no_decay = build_profiles(contributions, NOW, half_life_days=None)
    tied = no_decay.rank(unit(SHIPPING), limit=2)
    assert [m.member for m in tied] == ["aaron", "zack"]
    assert tied[0].score == tied[1].score


def test_a_member_s_recent_answers_decide_what_their_profile_is_about() -> None:
    moved_on = [
        *(answered("dana", unit(BILLING), f"B{i}", days_ago=400) for i in range(3)),
        *(answered("dana", unit(MOBILE), f"M{i}", days_ago=2) for i in range(3)),
    ]
    profiles = build_profiles(moved_on, NOW, half_life_days=30)
    mobile = profiles.rank(unit(MOBILE), limit=1)
    billing = profiles.rank(unit(BILLING), limit=1)
    assert mobile[0].similarity > 0.99
    assert billing == []  # 400 days ago at a 30-day half-life: not a billing person any more


def test_declared_topics_alone_can_put_a_member_in_the_list() -> None:
    profiles = build_profiles(
        [answered("bob", unit(LOGIN), "Q1")],
        NOW,
        declared=[
            DeclaredTopic("erin", "billing", unit(BILLING)),
            DeclaredTopic("erin", "mobile app", unit(MOBILE)),
        ],
    )
    matches = profiles.rank(unit(BILLING, SHIPPING * 0.1), limit=3)
    assert [m.member for m in matches] == ["erin"]
    assert matches[0].declared_topic == "billing"
    assert matches[0].helpful_answers == 0
    assert matches[0].closest is None
    # Two declared topics are two topics, not their blurred average.
    assert matches[0].similarity > 0.99


def test_declared_weight_zero_ignores_declared_topics() -> None:
    topic = DeclaredTopic("erin", "billing", unit(BILLING))
    profiles = build_profiles([], NOW, declared=[topic], declared_weight=0.0)
    assert profiles.rank(unit(BILLING), limit=3) == []


def test_history_is_reported_when_it_matches_better_than_a_declared_topic() -> None:
    profiles = build_profiles(
        [answered("bob", unit(LOGIN), "Q7")],
        NOW,
        declared=[DeclaredTopic("bob", "shipping", unit(SHIPPING))],
    )
    (match,) = profiles.rank(unit(LOGIN), limit=3)
    assert match.declared_topic is None
    assert match.closest is not None
    assert match.closest.ref == "Q7"


def test_excluded_members_are_never_listed() -> None:
    profiles = build_profiles(
        [answered("asker", unit(BILLING), "Q1"), answered("alice", unit(BILLING), "Q2")], NOW
    )
    matches = profiles.rank(unit(BILLING), limit=5, exclude={"asker", "not-a-member"})
    assert [m.member for m in matches] == ["alice"]
    assert [m.member for m in profiles.rank(unit(BILLING), limit=5, exclude="asker")] == ["alice"]


def test_no_contributions_give_an_empty_list() -> None:
    profiles = build_profiles([], NOW)
    assert len(profiles) == 0
    assert profiles.rank(unit(BILLING), limit=3) == []


def test_zero_vectors_carry_no_evidence() -> None:
    profiles = build_profiles(
        [
            answered("ghost", np.zeros(4, dtype=np.float32), "Q1"),
            answered("bob", unit(LOGIN), "Q2"),
        ],
        NOW,
        declared=[DeclaredTopic("ghost", "nothing", np.zeros(4, dtype=np.float32))],
    )
    assert profiles.members == ("bob",)
    assert profiles.rank(np.zeros(4, dtype=np.float32), limit=3) == []


def test_ties_are_broken_by_member_id_whatever_the_input_order() -> None:
    names = ["zoe", "adam", "mia"]
    for order in (names, names[::-1]):
        profiles = build_profiles([answered(n, unit(MOBILE), f"Q-{n}") for n in order], NOW)
        assert [m.member for m in profiles.rank(unit(MOBILE), limit=3)] == ["adam", "mia", "zoe"]


def test_limit_and_similarity_floor() -> None:
    profiles = build_profiles(
        [answered(n, unit(BILLING, LOGIN * i), f"Q{i}") for i, n in enumerate("abcd")], NOW
    )
    assert [m.member for m in profiles.rank(unit(BILLING), limit=2)] == ["a", "b"]
    assert profiles.rank(unit(BILLING), limit=0) == []
    unrelated = profiles.rank(unit(MOBILE), limit=5)
    assert unrelated == []  # nobody answered anything like it: nobody is nudged
    assert len(profiles.rank(unit(MOBILE), limit=5, min_similarity=-1.0)) == 4


def test_two_helpful_answers_on_one_question_count_once() -> None:
    profiles = build_profiles(
        [answered("alice", unit(LOGIN), "Q1"), answered("alice", unit(LOGIN), "Q1", days_ago=0)],
        NOW,
    )
    (match,) = profiles.rank(unit(LOGIN), limit=1)
    assert match.helpful_answers == 1


def test_mixed_dimensions_are_refused() -> None:
    with pytest.raises(ValueError, match="dimensions"):
        build_profiles(
            [answered("a", unit(LOGIN), "Q1"), answered("b", np.ones(3, np.float32), "Q2")], NOW
        )
    profiles = build_profiles([answered("a", unit(LOGIN), "Q1")], NOW)
    with pytest.raises(ValueError, match="dimensions"):
        profiles.rank(np.ones(3, np.float32), limit=1)
    with pytest.raises(ValueError, match="half_life_days"):
        build_profiles([], NOW, half_life_days=0)


def test_recency_weight_halves_every_half_life() -> None:
    times = [NOW, NOW - timedelta(days=90), NOW - timedelta(days=180), NOW + timedelta(days=1)]
    assert recency_weights(times, NOW, 90.0) == pytest.approx([1.0, 0.5, 0.25, 1.0])
    assert recency_weights(times, NOW, None) == pytest.approx([1.0] * 4)
