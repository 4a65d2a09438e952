"""Can this path serve as the database? Checked before start-up, so the operator gets one line
("cannot open the database data/x.db: it is a folder"), not sqlite3's "unable to open
database file" from deep inside the event loop."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

NOT_SQLITE = "it is not an SQLite database"
READ_ONLY = "it is read-only (the bot needs to write to it, and to its folder)"


class DatabaseUnusable(Exception):
    """The database file can't be used; str() is one line naming the path and why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"cannot open the database {path}: {reason}")
        self.path, self.reason = Path(path), reason


def probe(path: Path, *, read_only: bool = False) -> None:
    """Raise DatabaseUnusable unless `path` opens as an SQLite database (and, unless
    `read_only`, takes a write). A missing file is fine if its folder is writable (read_only:
    the caller reports it); missing folders are created, as the bot would."""
    if str(path) == ":memory:":
        return
    if path.is_dir():
        raise DatabaseUnusable(path, "it is a folder")
    if not path.exists():
        if not read_only:  # the bot creates it: only its folder needs checking (and making)
            _make_folder(path)
        return
    if not os.access(path, os.R_OK):
        raise DatabaseUnusable(path, "permission denied")
    mode = "ro" if read_only else "rw"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        raise DatabaseUnusable(path, describe(exc, path)) from None
    try:
        _try(conn, read_only)
    except sqlite3.Error as exc:
        raise DatabaseUnusable(path, describe(exc, path)) from None
    finally:
        conn.close()


def _try(conn: sqlite3.Connection, read_only: bool) -> None:
    """Read the header (a non-SQLite file fails here), then take and drop a write."""
    conn.isolation_level = None
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if read_only:
        return
    # A read-only file opens without a word and even takes BEGIN IMMEDIATE: only a write
    # says so. Writing the same user_version, rolled back, changes nothing.
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"PRAGMA user_version = {int(version)}")
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _make_folder(path: Path) -> None:
    """The database's folder, created if missing; DatabaseUnusable naming why not."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise DatabaseUnusable(path, f"{path.parent} is not a folder") from None
    except NotADirectoryError:
        raise DatabaseUnusable(path, f"a part of {path.parent} is a file, not a folder") from None
    except OSError as exc:
        raise DatabaseUnusable(path, f"cannot create {path.parent}: {exc.strerror}") from None
    # SQLite creates the file and, beside it, the WAL and shared-memory files.
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseUnusable(path, f"its folder {path.parent} is not writable")


def describe(exc: BaseException, path: Path) -> str:
    """The reason for the operator, in words (sqlite3's messages name no cause)."""
    text = str(exc).lower()
    if path.is_dir():
        return "it is a folder"
    if "not a database" in text or "malformed" in text:
        return NOT_SQLITE
    if "readonly" in text or "read-only" in text:
        return READ_ONLY
    if "locked" in text or "busy" in text:
        return "another process holds it locked"
    if "unable to open" in text:
        folder = path.parent if str(path.parent) else Path(".")
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"its folder {folder} is not writable"
        return "unable to open it (check its permissions and free space)"
    return str(exc)


def schema_version(path: Path, timeout: float) -> int:
    """The schema version of a database, read without writing (another process has it open)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    try:
        row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    finally:
        conn.close()
    return int(row[0])
