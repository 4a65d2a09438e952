"""Settings for a bot under test, built one way for the console, Discord and Slack."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.settings import Settings, load_settings


def default_settings() -> Settings:
    """Defaults from config/default.toml, untouched by the environment."""
    return load_settings(environ={})


def make_settings(
    folder: Path,
    *,
    base: Settings | None = None,
    community: Mapping[str, Any] | None = None,
    knowledge_dir: Path | None = None,
    **retrieval: Any,
) -> Settings:
    """`base` (default: the shipped defaults) with `community` and `retrieval` overrides.

    The knowledge base is `knowledge_dir`, or an empty folder in `folder` (so the bot
    suggests nothing); `retrieval` takes other retrieval settings, e.g. `dense=False`.
    """
    settings = base or default_settings()
    if knowledge_dir is None:
        knowledge_dir = folder / "empty-knowledge"
        knowledge_dir.mkdir(exist_ok=True)
    chosen_retrieval = settings.retrieval.model_copy(
        update={"knowledge_dir": knowledge_dir} | retrieval
    )
    # Tests run on a FakeEmbedder, whose cosines mean nothing to the calibrated gate: a
    # fixed one, unless a test gives its own base settings or asks for another value.
    fixed = {"suggest_min_similarity": 0.6} if base is None else {}
    chosen_community = settings.community.model_copy(update=fixed | dict(community or {}))
    return settings.model_copy(
        update={"community": chosen_community, "retrieval": chosen_retrieval}
    )
