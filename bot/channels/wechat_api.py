"""The WeChat API as the channel needs it: the access_token and customer-service text messages.

Built on wechatpy's (requests-based, blocking) ``WeChatClient``, called off the event loop
with ``asyncio.to_thread``. The base URL comes from ``WECHAT_API_BASE`` (tests point it at a
fake server on loopback). The access_token is cached until shortly before it expires,
fetched by one refresher at a time (an ``asyncio.Lock``), and fetched anew when WeChat
answers 40001/40014/42001. Every call has a timeout. Neither the token nor the secret is
ever logged: urllib3's debug lines, which carry the query string, are redacted, and errors
are logged by code, never by URL or message text.

Several servers (``WECHAT_STATE=redis``, docs/deploy.md): the token is held once for all of them in Redis through
wechatpy's ``RedisStorage`` session, and fetched from WeChat's ``stable_token`` endpoint, which hands every caller
the same token while it is valid (``/cgi-bin/token`` would invalidate the other servers' token each time). One
server refreshes at a time (a Redis ``SET NX`` lock); the others wait for the new token in Redis.
"""

import asyncio
import hashlib
import logging
import os
import re
import time
from typing import Optional

import requests
from redis.exceptions import RedisError
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.redisstorage import RedisStorage

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.weixin.qq.com"
TOKEN_ERRORS = {40001, 40014, 42001}  # invalid credential, invalid token, token expired
_KNOWN_ERRORS = {
    45015: "the user has not written within 48 hours (customer-service window closed)",
    45047: "customer-service message quota for this user used up",
    45002: "message content too long",
    45009: "API call quota reached",
    40164: "this server's IP address is not in the 公众号 IP whitelist",
    40013: "invalid AppID",
    40125: "invalid AppSecret",
}
_SECRETS_IN_URL = re.compile(r"((?:access_token|secret)=)[^&\s\"']+")


def mask(openid: Optional[str]) -> str:
    """A stable, non-reversible stand-in for an OpenID in logs."""
    if not openid:
        return "user#-"
    return "user#" + hashlib.sha256(openid.encode("utf-8")).hexdigest()[:10]


class _RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "access_token=" in message or "secret=" in message:
            record.msg, record.args = _SECRETS_IN_URL.sub(r"\1***", message), ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactSecrets())


def api_base_from_env(value: Optional[str] = None) -> str:
    base = (value or os.environ.get("WECHAT_API_BASE") or DEFAULT_API_BASE).strip().rstrip("/")
    return base[: -len("/cgi-bin")] if base.endswith("/cgi-bin") else base


class _Client(WeChatClient):
    """WeChatClient at a configurable base URL, with a timeout on the token fetch too,
    and no token fetching of its own (:class:`WeChatAPI` is the one refresher)."""

    def __init__(self, appid: str, secret: str, api_base: str, timeout: float, session=None):
        super().__init__(appid, secret, timeout=timeout, auto_retry=False, session=session)
        self.API_BASE_URL = f"{api_base}/cgi-bin/"
        self._token_url = f"{api_base}/cgi-bin/token"
        self._stable_token_url = f"{api_base}/cgi-bin/stable_token"

    @property
    def access_token(self) -> Optional[str]:
        return self.session.get(self.access_token_key)

    def fetch_access_token(self) -> dict:
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        res = self._http.get(self._token_url, params=params, timeout=self.timeout)
        return self._checked(res)

    def fetch_stable_token(self, force_refresh: bool = False) -> dict:
        """POST /cgi-bin/stable_token: the same token for every caller while it is valid."""
        payload = {
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self.secret,
            "force_refresh": force_refresh,
        }
        return self._checked(self._http.post(self._stable_token_url, json=payload, timeout=self.timeout))

    @staticmethod
    def _checked(res) -> dict:
        if res.status_code != 200:
            raise WeChatClientException(None, f"HTTP {res.status_code}")
        result = res.json()
        if result.get("errcode"):
            raise WeChatClientException(int(result["errcode"]), result.get("errmsg", ""))
        if not result.get("access_token"):
            raise WeChatClientException(None, "no access_token in the answer")
        return result


