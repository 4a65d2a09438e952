"""Texts of the knowledge-base commands."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cogs._articles import numbered, reference
from bot.cogs.kb import _logic
from bot.core.limits import FENCE_ROOM, excerpt, fenced
from bot.retrieval.articles import Article
from bot.retrieval.service import Hit, LoadReport
from bot.runtime.context import Context
from bot.storage.history import SolvedThread

MAX_ARTICLE_CHARS = 5500  # Discord shows it in three messages, the console cuts it at 4,000
# A shared article is one message on every platform (Discord takes 2,000 characters): the
# answer members mark helpful is that message, so it must not be split.
MAX_SHARED_CHARS = 1900
MIN_SHARED_BODY = 200  # even beside a very long title or address, some of the article shows
MAX_TITLE_CHARS = 150
MAX_ERRORS_SHOWN = 5


def search_results(ctx: Context, text: str, hits: Sequence[Hit]) -> str:
    """Numbered results with excerpts, or a 'nothing found' line."""
    if not hits:
        return ctx.t("kb.no_results", text=excerpt(text, 100))
    header = ctx.t("kb.results_header", text=excerpt(text, 100))
    return "\n".join([header, *numbered(ctx, [hit.article for hit in hits])])


def article(ctx: Context, found: Article) -> str:
    """An article's title and body (shortened for chat), and its link."""
    body = excerpt(found.body, MAX_ARTICLE_CHARS)
    parts = [f"**{found.title}**", body]
    if found.url:
        parts.append(found.url)
    return "\n\n".join(parts)


def shared(ctx: Context, found: Article, member: str) -> str:
    """What /kb post puts in the thread: who shared it, the article's title and body (cut
    to fit one message, code blocks closed) and where to read all of it."""
    head = ctx.t("kb.shared", member=member, title=excerpt(found.title, MAX_TITLE_CHARS))
    tail = ctx.t("kb.shared_more", where=reference(ctx, found))
    room = MAX_SHARED_CHARS - len(head) - len(tail) - 2 * len("\n\n") - FENCE_ROOM
    body = fenced([excerpt(found.body, max(room, MIN_SHARED_BODY))])[0]
    return "\n\n".join([head, body, tail])


def reload_report(ctx: Context, report: LoadReport) -> str:
    """Counts, then the first skipped files with their line and reason."""
    lines = [
        ctx.t(
            "kb.reloaded",
            articles=report.articles,
            embedded=report.embedded,
            reused=report.reused,
            skipped=len(report.errors),
        )
    ]
    lines += [f"• {error}" for error in report.errors[:MAX_ERRORS_SHOWN]]
    return "\n".join(lines)


def gaps(
    ctx: Context,
    gaps: Sequence[tuple[int, str]],
    groups: Sequence[list[int]],
    solved: dict[int, SolvedThread],
) -> str:
    """One line per topic: how many questions, an example, and their numbers; under a topic
    the community solved several times, the thread to draft its article from."""
    lines = [ctx.t("kb.gaps_header")]
    for group in groups:
        example = excerpt(" ".join(gaps[group[0]][1].split()), 120)
        refs = ", ".join(f"Q{gaps[i][0]}" for i in group)
        lines.append(ctx.t("kb.gap_item", count=len(group), example=example, refs=refs))
        offer = _logic.draft_from([gaps[i][0] for i in group], solved)
        if offer is not None:
            best, times = offer
            spec = ctx.services.commands.specs.get("kb draft")
            command = ctx.chat.usage(spec) if spec else "/kb draft [QUESTION]"
            lines.append(
                ctx.t(
                    "kb.gap_draft",
                    solved=times,
                    ref=best.ref,
                    command=command.replace("[QUESTION]", best.ref),
                )
            )
    return "\n".join(lines)
