"""A 公众号 follower for tests through the real servers: messages signed and encrypted as WeChat sends them
(safe mode, wechatpy's crypto via bot.channels.wechat_simulator), replies decrypted."""

from __future__ import annotations

import secrets

from wechatpy.crypto import WeChatCrypto

from bot.channels.wechat_simulator import _call, message_xml, read_reply, signed_request

# Test credentials the session's servers run with (tests/conftest.py): not any real account's.
TOKEN, APPID = "e2etoken", "wx0123456789abcdef"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ENV = {"WECHAT_TOKEN": TOKEN, "WECHAT_APPID": APPID, "WECHAT_AES_KEY": AES_KEY}


def new_openid() -> str:
    """An OpenID-shaped id (28 characters starting with o)."""
    return "o" + secrets.token_urlsafe(21)[:27]


class WeChatUser:
    def __init__(self, rest_url: str, openid: str | None = None):
        self.url = rest_url.replace("/webhooks/rest/webhook", "/webhooks/wechat/webhook")
        self.openid = openid or new_openid()
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)

    def send(self, kind: str, value: str = "", timeout: float = 10) -> tuple[int, str | None]:
        """(HTTP status, the passive reply's text or None for `success`)."""
        query, body = signed_request(message_xml(kind, self.openid, value), TOKEN, self.crypto)
        status, answer = _call(self.url, query, body, timeout)
        return status, (read_reply(answer, self.crypto) if status == 200 else answer.decode("utf-8", "replace"))

    def say(self, text: str) -> str:
        status, reply = self.send("text", text)
        assert status == 200, reply
        assert reply is not None, "no passive reply"
        return reply
