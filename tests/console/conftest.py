"""Fixtures of the console tests: one scripted week of real conversations (tests/console/session.py) through a
dedicated assistant (both servers, its own event store), then the console over that event store — in-process for
the JSON checks, and as `make console` serves it (python -m console serve) for the browser."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys

import pytest
from datasette_auth_passwords.utils import hash_password

from bot.serve import free_port, running_assistant
from tests.console import session
from tests.web.conftest import TIMEOUT_MS, artifacts, browser, process  # noqa: F401

USER, PASSWORD = "office", "a long console password"
SECOND_USER, SECOND_PASSWORD = "wang", "another long password"


@pytest.fixture(scope="session")
def console_env():
    return {
        "CONSOLE_PASSWORD_HASH": hash_password(PASSWORD),
        f"CONSOLE_PASSWORD_HASH_{SECOND_USER.upper()}": hash_password(SECOND_PASSWORD),
    }


@pytest.fixture(scope="session")
def week(tmp_path_factory):
    """The 50 scripted conversations through a dedicated assistant (its own event store, so the counts are the
    script's); its servers are stopped afterwards (the console reads the event store they wrote). Gives the work
    directory and every reply. Started once for both console test modules."""
    workdir = tmp_path_factory.mktemp("console-week")
    with running_assistant(workdir) as url:
        replies = session.run(url)
    return workdir, replies


def copy_event_store(source, target) -> None:
    """A consistent copy of an event store: SQLite's backup API, which reads the write-ahead log too (the broker
    writes in WAL mode, so a file copy of events.db alone misses the events not yet checkpointed)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()


@pytest.fixture(scope="session")
def events_db(week, tmp_path_factory):
    """A copy of the week's event store for the console (tests that write reviews or purge use their own copies)."""
    copy = tmp_path_factory.mktemp("console-events") / "events.db"
    copy_event_store(week[0] / "events.db", copy)
    return copy


class Client:
    """The console in-process (Datasette's own test client), logged in or not."""

    def __init__(self, ds):
        self.ds, self.cookies = ds, {}

    def get(self, path):
        return asyncio.run(self.ds.client.get(path, cookies=self.cookies))

    def post(self, path, data):
        form = asyncio.run(self.ds.client.get(path, cookies=self.cookies))
        token = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)
        cookies = {**self.cookies, "ds_csrftoken": form.cookies.get("ds_csrftoken") or self.cookies.get("ds_csrftoken")}
        return asyncio.run(self.ds.client.post(path, data={**data, "csrftoken": token}, cookies=cookies))

    def login(self, user=USER, password=PASSWORD):
        r = self.post("/-/login", {"username": user, "password": password})
        assert r.status_code == 302, r.text
        self.cookies["ds_actor"] = r.cookies["ds_actor"]
        return self

    def rows(self, table, query=""):
        r = self.get(f"/events/{table}.json?_shape=array&_size=max{query}")
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(scope="session")
def console_ds(events_db, kb_path, console_env):
    from console import datasette

    ds = datasette(events_db, kb_path, env=console_env)
    asyncio.run(ds.invoke_startup())
    return ds


@pytest.fixture
def anonymous(console_ds):
    return Client(console_ds)


@pytest.fixture
def clerk(console_ds):
    return Client(console_ds).login()


@pytest.fixture(scope="session")
def console_url(week, kb_path, console_env, tmp_path_factory):
    """The console as `make console` starts it, on a free loopback port, over its own copy of the week."""
    import os

    copy = tmp_path_factory.mktemp("console-served") / "events.db"
    copy_event_store(week[0] / "events.db", copy)
    port = free_port()
    log = tmp_path_factory.mktemp("console-log") / "console.log"
    saved = dict(os.environ)
    os.environ.update(console_env)
    try:
        with process(
            [
                sys.executable,
                "-m",
                "console",
                "serve",
                "--events",
                str(copy),
                "--kb",
                str(kb_path),
                "--port",
                str(port),
            ],
            f"http://127.0.0.1:{port}/-/login",
            "console (datasette)",
            log,
        ):
            yield f"http://127.0.0.1:{port}", copy
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def console_page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    p = context.new_page()
    p.errors = []
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    try:
        yield p
    finally:
        context.close()
