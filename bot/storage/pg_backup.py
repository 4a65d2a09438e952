"""`python -m bot backup` on PostgreSQL: pg_dump in its custom format (restore with
pg_restore). The password goes through the environment, never the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

# libpq reads these from a URL's query; anything else is a server setting for asyncpg.
LIBPQ_PARAMETERS = {
    "sslmode", "sslcert", "sslkey", "sslrootcert", "sslcrl", "sslpassword", "connect_timeout",
    "application_name", "options", "target_session_attrs", "gssencmode", "krbsrvname",
    "passfile", "service", "host", "port", "dbname", "user", "keepalives",
}  # fmt: skip


class BackupFailed(Exception):
    """pg_dump is missing or failed; the message says what to do."""


def dump_command(dsn: str, target: Path) -> tuple[list[str], dict[str, str]]:
    """The pg_dump command line and extra environment for a database URL: the password in
    PGPASSWORD, a search_path (our server setting) as --schema."""
    parts = urlsplit(dsn)
    query = parse_qsl(parts.query)
    schemas = [
        name.strip()
        for key, value in query
        if key == "search_path"
        for name in value.split(",")
        if name.strip()
    ]
    kept = [(key, value) for key, value in query if key in LIBPQ_PARAMETERS]
    netloc = parts.netloc
    env = {}
    if parts.password is not None:
        env["PGPASSWORD"] = parts.password
        netloc = netloc.replace(f":{parts.password}@", "@", 1)
    url = parts._replace(netloc=netloc, query=urlencode(kept)).geturl()
    command = ["pg_dump", "--format=custom", f"--file={target}", f"--dbname={url}"]
    command += [f"--schema={schema}" for schema in schemas]
    return command, env


def dump(dsn: str, target: Path) -> None:
    """Write a pg_dump archive of the database (or its search_path schemas) to `target`."""
    if shutil.which("pg_dump") is None:
        raise BackupFailed(
            "pg_dump not found: install the PostgreSQL client tools (e.g. apt install "
            "postgresql-client), or back up with your database provider's snapshots"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    command, env = dump_command(dsn, target)
    done = subprocess.run(
        command, env=os.environ | env, capture_output=True, text=True, timeout=3600, check=False
    )
    if done.returncode != 0:
        raise BackupFailed(f"pg_dump failed: {done.stderr.strip() or done.returncode}")
