"""`python -m server [serve|migrate|...]`: the server's command line.

Each subcommand is a `register(subparsers)` function in COMMANDS that sets `func` on its parser;
`func(args) -> int` is the exit status. Payments add theirs (`reconcile`, `orders`) to COMMANDS.
"""

from __future__ import annotations

import argparse
import gc
import logging
import logging.config
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from typing import Any

from server import operator, reconcile
from server.boot import load_settings, migrate_database, safe_url
from server.settings import Settings

Subparsers = Any  # argparse's _SubParsersAction is private
log = logging.getLogger("server")


def log_config(level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {"uvicorn.access": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
    }


def tune_gc() -> None:
    """Fewer, cheaper garbage collections: what exists at start is frozen out of every scan, and
    the youngest generation is collected every 50 000 allocations instead of 700 (collections
    otherwise stall all in-flight requests several times a second under load)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def app_from_environment() -> Any:
    """The app factory uvicorn's workers call: settings from the environment the parent set."""
    from server.app import create_app

    app = create_app(Settings())
    tune_gc()
    return app


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host  # noqa: S104
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://{host}:{args.port}")
    settings = load_settings()
    if settings is None:
        return 2
    if settings.is_production and (problems := settings.production_problems()):
        for problem in problems:
            print(f"error: refusing to start in production: {problem}", file=sys.stderr)
        return 2
    if not settings.session_secret:
        # One random secret for all workers of this run: a session works on any of them.
        os.environ["SESSION_SECRET"] = secrets.token_urlsafe(32)
        settings = Settings()
    workers = args.workers
    if settings.sandbox and workers > 1:
        print("warning: SANDBOX=1 keeps its state in one process: using 1 worker", file=sys.stderr)
        workers = 1
    if not migrate_database(settings):
        return 1
    logging.config.dictConfig(log_config(settings.log_level))
    log.info("serving on %s (database %s)", settings.base_url, safe_url(settings.database_url))
    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_config": log_config(settings.log_level),
        "access_log": False,
        "timeout_graceful_shutdown": 5,
    }
    if workers > 1:
        uvicorn.run("server.cli:app_from_environment", factory=True, workers=workers, **common)
    else:
        from server.app import create_app

        app = create_app(settings)
        tune_gc()
        uvicorn.run(app, **common)
    return 0


def migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    if not migrate_database(settings):
        return 1
    print(f"database at {safe_url(settings.database_url)} is up to date")
    return 0


def _register_serve(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the server (the default command)",
        description="Run the Bean Hop server with uvicorn; migrations are applied first.",
    )
    add_serve_options(parser)
    parser.set_defaults(func=serve)


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument(
        "--workers", type=int, default=1, help="uvicorn worker processes (default 1)"
    )


def _register_migrate(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "migrate",
        help="apply the database migrations and exit",
        description="Bring the database of DATABASE_URL up to the latest schema.",
    )
    parser.set_defaults(func=migrate)


# Subcommands; payments add `reconcile` and `orders` here.
COMMANDS: list[Callable[[Subparsers], None]] = [
    _register_serve,
    _register_migrate,
    reconcile.register,  # payments (issue 5)
    operator.register,
]

EPILOG = """configuration comes from environment variables (or a .env file):
  DATABASE_URL, SESSION_SECRET, TIKTOK_CLIENT_KEY, TIKTOK_CLIENT_SECRET, TIKTOK_API_BASE,
  PUBLIC_BASE_URL, SANDBOX, ENVIRONMENT, CORS_ORIGINS, WEB_DIR, ... (see docs/server.md)"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m server",
        description="The Bean Hop server. Without a command: serve.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", metavar="command")
    for register in COMMANDS:
        register(subparsers)
    return parser


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    return {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = {"-h", "--help"} | _command_names(parser)
    if not argv or argv[0] not in commands:
        argv.insert(0, "serve")
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
