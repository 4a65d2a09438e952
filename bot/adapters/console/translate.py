"""Console script lines → actions (pure). The syntax is a public interface: keep it stable."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

NAME = r"(?P<name>[A-Za-z0-9_.-]+)"
REF = r"(?P<ref>\^?[A-Za-z0-9_.-]+)"
TEXT = r"\s*:\s?(?P<text>.*)"

ActionKind = Literal[
    "wait", "post", "reply", "react", "unreact", "press", "edit", "delete", "command"
]


@dataclass(frozen=True)
class Action:
    """One parsed script line."""

    kind: ActionKind
    name: str = ""
    text: str = ""
    ref: str = ""
    channel: str = ""
    emoji: str = ""
    label: str = ""
    duration: str = ""


# Order matters: verbs first, then the plain "NAME: TEXT" post.
_PATTERNS: list[tuple[ActionKind, re.Pattern[str]]] = [
    ("wait", re.compile(r"^wait\s+(?P<duration>\S+)$")),
    (
        "command",
        re.compile(rf"^{NAME}\s+in\s+#(?P<channel>[A-Za-z0-9_.-]+)\s+(?P<text>/.*)$"),
    ),
    ("command", re.compile(rf"^{NAME}\s+in\s+{REF}\s+(?P<text>/.*)$")),
    ("post", re.compile(rf"^{NAME}\s+in\s+#(?P<channel>[A-Za-z0-9_.-]+){TEXT}$")),
    ("reply", re.compile(rf"^{NAME}\s+reply\s+{REF}{TEXT}$")),
    ("react", re.compile(rf"^{NAME}\s+react\s+{REF}\s+(?P<emoji>\S+)$")),
    ("unreact", re.compile(rf"^{NAME}\s+unreact\s+{REF}\s+(?P<emoji>\S+)$")),
    ("press", re.compile(rf"^{NAME}\s+press\s+{REF}\s+(?P<label>.+)$")),
    ("edit", re.compile(rf"^{NAME}\s+edit\s+{REF}{TEXT}$")),
    ("delete", re.compile(rf"^{NAME}\s+delete\s+{REF}$")),
    ("command", re.compile(rf"^{NAME}\s+(?P<text>/.*)$")),
    ("post", re.compile(rf"^{NAME}{TEXT}$")),
]


def is_blank_or_comment(line: str) -> bool:
    """Blank lines and lines whose first non-blank character is '#' do nothing."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def parse_line(line: str) -> Action | None:
    """Parse one non-comment line; None when it matches no action."""
    stripped = line.strip()
    for kind, pattern in _PATTERNS:
        found = pattern.match(stripped)
        if found:
            fields = {k: v for k, v in found.groupdict().items() if v is not None}
            return Action(kind=kind, **fields)
    return None
