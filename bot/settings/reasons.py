"""Why a setting's value is refused: one catalogue entry (settings.*) per kind of reason.

The same reason reads in English on the operator's terminal at start-up and in the
community's language when an admin runs /entraide config set.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from bot.core.limits import QUOTE, excerpt
from bot.locales import Messages

RANGE_ERRORS = {
    "greater_than_equal",
    "less_than_equal",
    "greater_than",
    "less_than",
    "int_parsing",
    "int_from_float",
    "int_type",
    "float_parsing",
    "float_type",
    "finite_number",
}
BOOL_ERRORS = {"bool_parsing", "bool_type"}


@dataclass(frozen=True)
class Term:
    """A word of the catalogue used inside a reason (a cron field's name)."""

    key: str


class Reason(ValueError):
    """A value doesn't fit a setting: `key` names the message, `params` fill it."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        # The value quoted in a reason is cut short: a 100 KB value is no error line.
        self.params = {k: excerpt(v, QUOTE) if isinstance(v, str) else v for k, v in params.items()}

    def text(self, t: Callable[..., str]) -> str:
        """The reason in the language of `t` (a translator)."""
        params = {k: t(v.key) if isinstance(v, Term) else v for k, v in self.params.items()}
        return t(self.key, **params)

    def __str__(self) -> str:
        return self.text(english)


@functools.cache
def _messages() -> Messages:
    return Messages()


def english(key: str, /, **params: Any) -> str:
    """A catalogue message in English (start-up errors, before any community exists)."""
    return _messages().get("en", key, **params)


def bounds(field: FieldInfo) -> tuple[Any, Any]:
    """The (low, high) bounds a field's metadata sets; None where there is none."""
    lows = [getattr(rule, "ge", None) for rule in field.metadata]
    highs = [getattr(rule, "le", None) for rule in field.metadata]
    return (
        next((v for v in lows if v is not None), None),
        next((v for v in highs if v is not None), None),
    )


def number_reason(field: FieldInfo) -> Reason:
    """'expected a whole number from 1 to 3, e.g. 3' for a numeric field."""
    low, high = bounds(field)
    whole = field.annotation is int
    example = field.default if isinstance(field.default, int | float) else (low or 0)
    if low is None or high is None:
        return Reason("settings.whole_number" if whole else "settings.number", example=example)
    key = "settings.whole_number_range" if whole else "settings.number_range"
    return Reason(key, low=f"{low:g}", high=f"{high:g}", example=f"{example:g}")


def choice_reason(field: FieldInfo) -> Reason:
    """'expected one of: en, fr' for a field with a fixed set of values (true/false too)."""
    if field.annotation is bool:
        return Reason("settings.choice", choices="true, false")
    return Reason("settings.choice", choices=", ".join(str(a) for a in get_args(field.annotation)))


def from_error(err: ErrorDetails, field: FieldInfo | None) -> Reason | None:
    """The reason behind one pydantic error; None when only pydantic's words exist."""
    cause = err.get("ctx", {}).get("error")
    if isinstance(cause, Reason):
        return cause
    if field is None:
        return None
    kind = err["type"]
    if field.annotation == float | None:  # a number, or auto (suggest_min_similarity)
        low, high = bounds(field)
        return Reason("settings.number_or_auto", low=f"{low or 0:g}", high=f"{high or 1:g}")
    if kind in RANGE_ERRORS and field.annotation in (int, float):
        return number_reason(field)
    if kind == "literal_error" or kind in BOOL_ERRORS:
        return choice_reason(field)
    default = field.get_default(call_default_factory=True)
    if kind in ("list_type", "string_type") and isinstance(default, list | str):
        example = json.dumps(default, ensure_ascii=False)
        return Reason("settings.list" if kind == "list_type" else "settings.text", example=example)
    return None
