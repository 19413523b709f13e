"""The talent office's console: Datasette over the event store (var/events.db), behind a password.

    python -m console serve [--events var/events.db] [--host 127.0.0.1] [--port 8002]   # make console
    python -m console hash-password                                                     # make console-password
    python -m console import-reviews                                                    # make review-import

- Accounts come from the environment only: CONSOLE_PASSWORD_HASH is the account CONSOLE_USER (default `office`),
  CONSOLE_PASSWORD_HASH_<name> one more account <name>. Hashes are datasette-auth-passwords' (PBKDF2-SHA256);
  `make console-password` makes one. Without an account the console does not start; without logging in every
  page and the JSON API answer 403 (metadata `allow`), the login page excepted.
- Read-only: Datasette 0.65 writes nothing by itself; the only write is a review (console/plugins/console_plugin.py,
  POST with Datasette's CSRF token, logged-in reviewers only).
- console/metadata.yml: Chinese titles, the inbox and the figures; console/schema.py: the views they read;
  charts by datasette-dashboards (Vega-Lite, bundled, nothing fetched from the internet).
"""

from __future__ import annotations

import os
from pathlib import Path

CONSOLE = Path(__file__).resolve().parent
ROOT = CONSOLE.parent
DEFAULT_EVENTS = ROOT / "var" / "events.db"
DEFAULT_KB = ROOT / "build" / "kb.sqlite"
METADATA = CONSOLE / "metadata.yml"
PLUGINS = CONSOLE / "plugins"
TEMPLATES = CONSOLE / "templates"
DEFAULT_PORT = 8002
DEFAULT_USER = "office"
DATABASE = "events"  # the name in URLs (/events/inbox), whatever the file is called

SETTINGS = {
    "default_page_size": 50,
    "truncate_cells_html": 0,
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 1000,
    "allow_download": False,
}


class NoAccount(RuntimeError):
    pass


def accounts(env: dict | None = None) -> dict:
    """{account name: password hash} from the environment."""
    env = os.environ if env is None else env
    out = {}
    if env.get("CONSOLE_PASSWORD_HASH", "").strip():
        out[env.get("CONSOLE_USER", "").strip() or DEFAULT_USER] = env["CONSOLE_PASSWORD_HASH"].strip()
    for key, value in env.items():
        if key.startswith("CONSOLE_PASSWORD_HASH_") and value.strip():
            out[key[len("CONSOLE_PASSWORD_HASH_") :].lower()] = value.strip()
    return out


def load_metadata(env: dict | None = None) -> dict:
    import yaml

    found = accounts(env)
    if not found:
        raise NoAccount("no console account: set CONSOLE_PASSWORD_HASH (make console-password makes one)")
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    metadata.setdefault("plugins", {})["datasette-auth-passwords"] = {
        f"{name}_password_hash": value for name, value in found.items()
    }
    return metadata


def datasette(events: Path | str = DEFAULT_EVENTS, kb: Path | str = DEFAULT_KB, env: dict | None = None):
    """A Datasette instance configured exactly as `python -m console serve` serves it (tests use it too)."""
    from datasette.app import Datasette
    from datasette.database import Database

    from .schema import ensure

    ensure(events, kb)
    ds = Datasette(
        [], metadata=load_metadata(env), plugins_dir=str(PLUGINS), template_dir=str(TEMPLATES), settings=dict(SETTINGS)
    )
    ds.add_database(Database(ds, path=str(events), is_mutable=True), name=DATABASE)
    return ds
