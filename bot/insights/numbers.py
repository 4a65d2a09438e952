"""Counts, shares and durations as people read them, in one language."""

from __future__ import annotations

from collections.abc import Callable

from bot.insights.charts import messages, translator
from bot.insights.model import Durations

NONE = "—"  # a figure with nothing to measure (a rate over zero questions) is not 0


class Numbers:
    """Counts, shares and durations written for people, in one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.t: Callable[..., str] = translator(language)

    def count(self, n: int) -> str:
        """1,234 / 1 234."""
        return f"{n:,}".replace(",", self.t("insights.report.thousands_mark"))

    def percent(self, share: float | None) -> str:
        """42% / 42 %; a decimal below 10% where it matters, and never a rounded 100% (2 of
        500 unanswered is 99.6%, not 100%), nor 0% for a few; — for None."""
        if share is None:
            return NONE
        value = share * 100
        whole = value == round(value) or (10 <= value < 99.5)
        if value > 99.9 and not whole:
            value = 99.9  # 99.96% written "100.0%" would say the same lie
        text = f"{value:.0f}" if whole else f"{max(value, 0.1):.1f}"
        text = text.replace(".", self.t("insights.report.decimal_mark"))
        if 0 < value < 0.1:
            text = "<" + text
        return self.t("insights.report.percent", value=text)

    def rate(self, share: float | None, part: int, total: int) -> str:
        """'42% (21 of 50)', or — when nothing was there to count."""
        if share is None:
            return NONE
        return self.t(
            "insights.report.rate",
            rate=self.percent(share),
            part=self.count(part),
            total=self.count(total),
        )

    def duration(self, seconds: float | None) -> str:
        """'less than a minute', '12 min', '3 h 5 min', '1 day 4 h', '4 days' (the
        catalogue's one duration formatter), or — for None."""
        if seconds is None:
            return NONE
        return messages().duration(self.language, seconds)

    def durations(self, d: Durations, over: str = "answered") -> str:
        """Median and 90th percentile, with how many questions they cover: `over` says which
        (answered, helped, solved)."""
        if d.count == 0:
            return NONE
        return self.t(
            "insights.report.durations"
            if over == "answered"
            else f"insights.report.durations_{over}",
            median=self.duration(d.median),
            p90=self.duration(d.p90),
            count=self.count(d.count),
        )
