"""python -m bot: the command line lives in bot.cli.main."""

from __future__ import annotations

import sys

from bot.cli.main import entry

__all__ = ["entry"]

if __name__ == "__main__":
    sys.exit(entry())
