"""Where the knowledge base lives: the shipped folder (`knowledge/`, read-only as far as the
bot is concerned) and the overlay in the data folder, where this installation's drafts and
approved articles go. The overlay is read over the shipped folder: an article of the same
language and name replaces the shipped one."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.retrieval.articles import Article, ArticleError, load_directory
from bot.settings import RetrievalSettings, project_dir
from bot.settings.check import SettingsError

log = logging.getLogger(__name__)

OVERLAY = "knowledge"  # the overlay's folder name beside the database


def shipped_dir(retrieval: RetrievalSettings) -> Path:
    """The knowledge folder settings name (a relative one beside the package, like config/);
    SettingsError naming it if it isn't there: a typo would otherwise serve nothing."""
    configured = retrieval.knowledge_dir
    directory = configured if configured.is_absolute() else project_dir(str(configured))
    if not directory.is_dir():
        what = "is not a folder" if directory.exists() else "does not exist"
        raise SettingsError(
            f"retrieval.knowledge_dir: {directory} {what}; point it at the folder of "
            "Markdown articles (the shipped one is knowledge/), or create the folder"
        )
    if not any(directory.rglob("*.md")):
        log.info("knowledge folder %s has no articles yet", directory)
    return directory


def overlay_dir(retrieval: RetrievalSettings, db_path: Path) -> Path:
    """The overlay: [retrieval] knowledge_overlay, else knowledge/ beside the database."""
    return retrieval.knowledge_overlay or db_path.parent / OVERLAY


def load_layers(shipped: Path, overlay: Path) -> tuple[list[Article], list[ArticleError]]:
    """The shipped articles with the overlay's read over them (same language and name: the
    overlay's wins); problems of both folders reported."""
    articles, errors = load_directory(shipped)
    if not overlay.is_dir() or overlay.resolve() == shipped.resolve():
        return articles, errors
    mine, problems = load_directory(overlay)
    replaced = {article.key for article in mine}
    kept = [article for article in articles if article.key not in replaced]
    return kept + mine, errors + problems
