"""Knowledge-base articles as cogs list them (suggestions and /kb search share the lines)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.retrieval.articles import Article
from bot.runtime.context import Context


def reference(ctx: Context, article: Article) -> str:
    """Where to read the whole article: its URL, else the /kb show command."""
    return article.url or ctx.t("suggestions.show_hint", slug=article.slug)


def numbered(ctx: Context, articles: Sequence[Article], *, start: int = 1) -> list[str]:
    """One line per article: number, title, excerpt and where to read it."""
    return [
        ctx.t(
            "suggestions.item",
            number=number,
            title=article.title,
            excerpt=article.excerpt(),
            where=reference(ctx, article),
        )
        for number, article in enumerate(articles, start=start)
    ]
