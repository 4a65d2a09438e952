"""The paired bootstrap over queries: properties any interval of a difference must have."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.retrieval.bootstrap import paired_bootstrap

AP = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
SCORES = st.lists(AP, min_size=1, max_size=60)
# Few resamples keep each example fast; the properties hold for any count.
FAST = {"resamples": 200}


@settings(max_examples=50, deadline=None)
@given(SCORES)
def test_identical_systems_give_exactly_zero(scores: list[float]) -> None:
    """No difference on any query: every resample's difference is 0."""
    interval = paired_bootstrap(scores, scores, **FAST)
    assert (interval.diff, interval.low, interval.high) == (0.0, 0.0, 0.0)
    assert not interval.excludes_zero()


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0.0, max_value=0.5), st.floats(min_value=1e-3, max_value=0.5)
        ),
        min_size=1,
        max_size=60,
    )
)
def test_better_on_every_query_is_above_zero(pairs: list[tuple[float, float]]) -> None:
    """A system ahead on every query is ahead on every resample of them."""
    baseline = [b for b, _ in pairs]
    better = [b + gain for b, gain in pairs]
    interval = paired_bootstrap(better, baseline, **FAST)
    assert 0 < interval.low <= interval.diff <= interval.high
    assert interval.excludes_zero()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(AP, AP), min_size=1, max_size=60))
def test_swapping_the_systems_negates_the_interval(pairs: list[tuple[float, float]]) -> None:
    """B against A is A against B mirrored (same seed, so the same resamples)."""
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    forward, backward = paired_bootstrap(a, b, **FAST), paired_bootstrap(b, a, **FAST)
    assert backward.diff == pytest.approx(-forward.diff, abs=1e-9)
    assert backward.low == pytest.approx(-forward.high, abs=1e-9)
    assert backward.high == pytest.approx(-forward.low, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(AP, AP), min_size=1, max_size=60))
def test_the_interval_holds_the_mean_difference_in_map_points(
    pairs: list[tuple[float, float]],
) -> None:
    """The difference is mean(a − b) on the 0–100 scale, and the interval stays in range."""
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    interval = paired_bootstrap(a, b, **FAST)
    mean = 100 * sum(x - y for x, y in pairs) / len(pairs)
    assert interval.diff == pytest.approx(mean, abs=1e-9)
    assert -100 - 1e-9 <= interval.low <= interval.high <= 100 + 1e-9
    assert min(x - y for x, y in pairs) * 100 - 1e-9 <= interval.low
    assert interval.high <= max(x - y for x, y in pairs) * 100 + 1e-9


def test_the_same_data_gives_the_same_interval() -> None:
    """Fixed seed: a report can be re-run and checked to the digit."""
    a, b = [0.9, 0.2, 0.5, 1.0, 0.0], [0.7, 0.3, 0.5, 0.6, 0.1]
    assert paired_bootstrap(a, b) == paired_bootstrap(a, b)


def test_a_noisy_gain_straddles_zero_and_a_steady_one_does_not() -> None:
    """+2 points as one big win among losses is noise; +2 on every query is not."""
    noisy_a = [1.0] + [0.4] * 9
    noisy_b = [0.0] + [0.5] * 9
    steady_a, steady_b = [0.52] * 10, [0.5] * 10
    noisy = paired_bootstrap(noisy_a, noisy_b)
    assert noisy.diff == pytest.approx(1.0)
    assert noisy.low < 0 < noisy.high
    steady = paired_bootstrap(steady_a, steady_b)
    assert steady.low == pytest.approx(2.0)
    assert steady.high == pytest.approx(2.0)


def test_unpaired_scores_are_refused() -> None:
    """Two systems must be scored on the same queries."""
    with pytest.raises(ValueError, match="differ in length"):
        paired_bootstrap([0.1, 0.2], [0.1])
