"""The rule for points an earlier answer earns when it solves a new question (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.cogs.reputation._rules import ReuseFacts, reuse_points
from bot.settings import CommunityDefaults

CONFIG = CommunityDefaults()  # points_reused 5, helpful_daily_cap 200


def facts(**changes: object) -> ReuseFacts:
    """bob (2) answered long ago; carol (3) asks now; nothing credited yet."""
    base: dict[str, object] = {
        "receiver_id": 2,
        "asker_id": 3,
        "already_credited": False,
        "receiver_earned_today": 0,
    }
    return ReuseFacts(**(base | changes))  # type: ignore[arg-type]


def test_the_earlier_author_gets_points_reused() -> None:
    """The plain case: +5."""
    assert reuse_points(facts(), CONFIG) == CONFIG.points_reused == 5


def test_nothing_for_ones_own_answer_twice_or_without_an_author() -> None:
    """Asking again what you answered, a second solve of one question, a forgotten author."""
    assert reuse_points(facts(asker_id=2), CONFIG) == 0
    assert reuse_points(facts(already_credited=True), CONFIG) == 0
    assert reuse_points(facts(receiver_id=None), CONFIG) == 0


@given(earned=st.integers(min_value=0, max_value=400))
def test_the_daily_cap_counts_reused_points_like_marks(earned: int) -> None:
    """Never past the cap: only what is left of it, down to nothing."""
    points = reuse_points(facts(receiver_earned_today=earned), CONFIG)
    assert points == max(0, min(CONFIG.points_reused, CONFIG.helpful_daily_cap - earned))
    assert earned + points <= max(earned, CONFIG.helpful_daily_cap)
