"""The prefill store in a SQL database every server reaches (the scaled mode's PostgreSQL; docs/deploy.md).

`Store()` returns this store when `PREFILL_DATABASE_URL` is set (e.g. `postgresql://rasa:…@db:5432/rasa`), so the
Rasa servers and the action servers of every machine share the applications, their download tokens and the
personal-data vault (vault.py): a number concealed on one machine is revealed on another, and a link made through
one server downloads through any other. The same rules as the file store (store.py):

- a token is `secrets.token_urlsafe(32)`; only its SHA-256 is stored;
- the documents (DOCX, JSON) are rows (`bytea`), not files, so there is no path to get wrong;
- records older than the retention (`PREFILL_RETENTION_DAYS`) are purged when a token is resolved, when an
  application is created, hourly by every Rasa server's download channel, and by `python -m bot.prefill purge`;
  a purge removes them for every server at once.

Tables `prefill_applications` and `prefill_personal_values`, created on first use (SQLAlchemy Core).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import secrets
import time

import sqlalchemy as sa

from .records import KINDS, TOKEN_SHAPE, Stored, _digest, retention_days

log = logging.getLogger(__name__)
metadata = sa.MetaData()
applications = sa.Table(
    "prefill_applications",
    metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True),
    sa.Column("reference", sa.String(64), nullable=False),
    sa.Column("docx", sa.LargeBinary, nullable=False),
    sa.Column("json", sa.LargeBinary, nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("expires", sa.Float, nullable=False, index=True),
)
personal_values = sa.Table(
    "prefill_personal_values",
    metadata,
    sa.Column("ref", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("created", sa.Float, nullable=False, index=True),
)


@functools.lru_cache(maxsize=4)
def engine_for(url: str) -> sa.engine.Engine:
    """One engine (and connection pool) per database URL in this process; the tables made once."""
    engine = sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, future=True)
    metadata.create_all(engine)
    return engine


class SQLStore:
    """The API of store.Store (save, lookup, resolve, fetch, keep, values, purge) on a SQL database."""

    def __init__(self, url: str, retention: float | None = None):
        self.url = url
        self.retention = retention_days() if retention is None else float(retention)
        self.directory = None  # no files

    @property
    def engine(self) -> sa.engine.Engine:
        return engine_for(self.url)

    def save(self, reference: str, docx: bytes, json_bytes: bytes, now: float | None = None) -> Stored:
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        expires = now + self.retention * 86400
        with self.engine.begin() as conn:
            conn.execute(
                applications.insert().values(
                    token_sha256=_digest(token),
                    reference=reference,
                    docx=docx,
                    json=json_bytes,
                    created=now,
                    expires=expires,
                )
            )
        log.info("prefill %s stored, expires in %.1f days", reference, self.retention)
        return Stored(
            token,
            reference,
            None,
            None,
            dt.datetime.fromtimestamp(now, dt.timezone.utc),
            dt.datetime.fromtimestamp(expires, dt.timezone.utc),
        )

    def lookup(self, token, now: float | None = None) -> dict | None:
        """The live record of a token, without the documents (None for malformed, unknown or expired)."""
        row = self._row(
            token,
            [applications.c.token_sha256, applications.c.reference, applications.c.created, applications.c.expires],
            now,
        )
        return dict(row._mapping) if row is not None else None

    def fetch(self, token, kind: str = "docx", now: float | None = None) -> tuple[bytes, str] | None:
        """(document bytes, reference) of a live token, or None."""
        if kind not in KINDS:
            return None
        row = self._row(token, [applications.c[kind], applications.c.reference], now)
        return (bytes(row[0]), row[1]) if row is not None else None

    def resolve(self, token, kind: str = "docx", now: float | None = None):
        """store.Store.resolve gives a path; here there is none: use fetch()."""
        raise NotImplementedError("SQLStore keeps documents as rows: use fetch()")

    def _row(self, token, columns, now: float | None):
        if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
            return None
        now = time.time() if now is None else now
        digest = _digest(token)
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(*columns, applications.c.expires.label("_expires")).where(
                    applications.c.token_sha256 == digest
                )
            ).first()
            if row is not None and row._expires <= now:
                conn.execute(applications.delete().where(applications.c.token_sha256 == digest))
                return None
        return row

    def keep(self, ref: str, kind: str, value: str, now: float | None = None) -> None:
        created = time.time() if now is None else now
        with self.engine.begin() as conn:
            conn.execute(personal_values.delete().where(personal_values.c.ref == ref))
            conn.execute(personal_values.insert().values(ref=ref, kind=kind, value=value, created=created))

    def values(self, refs: list[str], now: float | None = None) -> dict[str, str]:
        if not refs:
            return {}
        cutoff = (time.time() if now is None else now) - self.retention * 86400
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(personal_values.c.ref, personal_values.c.value).where(
                    personal_values.c.ref.in_(list(refs)), personal_values.c.created > cutoff
                )
            )
            return {ref: value for ref, value in rows}

    def purge(self, everything: bool = False, now: float | None = None) -> int:
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            if everything:
                removed = conn.execute(applications.delete()).rowcount
                conn.execute(personal_values.delete())
            else:
                removed = conn.execute(applications.delete().where(applications.c.expires <= now)).rowcount
                conn.execute(personal_values.delete().where(personal_values.c.created <= now - self.retention * 86400))
        if removed:
            log.info("prefill purge removed %d application(s)", removed)
        return removed
