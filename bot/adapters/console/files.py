"""Files that replies carry, saved to the console's files folder under names of their own."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.replies import Attachment

# Past this many same-named files something is wrong; stop rather than loop forever.
MAX_TRIES = 10_000


def safe_name(name: str) -> tuple[str, str]:
    """(stem, suffix) of a name fit for any file system: no folders, no odd characters."""
    base = Path(name.replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._")[:80] or "file"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)[:10]
    return stem, f".{suffix}" if suffix else ""


def save(directory: Path, attachment: Attachment) -> Path:
    """Write the file into `directory` (created if needed), never over an existing file:
    chart.png, then chart-2.png, chart-3.png …; returns the absolute path. Raises OSError."""
    directory.mkdir(parents=True, exist_ok=True)
    stem, suffix = safe_name(attachment.name)
    for number in range(1, MAX_TRIES + 1):
        path = directory / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
        try:
            # "x": created here or refused, so a file another run just wrote is never replaced.
            with path.open("xb") as out:
                out.write(attachment.data)
        except FileExistsError:
            continue
        return path.resolve()
    raise FileExistsError(f"{MAX_TRIES} files named {stem}{suffix} already")
