"""Settings for a benchmark process: a throwaway state folder and database, one pinned core.

Call `configure()` before importing anything that needs Django. Without `DATABASE_URL` the
database is a SQLite file in a temporary folder deleted at exit; with it (PostgreSQL), the
benchmark creates its own plan and source and deletes them at the end.
"""

from __future__ import annotations

import atexit
import os
import resource
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def state_folder() -> Path:
    """A new temporary folder for the database file, broker files and logs, deleted at exit."""
    folder = tempfile.mkdtemp(prefix="governance-bench-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder)


def configure(*, var_dir: Path | str | None = None, migrate: bool = True) -> Path:
    """Point Django at a state folder (a new temporary one by default) and set it up.

    Returns the state folder. A child process passes its parent's folder to share the database.
    """
    folder = Path(var_dir) if var_dir is not None else state_folder()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["VAR_DIR"] = str(folder)
    # One log line per batch is the worker's normal cost, but thousands of them drown the table.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    import django
    from django.core.management import call_command

    django.setup()
    if migrate and os.environ.get("DATABASE_URL"):
        call_command("migrate", verbosity=0, interactive=False)
    elif migrate:
        _create_tables(call_command)
    return folder


def _create_tables(call_command: Callable[..., object]) -> None:
    """Tables straight from the models, for the new throwaway SQLite file.

    Several times faster than replaying every migration, and the same schema; a database that
    outlives the run (DATABASE_URL) is migrated the usual way instead.
    """
    from django.apps import apps
    from django.conf import settings

    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def machine() -> str:
    """Date, Python, CPUs and load average: what a reader needs to compare two runs."""
    import platform
    from datetime import UTC, datetime

    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load}"
    )


def pin_to_one_core() -> int | None:
    """Run this process on a single CPU (the first one it may use); returns it, or None."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def peak_rss_mb() -> float:
    """The largest resident set this process has had since it started its program, in MB.

    TRICKY: `ru_maxrss` survives exec, so a child forked from a large parent would report the
    parent's peak; Linux's VmHWM belongs to the new program only.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
