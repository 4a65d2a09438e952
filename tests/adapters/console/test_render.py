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


def test_inline_code_shows_plain_and_code_blocks_whole() -> None:
    """The bot's `/privacy export` reads /privacy export in a terminal; a fenced block keeps
    its lines as they are; a member's own text is shown exactly as typed."""
    bot = message_line(
        "M3", "entraide", "Run: `/privacy export`, ``a`b``\n```\nkeep `this`\n```", place="[#help]"
    )
    assert bot.splitlines() == [
        "M3 [#help] entraide: Run: /privacy export, a`b",
        "    ```",
        "    keep `this`",
        "    ```",
    ]
    member = message_line("M4", "alice", "why `x`?", place="[#help]", markup=False)
    assert member == "M4 [#help] alice: why `x`?"
