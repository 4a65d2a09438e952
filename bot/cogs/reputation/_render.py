"""What reputation says: refusals, accepts, /rep cards and histories."""

from __future__ import annotations

from bot.cogs.reputation import _rules
from bot.cogs.reputation._outcome import Outcome
from bot.runtime.context import Context
from bot.settings.config_formats import Rank, rank_message_key
from bot.storage.reputation import LedgerRow


def rank_name(ctx: Context, name: str) -> str:
    """A default rank name in the community's language; an admin's own name as configured."""
    key = rank_message_key(name)
    return ctx.t(key) if key else name


def marked(ctx: Context, outcome: Outcome, receiver: str | None) -> str:
    """The giver's confirmation of a mark; on a shared article that earns nothing, why."""
    shared = outcome.answer is not None and outcome.answer.shared and not outcome.points
    key = "reputation.marked_shared" if shared else "reputation.marked"
    return ctx.t(key, member=receiver or "", points=outcome.points)


def refusal(ctx: Context, why: str, receiver: str | None, points: int) -> str:
    """Why a mark or accept gave fewer points than usual (told to the giver only)."""
    config = ctx.config
    return ctx.t(
        f"reputation.refused_{why}",
        member=receiver or "",
        days=config.min_award_age_days,
        limit=config.pair_daily_limit,
        cap=config.helpful_daily_cap,
        points=points,
    )


def card(
    ctx: Context,
    member: str,
    total: int,
    rank: Rank,
    givers: int,
    week: int,
    topics: list[str],
) -> str:
    """The /rep answer."""
    config = ctx.config
    shown = rank_name(ctx, rank.name)
    lines = [ctx.t("reputation.card", member=member, total=total, rank=shown, week=week)]
    following = _rules.next_rank(rank, config)
    if following is None:
        lines.append(ctx.t("reputation.progress_top"))
    elif total >= following.points:
        lines.append(
            ctx.t(
                "reputation.progress_givers",
                rank=rank_name(ctx, following.name),
                missing=config.rank_min_givers - givers,
            )
        )
    else:
        span = following.points - rank.points
        done = total - rank.points
        bar = "▰" * round(10 * done / span) + "▱" * (10 - round(10 * done / span))
        lines.append(
            ctx.t(
                "reputation.progress_next",
                bar=bar,
                missing=following.points - total,
                rank=rank_name(ctx, following.name),
            )
        )
    if topics:
        lines.append(ctx.t("reputation.topics", topics=", ".join(topics)))
    return "\n".join(lines)


def history(ctx: Context, member: str, rows: list[LedgerRow]) -> str:
    """The /rep history answer, newest first."""
    if not rows:
        return ctx.t("reputation.history_empty", member=member)
    lines = [ctx.t("reputation.history_header", member=member)]
    for row in rows:
        detail = row.note or ctx.t(f"reputation.why_{row.kind}_{row.reason}")
        where = f" Q{row.question_number}" if row.question_number else ""
        by = f" (<@{row.actor}>)" if row.actor else ""
        lines.append(
            f"{row.created_at[:16].replace('T', ' ')}  {row.delta:+d}  {detail}{where}{by}"
        )
    return "\n".join(lines)
