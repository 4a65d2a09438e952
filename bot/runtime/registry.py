"""Feature discovery: every package under bot/cogs with a `setup(app)` is a cog."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import bot.cogs


def cog_modules() -> list[ModuleType]:
    """Import every feature package under bot/cogs (names starting with '_' are helpers)."""
    modules = []
    for info in sorted(pkgutil.iter_modules(bot.cogs.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or not info.ispkg:
            continue
        modules.append(importlib.import_module(f"bot.cogs.{info.name}"))
    return modules
