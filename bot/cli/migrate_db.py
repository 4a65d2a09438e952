"""`python -m bot migrate-db --from SQLITE --to POSTGRESQL`: move a community store from its
SQLite file to PostgreSQL (see bot.storage.move), with what was copied and checked."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.storage.move import MoveRefused, move
from bot.storage.postgres import PostgresDatabase
from bot.storage.urls import parse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `migrate-db`."""
    moving = sub.add_parser(
        "migrate-db",
        help="copy a SQLite database into an empty PostgreSQL one, then check the copy",
    )
    moving.add_argument("--from", dest="source", required=True, help="SQLite file or sqlite:///…")
    moving.add_argument("--to", dest="target", required=True, help="postgresql://…")


def run(args: argparse.Namespace) -> int:
    """Copy, check, and say what moved; exit 2 with the reason when it can't."""
    try:
        source, target = parse(args.source), parse(args.target)
    except ValueError as exc:
        print(f"entraide: migrate-db: {exc}", file=sys.stderr)
        return 2
    if source.kind != "sqlite" or source.path is None:
        print("entraide: migrate-db: --from takes a SQLite file", file=sys.stderr)
        return 2
    if target.kind != "postgresql" or target.dsn is None:
        print("entraide: migrate-db: --to takes a postgresql:// URL", file=sys.stderr)
        return 2
    try:
        moved = asyncio.run(_move(source.path, target.dsn))
    except MoveRefused as exc:
        print(f"entraide: migrate-db: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # PostgreSQL refused the connection
        print(f"entraide: migrate-db: {target.redacted()}: {exc}", file=sys.stderr)
        return 2
    rows = sum(moved.values())
    print(
        f"copied {rows} rows in {len(moved)} tables from {source.path} to {target.redacted()};"
        " checked: every table's rows, every reputation total against its ledger"
    )
    return 0


async def _move(path: Path, dsn: str) -> dict[str, int]:
    store = PostgresDatabase(dsn)
    await store.open()  # the same migrations as the bot applies
    try:
        return (await move(path, store)).rows
    finally:
        await store.close()
