"""The rules of reputation as pure functions: who earns what, and which rank that makes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.settings import CommunityDefaults
from bot.settings.config_formats import Rank, parse_ranks
from bot.storage.bounties import Bounty

# Why a mark earned less than its full points (keys of the reputation.refused_* messages).
SELF = "self"
TOO_NEW = "too_new"
PAIR_LIMIT = "pair_limit"
BACK_AND_FORTH = "back_and_forth"
DAILY_CAP = "daily_cap"


@dataclass(frozen=True)
class MarkFacts:
    """What the database says about a helpful mark about to be given."""

    giver_id: int
    receiver_id: int | None
    giver_since: datetime
    at: datetime
    given_today_to_receiver: int
    receiver_awarded_giver_recently: bool
    receiver_helpful_today: int
    shared: bool = False  # the answer is an article the receiver shared with /kb post


def full_points(usual: int, shared: bool, config: CommunityDefaults) -> int:
    """What an answer earns its author in full: the usual points, or for an article a member
    shared with /kb post the community's points_shared (0 by default: finding an article is
    not writing an answer, and the mark still counts for the question)."""
    return config.points_shared if shared else usual


def helpful_points(facts: MarkFacts, config: CommunityDefaults) -> tuple[int, str | None]:
    """(points the receiver gets, why it is less than full or None)."""
    if facts.receiver_id is None or facts.receiver_id == facts.giver_id:
        return 0, SELF
    if facts.at - facts.giver_since < timedelta(days=config.min_award_age_days):
        return 0, TOO_NEW
    if facts.given_today_to_receiver >= config.pair_daily_limit:
        return 0, PAIR_LIMIT
    if facts.receiver_awarded_giver_recently:
        return 0, BACK_AND_FORTH
    full = full_points(config.points_helpful, facts.shared, config)
    room = max(0, config.helpful_daily_cap - facts.receiver_helpful_today)
    points = min(full, room)
    return points, (DAILY_CAP if points < full else None)


@dataclass(frozen=True)
class ReuseFacts:
    """What the database says when an earlier answer solved a new question."""

    receiver_id: int | None  # the earlier answer's author
    asker_id: int | None  # the new question's asker
    already_credited: bool  # the author holds points for this question already
    receiver_earned_today: int  # helpful and reused points today (the daily cap)


def reuse_points(facts: ReuseFacts, config: CommunityDefaults) -> int:
    """Points for the author of an earlier answer that solved a new question: none for
    one's own answer or twice for one question; counted in the daily cap like marks."""
    if facts.receiver_id is None or facts.receiver_id == facts.asker_id:
        return 0
    if facts.already_credited:
        return 0
    room = max(0, config.helpful_daily_cap - facts.receiver_earned_today)
    return min(config.points_reused, room)


def ranks(config: CommunityDefaults) -> list[Rank]:
    """The community's ranks, lowest first."""
    return parse_ranks(config.ranks)


def rank_for(total: int, givers: int, config: CommunityDefaults) -> Rank:
    """The rank a total earns; past the second rank, only with enough distinct givers."""
    ladder = ranks(config)
    reached = [r for r in ladder if total >= r.points]
    best = reached[-1] if reached else ladder[0]
    if ladder.index(best) >= 2 and givers < config.rank_min_givers:
        return ladder[min(1, len(ladder) - 1)]
    return best


def next_rank(rank: Rank, config: CommunityDefaults) -> Rank | None:
    """The rank after `rank`, if any."""
    ladder = ranks(config)
    at = [r.name for r in ladder].index(rank.name)
    return ladder[at + 1] if at + 1 < len(ladder) else None


def rank_index(name: str | None, config: CommunityDefaults) -> int:
    """Position of a rank name on the ladder (-1 if unknown, e.g. after a config change)."""
    names = [r.name for r in ranks(config)]
    return names.index(name) if name in names else -1


@dataclass(frozen=True)
class BountyMove:
    """A bounty changing hands: from its holder (None: escrow) to a member (None: escrow)."""

    amount: int
    take_from: int | None
    give_to: int | None


def bounty_earner(
    author_id: int | None, accepter_id: int | None, shared: bool, config: CommunityDefaults
) -> int | None:
    """Who a bounty goes to when an answer is accepted (None: it waits in escrow). Nobody
    earns one by accepting their own answer (a moderator's), nor by a shared article that
    earns no points (points_shared 0)."""
    if author_id is None or author_id == accepter_id:
        return None
    return None if shared and not config.points_shared else author_id


def bounty_move(bounty: Bounty | None, author_id: int | None) -> BountyMove | None:
    """Where a bounty goes when its question's accepted answer is now `author_id`'s (None: no
    accepted answer any more, or an anonymised author). It follows the accepted answer; the
    sponsor never earns their own bounty (it waits in escrow); an expired one stays ended."""
    if bounty is None or bounty.status == "expired":
        return None
    holder = bounty.awarded_to if bounty.status == "awarded" else None
    earner = None if author_id == bounty.sponsor_id else author_id
    if holder == earner:
        return None
    return BountyMove(bounty.amount, holder, earner)


@dataclass(frozen=True)
class MarkDifference:
    """How stored marks differ from who reacts now: marks to give, marks to take back."""

    give: tuple[str, ...]
    take_back: tuple[str, ...]


def mark_difference(reacting: Iterable[str], stored: Sequence[str]) -> MarkDifference:
    """Members reacting without a stored mark (in id order), and stored marks whose giver no
    longer reacts (in the order they were given); everyone else is already right."""
    now, held = set(reacting), set(stored)
    return MarkDifference(
        tuple(sorted(now - held)), tuple(giver for giver in stored if giver not in now)
    )
