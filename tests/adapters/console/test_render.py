"""Console transcript lines (pure rendering)."""

from __future__ import annotations

from bot.adapters.console.render import file_size, message_line
from bot.core.replies import Attachment, Button


def test_files_show_as_continuation_lines_with_their_size() -> None:
    """A chart and an export under the message, after its buttons."""
    line = message_line(
        "M4",
        "entraide",
        "Insights for this week:",
        place="[#staff]",
        buttons=(Button("Details", "x"),),
        files=(Attachment("chart.png", b"x" * 31_000, "image/png"), Attachment("a.json", b"{}")),
    )
    assert line.splitlines() == [
        "M4 [#staff] entraide: Insights for this week:  [Details]",
        "    📎 chart.png (30 KB)",
        "    📎 a.json (2 B)",
    ]
    assert file_size(3 * 1024 * 1024 // 2) == "1.5 MB"
