"""ENTRAIDE_DATABASE_URL: a path or sqlite:/// (embedded), postgresql:// (shared); anything
else is refused with what is accepted, and a password never reaches a log line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.urls import parse


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("data/entraide.db", Path("data/entraide.db")),
        ("/var/lib/entraide/e.db", Path("/var/lib/entraide/e.db")),
        ("sqlite:///data/entraide.db", Path("data/entraide.db")),
        ("sqlite:////var/lib/entraide/e.db", Path("/var/lib/entraide/e.db")),
    ],
)
def test_paths_and_sqlite_urls_are_the_embedded_database(value: str, path: Path) -> None:
    url = parse(value)
    assert (url.kind, url.path, url.dsn) == ("sqlite", path, None)


@pytest.mark.parametrize(
    "value",
    [
        "postgresql://bot:s3cret@db.internal:5432/entraide",
        "postgres://bot@db/entraide",
        "postgresql:///entraide",  # the local socket
    ],
)
def test_postgresql_urls_keep_their_dsn(value: str) -> None:
    url = parse(value)
    assert (url.kind, url.dsn, url.path) == ("postgresql", value, None)


def test_the_password_is_hidden_when_shown() -> None:
    shown = parse("postgresql://bot:s3cret@db.internal:5432/entraide").redacted()
    assert shown == "postgresql://bot:***@db.internal:5432/entraide"
    assert "s3cret" not in shown


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("", "empty"),
        ("sqlite:///", "needs a file path"),
        ("mysql://root@localhost/entraide", "unsupported database mysql://"),
    ],
)
def test_what_isnt_a_database_url_is_refused_with_the_reason(value: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse(value)
