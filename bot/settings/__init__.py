"""Settings: the typed file + env model (model), platform keys, value formats, reasons, checks.

Re-exports what `from bot.settings import …` offered when this was one module; the other
modules (community_config, config_formats, …) are imported by their own path. Nothing
here imports community_config, which imports this package back.
"""

from bot.settings.check import ENV_PREFIX, SettingsError, read_toml
from bot.settings.model import (
    CONFIG_DIR,
    DEFAULT_CONFIG,
    SECRET_FIELDS,
    CommunityDefaults,
    ConsoleSettings,
    EscalateWhen,
    Language,
    RetrievalSettings,
    Section,
    Settings,
    StorageSettings,
    load_settings,
    merge,
    project_dir,
)

__all__ = [
    "CONFIG_DIR",
    "DEFAULT_CONFIG",
    "ENV_PREFIX",
    "SECRET_FIELDS",
    "CommunityDefaults",
    "ConsoleSettings",
    "EscalateWhen",
    "Language",
    "RetrievalSettings",
    "Section",
    "Settings",
    "SettingsError",
    "StorageSettings",
    "load_settings",
    "merge",
    "project_dir",
    "read_toml",
]
