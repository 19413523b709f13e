"""After full applications through the real servers running at DEBUG — over REST and over WeChat (signed,
encrypted) — neither the ID number, nor the phones, nor the download token is in any file the servers wrote outside
the prefill store: the tracker database, both servers' logs, the session secret… The prefill store's files are
0600 and the purge removes them, and with them the vault of typed numbers."""

import json
import os
import re
import stat
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest

from bot.serve import ROOT, action_server, environment, free_port, post, running_assistant
from tests.e2e.flows import NEW_PHONE, OLD_PHONE, TEST_ID, fill_application
from tests.wechat_user import ENV as WECHAT_ENV
from tests.wechat_user import WeChatUser

pytestmark = [pytest.mark.model, pytest.mark.servers]
TOKEN = re.compile(r"/webhooks/prefill/download/([\w-]{43})")


@pytest.fixture(scope="module")
def debug_run(tmp_path_factory):
    """Both servers at DEBUG; two applications (REST and WeChat). Returns (workdir, download tokens)."""
    workdir = tmp_path_factory.mktemp("privacy")
    with running_assistant(workdir, extra_env={**WECHAT_ENV, "LOG_LEVEL": "DEBUG"}) as url:
        sender = f"privacy-{uuid.uuid4().hex[:8]}"

        def ask_rest(text):
            return "\n".join(m.get("text") or "" for m in post(url, {"sender": sender, "message": text}))

        follower = WeChatUser(url)
        finals = [fill_application(ask_rest)[-1], fill_application(follower.say)[-1]]
    tokens = [t for final in finals for t in TOKEN.findall(final)]
    assert len(tokens) >= 2
    return workdir, tokens


def written_files(workdir: Path):
    prefill = workdir / "prefill"
    return [p for p in workdir.rglob("*") if p.is_file() and prefill not in p.parents]


def test_the_servers_really_logged_at_debug(debug_run):
    workdir, _ = debug_run
    log = (workdir / "servers.log").read_text(encoding="utf-8", errors="replace").splitlines()
    assert any(" DEBUG " in line and "rasa.core" in line for line in log)  # the Rasa server …
    assert any(line.split()[2:4] == ["DEBUG", "rasa_sdk.executor"] for line in log)  # … and the action server


def test_no_personal_number_or_token_in_any_file_outside_the_prefill_store(debug_run):
    workdir, tokens = debug_run
    files = written_files(workdir)
    assert {"servers.log", "tracker.db"} <= {p.name for p in files}
    secrets = [TEST_ID, OLD_PHONE, NEW_PHONE, *tokens]
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"{secret[:4]}… found in {path.name}"


def test_the_conversation_keeps_references_where_the_numbers_were(debug_run):
    workdir, _ = debug_run
    import sqlite3

    with sqlite3.connect(workdir / "tracker.db") as db:
        tracker = "\n".join(
            json.dumps(json.loads(row[0]), ensure_ascii=False) for row in db.execute("select data from events")
        )
    # the channels replaced the typed numbers before Rasa saw them (bot/prefill/vault.py) …
    assert re.search(r"身份证\[身份证号#[A-Za-z]{20}\]", tracker)
    assert re.search(r"应该是\[手机号#[A-Za-z]{20}\]", tracker)
    # … and the applicant slot holds references, not values
    assert re.search(r'"id_number": "\[身份证号#[A-Za-z]{20}\]"', tracker)


def test_files_the_servers_wrote_are_for_their_user_only(debug_run):
    workdir, _ = debug_run
    for path in [*written_files(workdir), *(workdir / "prefill").iterdir()]:
        if path.name == "servers.log":  # opened by the test harness, not by the servers
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.name} is {oct(mode)}"


def test_the_purge_removes_documents_and_the_vault(debug_run):
    workdir, _ = debug_run
    prefill = workdir / "prefill"
    assert list(prefill.glob("*.docx"))
    index = (prefill / "index.db").read_bytes()
    assert TEST_ID.encode() in index  # the vault held the typed number until now
    env = {**os.environ, "PREFILL_DIR": str(prefill)}
    subprocess.run(
        [sys.executable, "-m", "bot.prefill", "purge", "--all"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    assert not list(prefill.glob("*.docx")) and not list(prefill.glob("*.json"))
    import sqlite3

    with sqlite3.connect(prefill / "index.db") as db:
        assert db.execute("select count(*) from personal_values").fetchone()[0] == 0
        db.execute("vacuum")
    assert TEST_ID.encode() not in (prefill / "index.db").read_bytes()


def test_an_action_failing_on_a_personal_number_logs_the_failure_masked(tmp_path):
    """The action server masks its own logs (actions/__init__.py installs it), at DEBUG too. The channels hide the
    numbers from Rasa, but the action that fills the form reveals them in memory, and a request may carry one (a
    channel that does not conceal, Rasa's HTTP API): an action failing on it logs its traceback, which holds the
    value. Sent to the real action server as the Rasa server sends it."""
    port, token = free_port(), "privacy-test-token"
    env = environment(tmp_path, port, free_port(), {"ACTION_SERVER_TOKEN": token, "LOG_LEVEL": "DEBUG"})
    call = {
        "next_action": "action_self_check",
        "sender_id": "privacy-action-server",
        "tracker": {
            "sender_id": "privacy-action-server",
            "slots": {"profile": {"age": f"身份证{TEST_ID}，电话{OLD_PHONE}"}},  # not an age: the action fails on it
            "latest_message": {"text": "我能申请什么", "intent": {"name": "self_check", "confidence": 1.0}},
            "events": [],
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": "3.6.2",
    }
    with open(tmp_path / "actions.log", "ab") as log, action_server(port, env, log):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/webhook?token={token}",
            json.dumps(call).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            replies = [m.get("text") for m in json.loads(answer.read())["responses"]]
    log = (tmp_path / "actions.log").read_text(encoding="utf-8", errors="replace")
    assert any("系统处理这条消息时出错" in (r or "") for r in replies)  # the user got the apology …
    assert "action action_self_check failed" in log and "Traceback" in log  # … the failure is logged …
    assert " DEBUG " in log and TEST_ID[:4] + "*" * 10 + TEST_ID[-4:] in log  # … at DEBUG, the number masked
    for secret in (TEST_ID, OLD_PHONE, TEST_ID[6:14]):
        assert secret not in log, f"{secret[:4]}… in the action server's log"
