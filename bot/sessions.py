"""Conversations that belong to someone: server-issued, signed session ids, and conversation ids by channel.

A public client (the chat page, a socket.io widget) never picks its conversation. It asks the server for a session
and gets `<id>.<signature>`: `id` is 128 random bits, `signature` an HMAC-SHA256 of the channel and the id under the
server's secret. A message that names a session is answered only if the signature is right for *that channel*;
the conversation it reaches is `<channel>:<id>`.

Every conversation id carries its channel (`web:…`, `socketio:…`, `wechat:<OpenID>`, `rest:<integration sender>`),
so no channel can address another channel's users: a WeChat OpenID sent as a REST sender reaches `rest:<OpenID>`,
a different, empty conversation.

The secret: env `SESSION_SECRET` (at least 32 characters; every Rasa server of one deployment needs the same one),
otherwise `var/session_secret`, made once with 256 random bits and mode 0600. Rotating it (docs/security.md) ends
every open web session: the page then asks for a new one.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECRET_FILE = ROOT / "var" / "session_secret"
MIN_SECRET_CHARS = 32
ID_BYTES = 16
SIGNATURE_CHARS = 43  # base64url of a SHA-256 digest, unpadded
MAX_TOKEN_CHARS = 100


class SecretMissing(RuntimeError):
    pass


@functools.lru_cache(maxsize=1)
def server_secret() -> bytes:
    """The key sessions are signed with (see the module docstring)."""
    configured = os.environ.get("SESSION_SECRET", "")
    if configured:
        if len(configured) < MIN_SECRET_CHARS:
            raise SecretMissing(f"SESSION_SECRET must have at least {MIN_SECRET_CHARS} characters")
        return configured.encode()
    path = Path(os.environ.get("SESSION_SECRET_FILE") or SECRET_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(32))
    return path.read_bytes().strip()


def _signature(channel: str, session_id: str) -> str:
    digest = hmac.new(server_secret(), f"{channel}:{session_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue(channel: str) -> str:
    """A new session token for `channel`: `<id>.<signature>`."""
    session_id = secrets.token_urlsafe(ID_BYTES)
    return f"{session_id}.{_signature(channel, session_id)}"


def verify(token: object, channel: str) -> str | None:
    """The session id of a token this server issued for `channel`, or None (forged, other channel, malformed)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        return None
    session_id, signature = token.split(".")
    if not session_id or len(signature) != SIGNATURE_CHARS:
        return None
    return session_id if hmac.compare_digest(signature, _signature(channel, session_id)) else None


def conversation_id(channel: str, sender: str) -> str:
    """The tracker key of `sender` on `channel`: the channel is always part of it."""
    return f"{channel}:{sender}"


def sender_of(conversation: str, channel: str) -> str:
    """The channel's own id of a conversation (`wechat:oABC` → `oABC`), for sending back through that channel."""
    prefix = f"{channel}:"
    return conversation[len(prefix) :] if conversation.startswith(prefix) else conversation
