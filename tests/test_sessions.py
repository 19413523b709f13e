"""Sessions belong to the server: only tokens it signed, for that channel, open a conversation."""

import os
import stat

import pytest

from bot import sessions


@pytest.fixture(autouse=True)
def own_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SESSION_SECRET", raising=False)
    monkeypatch.setenv("SESSION_SECRET_FILE", str(tmp_path / "session_secret"))
    sessions.server_secret.cache_clear()
    yield tmp_path / "session_secret"
    sessions.server_secret.cache_clear()


def test_an_issued_token_opens_its_own_conversation_only():
    token = sessions.issue("web")
    session_id = sessions.verify(token, "web")
    assert session_id and token.startswith(session_id + ".")
    assert sessions.conversation_id("web", session_id) == f"web:{session_id}"
    assert sessions.verify(token, "socketio") is None  # bound to its channel


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # last character of the signature
        lambda t: t.split(".")[0],  # no signature
        lambda t: t.split(".")[0] + ".",  # empty signature
        lambda t: t[:-5],  # truncated signature
        lambda t: t.swapcase(),  # case changed
        lambda t: "x" + t,  # another id with this signature
        lambda t: t + "." + t,  # two dots
    ],
)
def test_an_altered_token_is_refused(tamper):
    assert sessions.verify(tamper(sessions.issue("web")), "web") is None


@pytest.mark.parametrize("junk", [None, 5, "", ".", "a" * 200, {"id": "x"}])
def test_junk_is_refused(junk):
    assert sessions.verify(junk, "web") is None


def test_the_secret_is_made_once_for_this_user_only(own_secret):
    first = sessions.issue("web")
    assert stat.S_IMODE(own_secret.stat().st_mode) == 0o600
    sessions.server_secret.cache_clear()
    assert sessions.verify(first, "web")  # a restart keeps the sessions


def test_a_rotated_secret_ends_the_old_sessions(monkeypatch):
    old = sessions.issue("web")
    monkeypatch.setenv("SESSION_SECRET", "n" * 40)
    sessions.server_secret.cache_clear()
    assert sessions.verify(old, "web") is None
    assert sessions.verify(sessions.issue("web"), "web")


def test_a_short_configured_secret_is_an_error(monkeypatch):
    monkeypatch.setenv("SESSION_SECRET", "short")
    sessions.server_secret.cache_clear()
    with pytest.raises(sessions.SecretMissing):
        sessions.issue("web")


def test_a_wechat_openid_is_never_a_rest_conversation():
    openid = "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert sessions.conversation_id("rest", openid) != sessions.conversation_id("wechat", openid)
    assert sessions.conversation_id("rest", f"wechat:{openid}") != sessions.conversation_id("wechat", openid)
    assert sessions.sender_of(sessions.conversation_id("wechat", openid), "wechat") == openid
    assert os.environ.get("SESSION_SECRET") is None
