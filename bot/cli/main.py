"""Command line: python -m bot run | demo | backup | kb | insights | health (composition root)."""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import sqlite3
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.adapters.console.lines import split_script
from bot.cli import health, insights, kb, migrate_db
from bot.settings import Settings, SettingsError, load_settings
from bot.settings.platform_settings import with_shards
from bot.storage import pg_backup
from bot.storage.db import backup
from bot.storage.probe import DatabaseUnusable, probe

ADAPTERS = ("console", "discord", "slack")
MISSING = {
    "discord": "ENTRAIDE_DISCORD_TOKEN (the bot token from the Developer Portal › Bot)",
    "slack": "ENTRAIDE_SLACK_BOT_TOKEN (the Bot User OAuth Token, xoxb-…, from"
    " api.slack.com/apps › your app › OAuth & Permissions)",
}
FILES_HELP = "console: folder for files from replies (default: files/ beside the database)"
NOTHING_TO_RUN = (
    "no platform token set, and no terminal for the console:"
    " set ENTRAIDE_DISCORD_TOKEN or ENTRAIDE_SLACK_BOT_TOKEN"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Entraide support bot")
    parser.add_argument("--config", type=Path, help="settings file over config/default.toml")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (console when no platform token is set)")
    run.add_argument(
        "--adapter",
        choices=ADAPTERS,
        help="chat platform (default: every platform whose token is set, else the console)",
    )
    run.add_argument("--console", action="store_true", help="run the local console community")
    run.add_argument("--script", type=Path, help="play this console script and exit")
    run.add_argument("--db", type=Path, help="database file (default from settings)")
    run.add_argument("--files", type=Path, help=FILES_HELP)
    run.add_argument(
        "--shards", help='Discord shards this process runs, e.g. "0-3" (with --shard-count)'
    )
    run.add_argument(
        "--shard-count", help="Discord shards of all the processes together (discord_shards)"
    )
    demo = sub.add_parser("demo", help="play examples/demo.txt on a fresh database")
    demo.add_argument("--files", type=Path, help=FILES_HELP)
    kb.add_parser(sub)
    insights.add_parser(sub)
    health.add_parser(sub)
    migrate_db.add_parser(sub)
    save = sub.add_parser(
        "backup",
        help="consistent copy of the database (SQLite backup API, or pg_dump on PostgreSQL)",
    )
    save.add_argument("target", type=Path)
    save.add_argument("--db", type=Path, help="database file (default from settings)")
    return parser


def _logging(settings: Settings, quiet: bool) -> None:
    level = logging.WARNING if quiet and settings.log_level != "DEBUG" else settings.log_level
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # bm25s logs every index build at DEBUG through its own handler.
    logging.getLogger("bm25s").setLevel(max(logging.WARNING, logging.getLogger().level))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    run_console = args.command == "run" and (args.console or args.script)
    if run_console and args.adapter not in (None, "console"):
        parser.error(f"--console and --script run the console, not --adapter {args.adapter}")
    try:
        settings = load_settings(args.config)
    except SettingsError as exc:
        print(f"entraide: configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "migrate-db":
        return migrate_db.run(args)
    if args.command == "run" and (args.shards is not None or args.shard_count is not None):
        try:
            settings = with_shards(settings, args.shards, args.shard_count)
        except ValueError as exc:
            print(f"entraide: --shards/--shard-count: {exc}", file=sys.stderr)
            return 2
    refusal = _not_on_postgresql(args, settings)
    if refusal is not None:
        print(f"entraide: {refusal}", file=sys.stderr)
        return 2
    if args.command == "backup" and _shared_store(settings):
        return _backup_postgres(args, settings)
    if args.command == "backup":
        source = args.db or settings.storage.db_path
        try:
            backup(source, args.target)
        except (OSError, sqlite3.Error) as exc:
            print(f"entraide: backup failed: {exc}", file=sys.stderr)
            return 1
        print(f"backed up {source} to {args.target}")
        return 0
    if args.command == "health":
        return health.run(args, settings)
    try:
        return _command(args, settings)
    except DatabaseUnusable as exc:  # from a probe, or from Database.open itself
        print(f"entraide: {exc}", file=sys.stderr)
        return 2
    except SettingsError as exc:  # found once a folder is looked at (knowledge_dir)
        print(f"entraide: configuration error: {exc}", file=sys.stderr)
        return 2


def _not_on_postgresql(args: argparse.Namespace, settings: Settings) -> str | None:
    """Why a command can't run while ENTRAIDE_DATABASE_URL names PostgreSQL, if it can't."""
    if settings.database().kind != "postgresql":
        return None
    if getattr(args, "db", None) is not None:
        return (
            "--db names a SQLite file, but ENTRAIDE_DATABASE_URL names PostgreSQL: "
            "use one or the other"
        )
    return None


def _backup_postgres(args: argparse.Namespace, settings: Settings) -> int:
    """pg_dump of the shared store (custom format: restore with pg_restore)."""
    url = settings.database()
    assert url.dsn is not None
    try:
        pg_backup.dump(url.dsn, args.target)
    except pg_backup.BackupFailed as exc:
        print(f"entraide: backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backed up {url.redacted()} to {args.target} (pg_dump archive: restore with pg_restore)")
    return 0


def _shared_store(settings: Settings) -> bool:
    """Whether the bot keeps its data in PostgreSQL (no SQLite file to check)."""
    return settings.database().kind == "postgresql"


def _command(args: argparse.Namespace, settings: Settings) -> int:
    """run, demo, kb, insights: the ones that open the database (DatabaseUnusable)."""
    if args.command == "kb":
        _logging(settings, quiet=True)
        if args.kb_command not in ("eval", "export-model"):
            probe(args.db or settings.storage.db_path)
        return kb.run(args, settings)
    if args.command == "insights":
        _logging(settings, quiet=True)
        # Read-only: the bot may be running on it. A missing file is reported by insights.
        probe(args.db or settings.storage.db_path, read_only=True)
        return insights.run(args, settings)
    if args.command == "demo":
        from bot.adapters.console import runner as console_runner

        _logging(settings, quiet=True)
        _readable_output()
        files = args.files or settings.storage.db_path.parent / "files"
        console_runner.run_demo(settings, sys.stdout, files_dir=files)
        return 0
    db_path = args.db or settings.storage.db_path
    platforms = _chosen_platforms(args, settings)
    implicit = args.adapter is None and not args.console and not args.script
    if not platforms and implicit and _stdin_empty_no_terminal():
        print(f"entraide: {NOTHING_TO_RUN}", file=sys.stderr)
        return 2
    if not platforms:
        if not _shared_store(settings):
            probe(db_path)
        return _run_console(args, settings, db_path)
    return _serve(settings, db_path, platforms, explicit=args.adapter is not None)


def _stdin_empty_no_terminal() -> bool:
    """stdin is no terminal and holds nothing: closed, /dev/null (a container started
    without -i) or an empty file. A pipe counts as input (a script may still come down it)."""
    if sys.stdin is None or sys.stdin.closed:
        return True
    try:
        info = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError):
        return True
    if os.isatty(sys.stdin.fileno()):
        return False
    return stat.S_ISCHR(info.st_mode) or (stat.S_ISREG(info.st_mode) and info.st_size == 0)


def _chosen_platforms(args: argparse.Namespace, settings: Settings) -> list[str]:
    """--adapter, else none for --console/--script, else every platform whose token is set."""
    if args.adapter == "console" or args.console or args.script:
        return []
    if args.adapter is not None:
        return [str(args.adapter)]
    from bot.runtime.serve import with_tokens

    return with_tokens(settings)


def _serve(settings: Settings, db_path: Path, platforms: list[str], explicit: bool) -> int:
    """Entraide on the platforms until SIGINT/SIGTERM; a refusal exits 2 with one line."""
    for name in platforms:
        token = settings.discord_token if name == "discord" else settings.slack_bot_token
        if token is None:
            who = f"--adapter {name}" if explicit else name.title()
            print(f"entraide: {who} needs {MISSING[name]}", file=sys.stderr)
            return 2
    if not _shared_store(settings):
        probe(db_path)  # before connecting: a bad --db is not the platform's fault
    _logging(settings, quiet=False)
    from bot.runtime.serve import PlatformRefused, serve

    try:
        asyncio.run(serve(settings, db_path=db_path, platforms=platforms))
    except PlatformRefused as exc:
        print(f"entraide: {exc}", file=sys.stderr)
        return 2
    return 0


def _run_console(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """The local console: a script file, piped lines, or the interactive prompt."""
    from bot.adapters.console import runner as console_runner

    _logging(settings, quiet=True)
    _readable_output()
    files = args.files or db_path.parent / "files"
    if args.script is not None:
        try:
            lines = split_script(args.script.read_bytes())
        except OSError as exc:
            print(f"entraide: cannot read script {args.script}: {exc.strerror}", file=sys.stderr)
            return 2
    elif not sys.stdin.isatty():
        # Bytes, not text: a line that isn't UTF-8 gets its own error line, and only "\n"
        # ends a line (str.splitlines would also cut at U+2028, form feeds, a lone "\r").
        lines = split_script(sys.stdin.buffer.read())
    else:
        asyncio.run(
            console_runner.interactive(
                settings, db_path=db_path, stream=sys.stdout, files_dir=files
            )
        )
        return 0
    asyncio.run(
        console_runner.play_script(
            settings, lines, db_path=db_path, stream=sys.stdout, files_dir=files
        )
    )
    return 0


def _readable_output() -> None:
    """Whatever the terminal's encoding, a character it can't show is escaped, not fatal."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def entry() -> int:
    """main(), quiet when the reader of our output goes away (`… | head`)."""
    try:
        return main()
    except BrokenPipeError:
        # Point stdout at devnull so the interpreter's final flush doesn't fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
