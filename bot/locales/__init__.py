"""Message catalogues: every user-facing string, in English and French."""

from __future__ import annotations

import functools
import logging
import tomllib
from collections.abc import Callable, Mapping
from importlib import resources
from string import Formatter
from typing import Any

from bot.locales.wording import CatalogueFormatter

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr")
FALLBACK = "en"


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, str]) -> None:
    # A table's "_" entry is the table's own message: [help.rep] _ = … is help.rep, beside
    # help.rep.adjust (TOML can't make help.rep both a string and a table).
    for key, value in table.items():
        name = prefix.rstrip(".") if key == "_" else f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(name + ".", value, out)
        else:
            out[name] = str(value)


def load_catalogue(language: str) -> dict[str, str]:
    """All messages of one language, keyed 'section.name'."""
    text = resources.files("bot.locales").joinpath(f"{language}.toml").read_text("utf-8")
    out: dict[str, str] = {}
    _flatten("", tomllib.loads(text), out)
    return out


def placeholders(template: str) -> set[str]:
    """Names used as {name} in a template."""
    return {field for _, field, _, _ in Formatter().parse(template) if field}


class Messages:
    """Looks up and fills messages; a missing translation falls back to English."""

    def __init__(self) -> None:
        self.catalogues = {lang: load_catalogue(lang) for lang in LANGUAGES}
        self._formatters = {
            lang: CatalogueFormatter(lang, self._with_fallback(lang)) for lang in LANGUAGES
        }

    def _with_fallback(self, language: str) -> dict[str, str]:
        return {**self.catalogues[FALLBACK], **self.catalogues[language]}

    def has(self, key: str) -> bool:
        """Whether the English catalogue defines `key`."""
        return key in self.catalogues[FALLBACK]

    def get(self, language: str, key: str, /, **params: Any) -> str:
        """The message `key` in `language`, filled with `params`."""
        if language not in self.catalogues:
            language = FALLBACK
        template = self.catalogues[language].get(key)
        if template is None:
            template = self.catalogues[FALLBACK].get(key)
            if template is None:
                log.error("missing message key %s", key)
                return key
        try:
            return self._formatters[language].format(template, **params)
        except (KeyError, IndexError, ValueError, TypeError):
            log.exception("message %s could not be filled with %s", key, sorted(params))
            return template

    def duration(self, language: str, seconds: float) -> str:
        """A span of time in words ('2 h 5 min', '4 jours'), as `{x:duration}` says it."""
        return self._formatters.get(language, self._formatters[FALLBACK]).duration(seconds)

    def count(self, language: str, n: int, unit: str) -> str:
        """'1 question', '2 questions': a count with its unit, as `{n:count:unit}` says it."""
        return self._formatters.get(language, self._formatters[FALLBACK]).count(n, unit)

    def translator(self, language: str) -> Callable[..., str]:
        """`get` bound to one language, for work that has no event context (timers)."""
        return functools.partial(self.get, language)
