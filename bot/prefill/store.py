"""Generated applications on disk, reachable only through an unguessable token until they expire.

- Files live in one directory (env `PREFILL_DIR`, default `var/prefill/` in the project), under random names
  that have nothing to do with the token; the directory is 0700 and the files 0600.
- A token is `secrets.token_urlsafe(32)` (256 bits). The index (SQLite, `index.db` in the directory) keeps only
  its SHA-256, so the index alone opens nothing.
- A token resolves to the path the index recorded; text from a URL is never joined into a path.
- The same index holds the *vault* (`personal_values`): each ID number or phone typed in the chat, under a random
  reference, so that the conversation (tracker, event stream, logs) holds only the reference (vault.py).
- Records and files older than the retention (env `PREFILL_RETENTION_DAYS`, default 7) are purged: when a token
  is resolved, when an application is created, by the download channel every hour, and by
  `python -m bot.prefill purge [--all]`.
- With `PREFILL_DATABASE_URL` set (several servers: docs/deploy.md), `Store()` is sql_store.SQLStore instead: the
  same API and rules, every record and document in that database, shared by all servers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import secrets
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from .records import KINDS, TOKEN_SHAPE, Stored, _digest, retention_days

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = ROOT / "var" / "prefill"
TABLE = "applications"
VALUES = "personal_values"  # the vault: ID numbers and phones typed in the chat (vault.py)

log = logging.getLogger(__name__)


class Store:
    def __new__(cls, directory: str | Path | None = None, retention: float | None = None):
        url = os.environ.get("PREFILL_DATABASE_URL", "").strip()
        if cls is Store and directory is None and url:
            from .sql_store import SQLStore  # several servers: one database for all (sql_store.py)

            return SQLStore(url, retention)
        return super().__new__(cls)

    def __init__(self, directory: str | Path | None = None, retention: float | None = None):
        self.directory = Path(directory or os.environ.get("PREFILL_DIR") or DEFAULT_DIR).resolve()
        self.retention = retention_days() if retention is None else float(retention)

    # -- plumbing ------------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _db(self):
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        index = self.directory / "index.db"
        if not index.exists():
            os.close(os.open(index, os.O_WRONLY | os.O_CREAT, 0o600))  # SQLite keeps the mode it finds
        conn = sqlite3.connect(index, timeout=10)
        try:
            db = sqlite_utils.Database(conn)
            if TABLE not in db.table_names():
                db[TABLE].create(
                    {
                        "token_sha256": str,
                        "reference": str,
                        "docx": str,
                        "json": str,
                        "created": float,
                        "expires": float,
                    },
                    pk="token_sha256",
                    if_not_exists=True,
                )
            if VALUES not in db.table_names():
                db[VALUES].create(
                    {"ref": str, "kind": str, "value": str, "created": float}, pk="ref", if_not_exists=True
                )
            yield db
        finally:
            conn.close()

    def _inside(self, name: str) -> Path | None:
        """The file a record names, if it is a plain file name inside the directory."""
        path = (self.directory / name).resolve()
        return path if path.parent == self.directory and path.name == name else None

    def _write(self, suffix: str, data: bytes) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.directory / f"{secrets.token_hex(16)}{suffix}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return path

    def _delete(self, db, row: dict) -> None:
        for kind in KINDS:
            path = self._inside(row[kind]) if row.get(kind) else None
            if path:
                path.unlink(missing_ok=True)
        db[TABLE].delete_where("token_sha256 = ?", [row["token_sha256"]])

    # -- API -----------------------------------------------------------------------------------------------------
    def save(self, reference: str, docx: bytes, json_bytes: bytes, now: float | None = None) -> Stored:
        """Write both files, register a fresh token; returns it with the expiry."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        docx_path, json_path = self._write(".docx", docx), self._write(".json", json_bytes)
        expires = now + self.retention * 86400
        with self._db() as db:
            db[TABLE].insert(
                {
                    "token_sha256": _digest(token),
                    "reference": reference,
                    "docx": docx_path.name,
                    "json": json_path.name,
                    "created": now,
                    "expires": expires,
                }
            )
        log.info("prefill %s stored, expires in %.1f days", reference, self.retention)
        return Stored(
            token,
            reference,
            docx_path,
            json_path,
            dt.datetime.fromtimestamp(now, dt.timezone.utc),
            dt.datetime.fromtimestamp(expires, dt.timezone.utc),
        )

    def lookup(self, token, now: float | None = None) -> dict | None:
        """The live record of a token (None for a malformed, unknown or expired one; an expired one is purged)."""
        if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
            return None
        now = time.time() if now is None else now
        with self._db() as db:
            rows = list(db[TABLE].rows_where("token_sha256 = ?", [_digest(token)]))
            if rows and rows[0]["expires"] <= now:
                self._delete(db, rows[0])
                return None
        return rows[0] if rows else None

    def resolve(self, token, kind: str = "docx", now: float | None = None) -> tuple[Path, str] | None:
        """(path, reference) of a live token's file, or None."""
        if kind not in KINDS:
            return None
        row = self.lookup(token, now)
        path = self._inside(row[kind]) if row else None
        if path is None or not path.is_file():
            return None
        return path, row["reference"]

    def fetch(self, token, kind: str = "docx", now: float | None = None) -> tuple[bytes, str] | None:
        """(document bytes, reference) of a live token, or None (also if the file went away meanwhile)."""
        found = self.resolve(token, kind, now)
        if not found:
            return None
        path, reference = found
        try:
            return path.read_bytes(), reference
        except OSError:  # purged between lookup and read
            return None

    def keep(self, ref: str, kind: str, value: str, now: float | None = None) -> None:
        """Hold one personal value (an ID number, a phone) under `ref` until the retention ends."""
        with self._db() as db:
            db[VALUES].insert(
                {"ref": ref, "kind": kind, "value": value, "created": time.time() if now is None else now}, replace=True
            )

    def values(self, refs: list[str], now: float | None = None) -> dict[str, str]:
        """ref → value for the refs still held (an expired or unknown ref is absent)."""
        if not refs:
            return {}
        cutoff = (time.time() if now is None else now) - self.retention * 86400
        marks = ",".join("?" * len(refs))
        with self._db() as db:
            rows = db.execute(
                f"select ref, value from {VALUES} where ref in ({marks}) and created > ?", [*refs, cutoff]
            ).fetchall()
        return dict(rows)

    def purge(self, everything: bool = False, now: float | None = None) -> int:
        """Delete expired records and their files (all of them with `everything`), and any file in the directory
        that no record names and that is older than the retention. Returns the number of applications removed."""
        now = time.time() if now is None else now
        if not self.directory.exists():
            return 0
        with self._db() as db:
            rows = list(db[TABLE].rows) if everything else list(db[TABLE].rows_where("expires <= ?", [now]))
            for row in rows:
                self._delete(db, row)
            named = {row[k] for row in db[TABLE].rows for k in KINDS}
            if everything:
                db[VALUES].delete_where()
            else:
                db[VALUES].delete_where("created <= ?", [now - self.retention * 86400])
        for path in self.directory.iterdir():
            if path.suffix in KINDS.values() and path.name not in named and path.is_file():
                if everything or path.stat().st_mtime <= now - self.retention * 86400:
                    path.unlink(missing_ok=True)
        if rows:
            log.info("prefill purge removed %d application(s)", len(rows))
        return len(rows)
