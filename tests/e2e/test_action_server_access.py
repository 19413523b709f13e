"""The action server is no public door: it listens on loopback only, and refuses calls without the token the Rasa
server sends (bot/action_server.py)."""

import json
import urllib.error
import urllib.request

import pytest

from bot.serve import action_server, environment, free_port

pytestmark = [pytest.mark.servers]
FORGED = {
    "next_action": "action_apply",
    "sender_id": "forged",
    "tracker": {
        "sender_id": "forged",
        "slots": {"profile": {"age": 30}},
        "latest_message": {"text": "我要申请"},
        "events": [],
        "active_loop": {},
        "latest_action_name": "action_listen",
    },
    "domain": {},
    "version": "3.6.2",
}


def status_of(url: str, body: dict | None = None) -> int:
    data = None if body is None else json.dumps(body).encode()
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data, {"Content-Type": "application/json"}), timeout=30
        ) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on `port` (Linux /proc/net/tcp{,6}, hex as the kernel writes)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.rsplit(":", 1)
                if state == "0A" and int(hex_port, 16) == port:
                    found.add(address)
    return found


@pytest.fixture(scope="module")
def actions(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("actions")
    port = free_port()
    env = environment(workdir, port, free_port(), {"ACTION_SERVER_TOKEN": "a-test-token-of-the-rasa-server"})
    with open(workdir / "actions.log", "ab") as log, action_server(port, env, log):
        yield port


def test_it_listens_on_loopback_only(actions):
    assert listening_addresses(actions) == {"0100007F"}  # 127.0.0.1, not 0.0.0.0


def test_a_forged_call_without_the_token_is_refused(actions):
    url = f"http://127.0.0.1:{actions}/webhook"
    assert status_of(url, FORGED) == 401
    assert status_of(url + "?token=wrong", FORGED) == 401
    assert status_of(f"http://127.0.0.1:{actions}/actions") == 401
    assert status_of(f"http://127.0.0.1:{actions}/health") == 200


def test_the_rasa_servers_token_opens_it(actions):
    assert status_of(f"http://127.0.0.1:{actions}/actions?token=a-test-token-of-the-rasa-server") == 200
