"""Member expertise: the model (profiles) and the ranking that nudges and /experts use."""

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