class WeChatAPI:
    """Customer-service messages with a cached access_token (one per app, one refresher)."""

    def __init__(
        self,
        appid: str,
        secret: str,
        api_base: Optional[str] = None,
        timeout: float = 5.0,
        margin: float = 300.0,
        shared_redis=None,
    ):
        self._shared = shared_redis  # a redis.Redis: the token is held there for every server
        session = RedisStorage(shared_redis, prefix="dongchuan:wechat") if shared_redis is not None else None
        self._client = _Client(appid, secret, api_base_from_env(api_base), timeout, session=session)
        self._timeout = timeout
        self._margin = margin
        self._token: Optional[str] = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.token_fetches = 0

    async def _blocking(self, func, *args):
        # to_thread cannot be cancelled, but the caller is not kept waiting past the timeout.
        return await asyncio.wait_for(asyncio.to_thread(func, *args), self._timeout * 2 + 1)

    async def access_token(self, stale: Optional[str] = None) -> str:
        """The cached token; a new one if it expires soon or equals ``stale`` (rejected by WeChat)."""
        if self._shared is not None:
            return await self._shared_token(stale)
        if self._token and self._token != stale and time.monotonic() < self._expires_at:
            return self._token
        async with self._lock:
            if self._token and self._token != stale and time.monotonic() < self._expires_at:
                return self._token  # another caller refreshed it while we waited
            result = await self._blocking(self._client.fetch_access_token)
            self.token_fetches += 1
            expires_in = int(result.get("expires_in") or 7200)
            self._token = result["access_token"]
            self._expires_at = time.monotonic() + max(expires_in - self._margin, expires_in / 2)
            self._client.session.set(self._client.access_token_key, self._token, expires_in)
            logger.info("WeChat access_token refreshed (valid %s s)", expires_in)
            return self._token

    async def _shared_token(self, stale: Optional[str]) -> str:
        """The token in Redis; if missing or rejected, one server fetches it (the others wait for it)."""
        key = self._client.access_token_key
        lock_key = f"dongchuan:wechat:{key}:refreshing"
        deadline = time.monotonic() + self._timeout * 2 + 1
        while True:
            token = await self._blocking(self._client.session.get, key)
            if token and token != stale:
                return token
            if await self._blocking(lambda: self._shared.set(lock_key, "1", nx=True, ex=int(self._timeout * 3))):
                try:
                    token = await self._blocking(self._client.session.get, key)
                    if token and token != stale:
                        return token  # refreshed by another server just now
                    result = await self._blocking(self._client.fetch_stable_token, stale is not None)
                    self.token_fetches += 1
                    expires_in = int(result.get("expires_in") or 7200)
                    ttl = int(max(expires_in - self._margin, expires_in / 2))
                    await self._blocking(self._client.session.set, key, result["access_token"], ttl)
                    logger.info("WeChat access_token refreshed for all servers (valid %s s)", expires_in)
                    return result["access_token"]
                finally:
                    await self._blocking(self._shared.delete, lock_key)
            if time.monotonic() > deadline:
                raise asyncio.TimeoutError()
            await asyncio.sleep(0.1)  # another server is fetching it

    async def create_menu(self, menu: dict) -> None:
        """Publish the custom menu (wechatpy's ``menu.create``) with the cached token, refreshed once if
        WeChat rejects it. Raises ``WeChatClientException`` (with ``errcode``) or a network error."""
        stale: Optional[str] = None
        for attempt in (1, 2):
            token = await self.access_token(stale)
            try:
                await self._blocking(self._client.menu.create, menu)
                return
            except WeChatClientException as error:
                if error.errcode not in TOKEN_ERRORS or attempt == 2:
                    raise
                logger.info("WeChat rejected the access_token (%s); refreshing", error.errcode)
                stale = token

    async def send_text(self, openid: str, content: str) -> bool:
        """Send one text through the customer-service API; ``False`` (logged) if it failed."""
        stale: Optional[str] = None
        for attempt in (1, 2):
            token: Optional[str] = None
            try:
                token = await self.access_token(stale)
                await self._blocking(self._client.message.send_text, openid, content)
                return True
            except WeChatClientException as error:
                code = error.errcode
                if code in TOKEN_ERRORS and attempt == 1:
                    logger.info("WeChat rejected the access_token (%s); refreshing", code)
                    stale = token
                    continue
                reason = _KNOWN_ERRORS.get(code, "WeChat API error")
                logger.warning("Customer-service message to %s not sent: %s (errcode %s)", mask(openid), reason, code)
            except (requests.RequestException, RedisError, asyncio.TimeoutError, ValueError, KeyError) as error:
                logger.warning("Customer-service message to %s not sent: %s", mask(openid), type(error).__name__)
            return False
        return False
