"""The download route on a real (loopback) Sanic server: the file for a live token; 404 for everything else."""

import json
import time
from urllib.parse import unquote

from bot.prefill.application import DOWNLOAD_PATH, create_application
from bot.prefill.channel import NOT_FOUND, PrefillDownloads
from bot.prefill.store import Store

from .conftest import PHD, applicant_for, fetch

PREFIX = DOWNLOAD_PATH.encode()


def test_the_channel_is_named_prefill_and_takes_no_settings():
    assert PrefillDownloads.name() == "prefill"
    assert isinstance(PrefillDownloads.from_credentials({}), PrefillDownloads)
    assert isinstance(PrefillDownloads.from_credentials(None), PrefillDownloads)


def test_docx_and_json_are_served_with_safe_headers(store):
    app = create_application(PHD, applicant_for(PHD), store=store)
    assert app.url.startswith("https://rencai.example.cn/webhooks/prefill/download/")
    assert app.json_url == app.url + ".json"
    docx, data = fetch(store, [PREFIX + app.token.encode(), PREFIX + app.token.encode() + b".json"])
    assert docx[0] == 200 and docx[2] == open(app.path, "rb").read()
    assert docx[1]["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert data[0] == 200 and json.loads(data[2]) == json.loads(open(app.json_path, encoding="utf-8").read())
    for _status, headers, _ in (docx, data):
        assert "no-store" in headers["cache-control"]
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["content-disposition"].startswith("attachment;")
        assert app.reference in unquote(headers["content-disposition"])


def test_unknown_malformed_and_tricky_paths_get_404_and_nothing_else(store):
    app = create_application(PHD, applicant_for(PHD), store=store)
    token = app.token.encode()
    secret = (store.directory / "index.db").read_bytes()[:64]
    paths = [
        PREFIX + b"A" * 43,  # unknown token
        PREFIX + b"A" * 43 + b".json",
        PREFIX + token + b".txt",  # another suffix
        PREFIX + token + b"/",
        PREFIX + token[:-1],
        PREFIX + b"../index.db",
        PREFIX + b"..%2findex.db",
        PREFIX + b"%2e%2e%2findex.db",
        PREFIX + b"%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        PREFIX + b"..%2F..%2F..%2Fetc%2Fpasswd",
        PREFIX + b"/etc/passwd",
        PREFIX + b"%2Fetc%2Fpasswd",
        PREFIX + b"" + str(store.directory / "index.db").encode(),
        PREFIX + b"index.db",
        PREFIX + token + b"%00.json",
        PREFIX + b"../../" + token,
        b"/webhooks/prefill/download",
        b"/webhooks/prefill/../prefill/download/" + token,
    ]
    for path, (status, _headers, body) in zip(paths, fetch(store, paths)):
        assert status == 404, path
        assert secret not in body and b"PK\x03\x04" not in body and b"root:" not in body, path


def test_an_expired_token_is_404_and_its_files_are_purged(store):
    app = create_application(PHD, applicant_for(PHD), store=store)
    later = Store(store.directory, retention=store.retention)
    # move the clock: rewrite the record's expiry into the past
    import sqlite_utils

    db = sqlite_utils.Database(store.directory / "index.db")
    db.execute("update applications set expires = ?", [time.time() - 1])
    db.conn.commit()
    db.conn.close()
    [(status, _, body)] = fetch(later, [PREFIX + app.token.encode()])
    assert status == 404 and body.decode() == NOT_FOUND
    assert not (store.directory / app.path.split("/")[-1]).exists()


def test_registering_the_channel_masks_the_servers_logs(tmp_path):
    import logging

    from bot.prefill import logmask
    from bot.prefill.logmask import PersonalDataFilter

    old_factory = logging.getLogRecordFactory()
    root = logging.getLogger()
    try:
        PrefillDownloads(Store(tmp_path)).blueprint(lambda message: None)
        assert any(isinstance(f, PersonalDataFilter) for f in root.filters)
        record = logging.getLogRecordFactory()("rasa", logging.INFO, __file__, 1, "text %s", ("13800138000",), None)
        assert record.getMessage() == "text 138****8000"
    finally:
        for holder in [root, *root.handlers]:
            holder.filters = [f for f in holder.filters if not isinstance(f, PersonalDataFilter)]
        logging.setLogRecordFactory(old_factory)
        logmask._installed_factory = None
