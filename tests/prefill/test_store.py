"""Tokens, expiry and purging of the stored applications."""

import os
import stat
import time

import sqlite_utils

from bot.prefill.store import TABLE, TOKEN_SHAPE, Store, retention_days

DAY = 86400


def test_tokens_are_long_random_and_only_their_hash_is_kept(store):
    a, b = store.save("R1", b"docx", b"{}"), store.save("R2", b"docx", b"{}")
    assert a.token != b.token and TOKEN_SHAPE.fullmatch(a.token) and len(a.token) == 43
    db_bytes = (store.directory / "index.db").read_bytes()
    assert a.token.encode() not in db_bytes and b.token.encode() not in db_bytes
    # file names have nothing to do with the token
    assert a.token not in a.docx_path.name and a.docx_path.parent == store.directory


def test_files_and_directory_are_private(store):
    stored = store.save("R", b"docx", b"{}")
    assert stat.S_IMODE(os.stat(stored.docx_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(store.directory).st_mode) == 0o700


def test_a_live_token_resolves_to_its_files(store):
    stored = store.save("R", b"the docx", b"the json")
    path, reference = store.resolve(stored.token, "docx")
    assert path.read_bytes() == b"the docx" and reference == "R"
    assert store.resolve(stored.token, "json")[0].read_bytes() == b"the json"
    assert store.resolve(stored.token, "../index.db") is None


def test_unknown_and_malformed_tokens_resolve_to_nothing(store):
    store.save("R", b"d", b"j")
    for token in (
        "A" * 43,
        "",
        "../index.db",
        "/etc/passwd",
        "..%2f..%2findex.db",
        "index.db",
        None,
        42,
        "A" * 42,
        "A" * 44,
        "A" * 42 + "/",
    ):
        assert store.resolve(token) is None


def test_expiry_follows_the_retention(store, monkeypatch):
    monkeypatch.setenv("PREFILL_RETENTION_DAYS", "2")
    short = Store()
    now = time.time()
    stored = short.save("R", b"d", b"j", now=now)
    assert abs(stored.expires_at.timestamp() - (now + 2 * DAY)) < 1
    assert short.resolve(stored.token, now=now + 2 * DAY - 60) is not None
    assert short.resolve(stored.token, now=now + 2 * DAY + 1) is None
    # the expired application is gone, files and record
    assert not stored.docx_path.exists() and not stored.json_path.exists()
    assert short.resolve(stored.token, now=now) is None


def test_the_default_retention_is_seven_days(monkeypatch):
    monkeypatch.delenv("PREFILL_RETENTION_DAYS", raising=False)
    assert retention_days() == 7


def test_purge_removes_expired_applications_and_stray_files(store):
    now = time.time()
    old = store.save("OLD", b"d", b"j", now=now - 8 * DAY)
    new = store.save("NEW", b"d", b"j", now=now)
    stray = store.directory / "0123456789abcdef.docx"
    stray.write_bytes(b"left by a crash")
    os.utime(stray, (now - 8 * DAY, now - 8 * DAY))
    assert store.purge(now=now) == 1
    assert not old.docx_path.exists() and not stray.exists()
    assert new.docx_path.exists() and store.resolve(new.token) is not None
    rows = list(sqlite_utils.Database(store.directory / "index.db")[TABLE].rows)
    assert [r["reference"] for r in rows] == ["NEW"]


def test_purge_all(store):
    stored = store.save("R", b"d", b"j")
    assert store.purge(everything=True) == 1
    assert store.resolve(stored.token) is None
    assert sorted(p.name for p in store.directory.iterdir()) == ["index.db"]
