"""Member expertise: who is most likely to answer a question (used by expert nudges)."""

from bot.expertise.profiles import (
    Contribution,
    DeclaredTopic,
    Match,
    Profiles,
    build_profiles,
    recency_weights,
)

__all__ = [
    "Contribution",
    "DeclaredTopic",
    "Match",
    "Profiles",
    "build_profiles",
    "recency_weights",
]
