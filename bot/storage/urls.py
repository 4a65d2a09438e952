"""Which database a process uses: a file path or `sqlite:///…` (embedded, the default) or
`postgresql://…` (shared by several processes; see README "Running at scale")."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

SQLITE_PREFIX = "sqlite:///"
POSTGRES_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed database URL: SQLite has a path, PostgreSQL a libpq DSN."""

    kind: Literal["sqlite", "postgresql"]
    path: Path | None = None
    dsn: str | None = None

    def redacted(self) -> str:
        """What logs and errors may show: the password replaced by ***."""
        if self.kind == "sqlite":
            return str(self.path)
        parts = urlsplit(self.dsn or "")
        if parts.password is None:
            return self.dsn or ""
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return parts._replace(netloc=netloc).geturl()


def parse(value: str) -> DatabaseUrl:
    """A path, `sqlite:///relative.db`, `sqlite:////absolute.db` or `postgresql://…`;
    ValueError naming what is accepted otherwise."""
    text = value.strip()
    if not text:
        raise ValueError("the database URL is empty")
    if text.startswith(SQLITE_PREFIX):
        path = text.removeprefix(SQLITE_PREFIX)
        if not path:
            raise ValueError(
                "sqlite:/// needs a file path after it, e.g. sqlite:///data/entraide.db"
            )
        return DatabaseUrl("sqlite", path=Path(path))
    scheme, separator, _ = text.partition("://")
    if not separator:
        return DatabaseUrl("sqlite", path=Path(text))
    if scheme.lower() in POSTGRES_SCHEMES:  # postgresql:///db is libpq's local socket
        return DatabaseUrl("postgresql", dsn=text)
    raise ValueError(
        f"unsupported database {scheme}://; use a file path, sqlite:///path or postgresql://…"
    )
