"""What the privacy commands send: the export file and the erase confirmation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.replies import Attachment, Button
from bot.runtime.context import Context

FORGET_ACTION = "privacy.forget"
SAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")


def export_file(name: str, document: dict[str, Any]) -> Attachment:
    """`entraide-data-<name>.json`, the name reduced to characters every platform accepts."""
    safe = SAFE_NAME_RE.sub("-", name).strip("-.") or "member"
    data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return Attachment(f"entraide-data-{safe}.json", data, "application/json")


@dataclass(frozen=True)
class Confirmation:
    """What a confirm button carries: whose data, who may press, and when it was offered."""

    target: int
    requester: int
    issued: int  # seconds since the epoch

    @property
    def value(self) -> str:
        """The button's value."""
        return f"{self.target}:{self.requester}:{self.issued}"

    @classmethod
    def parse(cls, value: str) -> Confirmation | None:
        """The confirmation a button value describes, or None if it isn't one."""
        parts = value.split(":")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return None
        return cls(int(parts[0]), int(parts[1]), int(parts[2]))

    def age_seconds(self, now: datetime) -> float:
        """How long ago it was offered."""
        return now.timestamp() - self.issued


def confirm_buttons(ctx: Context, confirmation: Confirmation, *, own: bool) -> tuple[Button, ...]:
    """The one danger button that erases."""
    label = ctx.t("privacy.button_own" if own else "privacy.button_member")
    return (Button(label, FORGET_ACTION, confirmation.value, style="danger"),)
