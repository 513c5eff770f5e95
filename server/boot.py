"""What every command needs before it runs: the settings and a migrated database, or a message.

Below the command line (`server.cli`) and its subcommands (`reconcile`, `operator`), which all
import it, and independent of the app: `server.app` takes its `Settings` ready-made.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from server.db import Database
from server.settings import Settings


def load_settings(**overrides: Any) -> Settings | None:
    """Settings from the environment, or None after printing what is wrong (no traceback)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        for error in exc.errors():
            name = "_".join(str(p) for p in error["loc"]).upper() or "configuration"
            print(f"error: {name}: {error['msg']}", file=sys.stderr)
        return None


def safe_url(url: str) -> str:
    """A database URL fit to print: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def migrate_database(settings: Settings) -> bool:
    """Apply the migrations; False after printing why they could not be."""
    database = Database(settings.database_url)
    try:
        database.migrate()
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        print(
            f"error: cannot migrate the database at DATABASE_URL={safe_url(settings.database_url)}:"
            f" {reason}",
            file=sys.stderr,
        )
        return False
    finally:
        database.dispose()
    return True
