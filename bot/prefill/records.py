"""What both prefill stores (the file store, store.py, and the SQL store, sql_store.py) agree on: the shape of a
download token, the document kinds, the retention setting and the record of one stored application."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_RETENTION_DAYS = 7.0
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
KINDS = {"docx": ".docx", "json": ".json"}


def retention_days() -> float:
    raw = os.environ.get("PREFILL_RETENTION_DAYS", "").strip()
    try:
        days = float(raw) if raw else DEFAULT_RETENTION_DAYS
    except ValueError:
        raise ValueError(f"PREFILL_RETENTION_DAYS must be a number of days, not {raw!r}") from None
    if days < 0:
        raise ValueError("PREFILL_RETENTION_DAYS must not be negative")
    return days


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Stored:
    token: str
    reference: str
    docx_path: Path | None  # None in the SQL store (documents are rows)
    json_path: Path | None
    created_at: dt.datetime
    expires_at: dt.datetime
