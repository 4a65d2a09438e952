"""Run a command and write its peak RSS (KiB) to a file, for the bench to read afterwards.

python -m bench.peak_rss OUT COMMAND…   (the command's stdin, stdout and stderr pass through)

wait4 reports the child's own ru_maxrss: the bot process's peak over its whole life, not the
bench's (after fork the child's count starts at this small wrapper's size, not the bench's).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def main() -> None:
    """Run argv[2:], write its peak RSS in KiB to argv[1], exit with its exit code."""
    out, command = Path(sys.argv[1]), sys.argv[2:]
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen quiet
    out.write_text(f"{usage.ru_maxrss}\n", encoding="ascii")
    sys.exit(child.returncode if child.returncode >= 0 else 128 - child.returncode)


if __name__ == "__main__":
    main()
