"""How the catalogues say counts and durations: `{n:count:question}` and `{waited:duration}`.

Why in the formatter and not in each cog: every message that says "how many" or "how long"
then agrees on plural forms and units in both languages, and a translator can move or
reword them without touching code. A template names the unit; the catalogue's `[units]`
table holds its forms (`one`, `other`), and `[duration]` how a span of time reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from string import Formatter
from typing import Any

# CLDR's cardinal rules for the two catalogues: French says "0 question", "1,5 jour".
_PLURAL_ONE: dict[str, Callable[[float], bool]] = {
    "en": lambda n: n == 1,
    "fr": lambda n: 0 <= n < 2,
}


def plural_form(language: str, n: float) -> str:
    """'one' or 'other' for a count in `language`."""
    rule = _PLURAL_ONE.get(language, _PLURAL_ONE["en"])
    # CLDR reads the absolute value: "-1 point" like "1 point" (a /rep adjust of -1).
    return "one" if rule(abs(n)) else "other"


def seconds_of(value: Any) -> float:
    """A duration given as a timedelta or a number of seconds."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


class CatalogueFormatter(Formatter):
    """str.format with two more format specs: `count:UNIT` and `duration`."""

    def __init__(self, language: str, catalogue: Mapping[str, str]) -> None:
        super().__init__()
        self.language = language
        self.catalogue = catalogue

    def format_field(self, value: Any, format_spec: str) -> str:
        """Counts and durations in words; every other spec as str.format does it."""
        if format_spec == "duration":
            return self.duration(seconds_of(value))
        if format_spec.startswith("count:"):
            return self.count(int(value), format_spec.removeprefix("count:"))
        return str(super().format_field(value, format_spec))

    def _say(self, key: str, **params: Any) -> str:
        template = self.catalogue.get(key)
        if template is None:
            raise ValueError(f"no message {key}")
        return self.format(template, **params)

    def count(self, n: int, unit: str) -> str:
        """'1 question', '2 questions', '0 question' (French)."""
        return self._say(f"units.{unit}.{plural_form(self.language, n)}", n=n)

    def duration(self, seconds: float) -> str:
        """A span as people say it: '45 s' never, 'less than a minute', '12 min',
        '2 h 5 min', '1 day 3 h', '4 days' (rounded down: a wait is never overstated)."""
        total_minutes = max(0, int(seconds // 60))
        days, rest = divmod(total_minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        if total_minutes == 0:
            return self._say("duration.under_minute")
        if days >= 2:
            return self.count(days, "day")
        if days == 1:
            if hours:
                return self._say("duration.day_hours", days=self.count(1, "day"), h=hours)
            return self.count(1, "day")
        if hours and minutes:
            return self._say("duration.hours_minutes", h=hours, m=minutes)
        if hours:
            return self._say("duration.hours", h=hours)
        return self._say("duration.minutes", m=minutes)
