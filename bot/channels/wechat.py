"""WeChat Official Account (公众号) input channel: ``/webhooks/wechat/webhook``.

Configured in ``credentials.yml`` under ``bot.channels.wechat.WeChatInput``; the secrets
come from the environment (``WECHAT_TOKEN``, ``WECHAT_APPID``, ``WECHAT_AES_KEY``,
``WECHAT_SECRET``, ``WECHAT_API_BASE``) unless the credentials name them. Without
``WECHAT_TOKEN`` the assistant still starts and these routes answer 503 "未配置". The menu's
click keys and their questions come from the menu file, ``wechat_menu.yml`` (:mod:`.wechat_menu`).

* GET: URL verification — ``signature`` over (token, timestamp, nonce), compared in
  constant time, answers ``echostr``.
* POST: the body is capped (413); the XML is parsed by defusedxml first, so DOCTYPE/ENTITY
  declarations are refused and malformed XML is 400, before wechatpy sees it; ``timestamp`` must lie within ±5 minutes and the signature must hold (403).
  With an EncodingAESKey, safe mode (``encrypt_type=aes``) is required and ``msg_signature``
  is verified before decrypting; the plaintext copies of compatibility mode are ignored.
* WeChat waits 5 s, then retries (three tries, same MsgId). The answer goes back in the
  HTTP response when the bot is done within ``passive_budget`` (4.5 s); otherwise the
  response is ``success`` and a task the channel keeps delivers it through the
  customer-service API. Retries never run the bot again (:mod:`.wechat_dedup`).
* Rendering (merge, numbered buttons, links, ``]]>``, 2048-byte parts): :mod:`.wechat_reply`;
  access_token and customer-service API: :mod:`.wechat_api`.

By default one Sanic worker is assumed: the retry cache and the numbered choices live in this
process. With several servers (or ``SANIC_WORKERS`` > 1) set ``WECHAT_STATE=redis``: retries
are then deduplicated across servers in Redis (:class:`.wechat_dedup.RedisDedup`, connection
from ``REDIS_HOST``, ``REDIS_PORT``, ``REDIS_PASSWORD``, ``WECHAT_REDIS_DB``), and the
access_token is held there once for all servers (:mod:`.wechat_api`).

Personal data: message contents are never logged, OpenIDs only masked. The conversation of a
user is ``wechat:<OpenID>`` (bot/sessions.py), which no other channel can address, and ID
numbers and phones are taken out of the text before Rasa sees it (bot/channels/inbound.py).
When the assistant gives nothing (the action server down, an action failed), the user reads
BUSY_REPLY, passively or through the customer-service API.
"""

import asyncio
import hmac
import logging
import os
import re
import secrets
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Tuple

from defusedxml import ElementTree as SafeXML
from rasa.core.channels.channel import InputChannel, UserMessage
from redis.exceptions import RedisError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.utils import WeChatSigner

from bot import sessions, speedups
from bot.channels import wechat_menu
from bot.channels.collect import ReplyCollector
from bot.channels.inbound import BUSY_REPLY, admit
from bot.channels.wechat_api import WeChatAPI, mask
from bot.channels.wechat_dedup import CUSTOMER_SERVICE, PASSIVE, DedupCache, Entry, RedisDedup, message_key
from bot.channels.wechat_reply import Choice, NumberedChoices, escape_cdata, render_messages, split_utf8

speedups.install()  # the Rasa server loads this channel: the measured speed-ups of bot/speedups.py

logger = logging.getLogger(__name__)

WELCOME = (
    "您好，欢迎关注！我是东川人才政策助手。\n"
    "我可以：\n"
    "· 解答人才政策问题，例如“博士能拿多少补贴”\n"
    "· 说明申报条件、发放方式和办理部门\n"
    "· 查找政策原文条款\n"
    "请直接发送文字提问。"
)
ASK_FOR_TEXT = "暂时只能看懂文字消息，请发送文字提问，例如：博士能拿多少补贴？"
EMPTY_VOICE = "抱歉，没有听清这段语音，请发送文字提问。"
UNKNOWN_MENU = "这个菜单暂时没有内容，请直接发送文字提问。"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def redis_options_from_env() -> Dict[str, Any]:
    """The Redis the WeChat channel shares (the lock store's server, its own database number)."""
    return {
        "host": os.environ.get("REDIS_HOST") or "localhost",
        "port": int(os.environ.get("REDIS_PORT") or 6379),
        "password": os.environ.get("REDIS_PASSWORD") or None,
        "db": int(os.environ.get("WECHAT_REDIS_DB") or 2),
        "socket_timeout": 2.0,
        "socket_connect_timeout": 2.0,
    }


class _Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _safe_xml(xml: str):
    """The parsed XML, or _Refused: defusedxml forbids DTDs, entities and external references outright."""
    try:
        return SafeXML.fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (SafeXML.DTDForbidden, SafeXML.EntitiesForbidden, SafeXML.ExternalReferenceForbidden):
        raise _Refused(400, "DOCTYPE/ENTITY declarations are not accepted") from None
    except Exception:
        raise _Refused(400, "malformed XML") from None


class WeChatInput(InputChannel):
    """The 公众号 webhook (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "WeChatInput":
        creds = dict(credentials or {})

        def pick(key: str, env: str) -> str:
            value = creds.get(key)
            return str(value if value not in (None, "") else os.environ.get(env, "")).strip()

        if "click_keys" in creds:
            logger.warning(
                "credentials.yml: click_keys is no longer read; the click keys and their questions "
                "live in the menu file (wechat_menu.yml)"
            )
        options = {
            k: creds[k]
            for k in (
                "passive_budget",
                "timestamp_window",
                "max_body_bytes",
                "dedup_ttl",
                "api_timeout",
                "rest_delay",
                "late_limit",
            )
            if creds.get(k) is not None
        }
        return cls(
            state=pick("state", "WECHAT_STATE") or "memory",
            token=pick("token", "WECHAT_TOKEN"),
            appid=pick("appid", "WECHAT_APPID"),
            aes_key=pick("aes_key", "WECHAT_AES_KEY"),
            secret=pick("secret", "WECHAT_SECRET"),
            api_base=pick("api_base", "WECHAT_API_BASE") or None,
            menu=creds.get("menu"),
            welcome=creds.get("welcome"),
            **{k: float(v) for k, v in options.items()},
        )

    def __init__(
        self,
        token: str = "",
        appid: str = "",
        aes_key: str = "",
        secret: str = "",
        api_base: Optional[str] = None,
        passive_budget: float = 4.5,
        timestamp_window: float = 300.0,
        max_body_bytes: float = 32 * 1024,
        dedup_ttl: float = 300.0,
        api_timeout: float = 5.0,
        rest_delay: float = 1.0,
        late_limit: float = 120.0,
        click_keys: Optional[Dict[str, str]] = None,
        welcome: Optional[str] = None,
        state: str = "memory",
        redis_options: Optional[Dict[str, Any]] = None,
        menu: Optional[str] = None,
    ) -> None:
        self.token = token
        self.problem: Optional[str] = None
        self._crypto: Optional[WeChatCrypto] = None
        if not token:
            self.problem = "WECHAT_TOKEN 未设置"
        elif aes_key:
            if not appid:
                self.problem = "设置了 WECHAT_AES_KEY 但缺少 WECHAT_APPID"
            else:
                try:
                    self._crypto = WeChatCrypto(token, aes_key, appid)
                except Exception:  # wrong length or not base64
                    self.problem = "WECHAT_AES_KEY 无效（应为 43 个字符）"
        if self.problem:
            logger.warning("WeChat channel 未配置: %s; its routes answer 503.", self.problem)
        self.shared: Optional[RedisDedup] = None
        shared_redis = None
        if state == "redis":
            import redis
            import redis.asyncio

            options = redis_options or redis_options_from_env()
            self.shared = RedisDedup(redis.asyncio.Redis(**options), ttl=dedup_ttl)
            shared_redis = redis.Redis(**options)
            logger.info(
                "WeChat channel: retries and the access_token shared in Redis (%s:%s db %s)",
                options["host"],
                options["port"],
                options["db"],
            )
        elif state != "memory":
            raise ValueError(f"WECHAT_STATE must be memory or redis, not {state!r}")
        self._shared_tasks: "OrderedDict[Any, asyncio.Task]" = OrderedDict()
        self._shared_waiters: Dict[Any, int] = {}
        self.api: Optional[WeChatAPI] = None
        if appid and secret:
            self.api = WeChatAPI(appid, secret, api_base, timeout=api_timeout, shared_redis=shared_redis)
        elif token:
            logger.warning(
                "Customer-service messages need WECHAT_APPID and WECHAT_SECRET: answers "
                "slower than %.1f s and parts after the first cannot be delivered.",
                passive_budget,
            )
        self.passive_budget = passive_budget
        self.timestamp_window = timestamp_window
        self.max_body_bytes = int(max_body_bytes)
        self.rest_delay = rest_delay
        self.late_limit = late_limit
        menu_data = self._menu(menu)
        self.click_keys = dict(wechat_menu.click_keys(menu_data) if click_keys is None else click_keys)
        self.welcome = welcome or "\n".join(filter(None, (WELCOME, wechat_menu.menu_hint(menu_data))))
        self.dedup = DedupCache(ttl=dedup_ttl)
        self.choices = NumberedChoices()
        self._background_tasks: Set[asyncio.Task] = set()

    @staticmethod
    def _menu(path: Optional[str]) -> dict:
        """The 公众号 menu (wechat_menu.yml, or ``menu:`` in credentials.yml): the one source of the click keys."""
        try:
            menu = wechat_menu.load(path)
        except Exception as error:  # a broken menu file must not stop the assistant
            logger.error("WeChat menu file unreadable (%s): CLICK events get %r", type(error).__name__, UNKNOWN_MENU)
            return {}
        for problem in wechat_menu.problems(menu):
            logger.warning("WeChat menu: %s", problem)
        return menu

    # --- HTTP -------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        wechat_webhook = Blueprint("wechat_webhook", __name__)
        speedups.freeze_after_start(wechat_webhook)

        @wechat_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.problem is None})

        @wechat_webhook.route("/webhook", methods=["GET", "POST"], stream=True)
        async def webhook(request: Request) -> HTTPResponse:
            started = asyncio.get_running_loop().time()
            try:
                return await self._handle(request, on_new_message, started)
            except _Refused as refused:
                logger.warning("WeChat request from %s refused (%s): %s", request.ip, refused.status, refused.reason)
                return response.text(refused.reason, status=refused.status)
            except Exception as error:  # never let one request take the server down
                logger.error("WeChat request failed: %s", type(error).__name__)
                logger.debug("WeChat request failure", exc_info=True)
                return response.text("error", status=500)

        @wechat_webhook.listener("before_server_stop")
        async def finish_deliveries(*_: Any) -> None:
            if self._background_tasks:
                await asyncio.wait(set(self._background_tasks), timeout=5)

        return wechat_webhook

    async def _handle(self, request: Request, on_new_message, started: float) -> HTTPResponse:
        if self.problem:
            return response.text(f"未配置：{self.problem}", status=503)
        args = request.args
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        if not self._fresh(timestamp):
            raise _Refused(403, "stale or missing timestamp")
        if not nonce:  # WeChat always sends one; a signature over no nonce is no request of WeChat's
            raise _Refused(403, "missing nonce")
        if request.method == "GET":
            if not self._signed(args.get("signature"), timestamp, nonce):
                raise _Refused(403, "bad signature")
            return response.text(args.get("echostr", ""))
        if self._crypto is None:
            if not self._signed(args.get("signature"), timestamp, nonce):
                raise _Refused(403, "bad signature")
        elif args.get("encrypt_type") != "aes" or not args.get("msg_signature"):
            raise _Refused(403, "safe mode (encrypt_type=aes, msg_signature) required")
        xml = self._open(await self._read_body(request), args, timestamp, nonce)
        try:
            msg = parse_message(xml)
            if msg is None or not msg.source:
                raise ValueError("no FromUserName")
            key = message_key(msg)  # reads MsgId/CreateTime: malformed numbers fail here
        except Exception:
            raise _Refused(400, "malformed message") from None
        text = await self._dispatch(msg, key, on_new_message, started)
        return self._respond(text, msg)

    def _fresh(self, timestamp: str) -> bool:
        return (
            bool(_TIMESTAMP.fullmatch(timestamp or "")) and abs(time.time() - int(timestamp)) <= self.timestamp_window
        )

    def _signed(self, signature: Optional[str], *parts: str) -> bool:
        """wechatpy's signer (sha1 over the sorted parts and the token), compared in constant time."""
        signer = WeChatSigner()
        signer.add_data(self.token, *parts)
        return hmac.compare_digest(signer.signature.encode(), (signature or "").encode("utf-8"))

    async def _read_body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise _Refused(413, "body too large")
        # the route streams (stream=True below): the body is counted as it arrives, never held beyond the limit
        chunks: List[bytes] = []
        size = 0
        while True:
            chunk = await request.stream.read()
            if chunk is None:
                break
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _Refused(413, "body too large")
            chunks.append(chunk)
        return b"".join(chunks)

    def _open(self, body: bytes, args, timestamp: str, nonce: str) -> str:
        """The message XML: checked, and in safe mode verified and decrypted."""
        try:
            xml = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused(400, "body is not UTF-8") from None
        root = _safe_xml(xml)
        if self._crypto is None:
            return xml
        encrypt = root.findtext("Encrypt") if root.tag == "xml" else None
        if not encrypt:
            raise _Refused(400, "malformed XML")
        msg_signature = args.get("msg_signature")
        if not self._signed(msg_signature, timestamp, nonce, encrypt):
            raise _Refused(403, "bad msg_signature")
        try:
            plain = self._crypto.decrypt_message({"Encrypt": encrypt}, msg_signature, timestamp, nonce)
        except InvalidAppIdException:
            raise _Refused(403, "message for another AppID") from None
        except Exception:
            raise _Refused(400, "cannot decrypt") from None
        _safe_xml(plain)
        return plain

    def _respond(self, text: Optional[str], msg) -> HTTPResponse:
        if not text:
            return response.text("success")
        reply = create_reply(escape_cdata(text), message=msg)
        reply.source = escape_cdata(msg.target or "")
        reply.target = escape_cdata(msg.source)
        xml = reply.render()
        if self._crypto is not None:
            xml = self._crypto.encrypt_message(xml, str(secrets.randbelow(10**9)))
        return response.text(xml, content_type="application/xml; charset=utf-8")

    # --- messages ---------------------------------------------------------------------

    def _classify(self, msg) -> Tuple[str, Optional[str]]:
        """("bot", text) to ask the bot, ("reply", text) to answer at once, ("silent", None)."""
        if msg.type == "text":
            content = (msg.content or "").strip()
            return ("bot", content) if content else ("reply", ASK_FOR_TEXT)
        if msg.type == "voice":
            recognition = (msg.recognition or "").strip()
            return ("bot", recognition) if recognition else ("reply", EMPTY_VOICE)
        if msg.type == "event":
            if msg.event in ("subscribe", "subscribe_scan"):
                return "reply", self.welcome
            if msg.event == "click":
                question = self.click_keys.get(msg.key or "")
                return ("bot", question) if question else ("reply", UNKNOWN_MENU)
            return "silent", None  # unsubscribe, VIEW, LOCATION …: nothing to say
        return "reply", ASK_FOR_TEXT

    async def _dispatch(self, msg, key, on_new_message, started: float) -> Optional[str]:
        kind, text = self._classify(msg)
        if kind != "bot":
            return text
        if self.shared is not None:
            return await self._dispatch_shared(msg, key, text, on_new_message, started)
        return await self._dispatch_here(msg, key, text, on_new_message, started)

    async def _dispatch_here(self, msg, key, text: str, on_new_message, started: float) -> Optional[str]:
        """Deduplication in this process (:class:`DedupCache`)."""
        entry = self.dedup.get(key)
        if entry is not None:
            logger.info("WeChat retry #%d from %s joins its answer", entry.tries, mask(msg.source))
        else:
            if msg.type == "text":
                choice = self.choices.resolve(msg.source, text)
                if choice is not None and choice.payload is None:
                    return choice.link
                if choice is not None:
                    text = choice.payload
            task = self._keep(self._run_bot(on_new_message, msg, text))
            entry = self.dedup.put(key, task)
        return await self._answer(entry, msg.source, started)

    async def _answer(self, entry: Entry, openid: str, started: float) -> Optional[str]:
        """The passive answer if ready within the budget; else ``None`` (``success``) and the
        answer goes through the customer-service API — once, whichever try gets here first."""
        task = entry.task
        remaining = self.passive_budget - (asyncio.get_running_loop().time() - started)
        if entry.mode != CUSTOMER_SERVICE and not task.done() and remaining > 0:
            entry.waiters += 1
            try:
                await asyncio.wait({task}, timeout=remaining)
            except asyncio.CancelledError:
                # WeChat hung up (Sanic cancels the handler): if no other try is waiting,
                # the answer can only go through the customer-service API.
                if entry.waiters == 1 and entry.mode is None:
                    self._go_late(entry, openid)
                raise
            finally:
                entry.waiters -= 1
        if task.done() and not task.cancelled() and entry.mode != CUSTOMER_SERVICE:
            parts = task.result()
            if entry.mode is None:
                entry.mode = PASSIVE
                if len(parts) > 1:
                    self._keep(self._deliver(openid, parts[1:], delay=self.rest_delay))
            return parts[0] if parts else None
        if entry.mode is None:
            self._go_late(entry, openid)
        return None

    # --- several servers: retries deduplicated in Redis ----------------------------------

    async def _dispatch_shared(self, msg, key, text: str, on_new_message, started: float) -> Optional[str]:
        try:
            first = await self.shared.claim(key)
        except RedisError as error:
            logger.error(
                "WeChat: Redis unavailable (%s); this message is deduplicated on this server only", type(error).__name__
            )
            return await self._dispatch_here(msg, key, text, on_new_message, started)
        if first:
            self._start_shared_work(key, msg, text, on_new_message)
        else:
            logger.info("WeChat retry from %s joins the answer of another try", mask(msg.source))
        return await self._answer_shared(key, msg, text, on_new_message, started)

    def _start_shared_work(self, key, msg, text: str, on_new_message) -> None:
        async def work() -> List[str]:
            heartbeat = asyncio.create_task(self._keep_alive(key))
            try:
                parts = await self._numbered_or_bot(on_new_message, msg, text)
            finally:
                heartbeat.cancel()
            try:
                await self.shared.put_reply(key, parts)
            except RedisError as error:
                logger.error(
                    "WeChat: the answer to %s could not be shared in Redis (%s)", mask(msg.source), type(error).__name__
                )
            return parts

        self._shared_tasks[key] = self._keep(work())
        while len(self._shared_tasks) > 1000:
            self._shared_tasks.popitem(last=False)

    async def _numbered_or_bot(self, on_new_message, msg, text: str) -> List[str]:
        """As in :meth:`_dispatch_here`, with the user's numbered choices read from and written to Redis."""
        if msg.type == "text":
            try:
                shared = await self.shared.choices(msg.source)
                self.choices.remember(msg.source, [Choice(*c) for c in shared])
            except RedisError:
                pass  # this server's own memory of the choices, if any
            choice = self.choices.resolve(msg.source, text)
            if choice is not None and choice.payload is None:
                return [choice.link]
            if choice is not None:
                text = choice.payload
        parts = await self._run_bot(on_new_message, msg, text)
        try:
            await self.shared.save_choices(msg.source, self.choices.current(msg.source))
        except RedisError:
            pass
        return parts

    async def _keep_alive(self, key) -> None:
        while True:
            await asyncio.sleep(self.shared.lease / 3)
            try:
                await self.shared.keep_alive(key)
            except RedisError:
                pass

    async def _answer_shared(self, key, msg, text: str, on_new_message, started: float) -> Optional[str]:
        """As :meth:`_answer`, across servers: the reply comes from Redis, the mode is taken with SET NX."""
        openid, loop = msg.source, asyncio.get_running_loop()
        deadline = started + self.passive_budget
        self._shared_waiters[key] = self._shared_waiters.get(key, 0) + 1
        parts: Optional[List[str]] = None
        try:
            while True:
                parts = await self.shared.reply(key)
                if parts is not None or loop.time() >= deadline:
                    break
                task = self._shared_tasks.get(key)
                if task is None and await self.shared.orphaned(key) and await self.shared.take_over(key):
                    logger.warning("WeChat: the server answering %s is gone; this one takes over", mask(openid))
                    self._start_shared_work(key, msg, text, on_new_message)
                    task = self._shared_tasks[key]
                pause = max(0.0, min(self.shared.poll, deadline - loop.time()))
                if task is not None and not task.done():
                    await asyncio.wait({task}, timeout=pause)
                else:
                    await asyncio.sleep(pause)
        except asyncio.CancelledError:
            if self._shared_waiters.get(key) == 1:  # WeChat hung up and no other try waits here
                self._keep(self._late_shared(key, openid))
            raise
        except RedisError as error:
            logger.error("WeChat: Redis unavailable while answering %s (%s)", mask(openid), type(error).__name__)
            task = self._shared_tasks.get(key)
            if task is None:
                return None
            await asyncio.wait({task}, timeout=max(0.0, deadline - loop.time()))
            return task.result()[0] if task.done() and not task.cancelled() and task.result() else None
        finally:
            self._shared_waiters[key] -= 1
            if not self._shared_waiters[key]:
                del self._shared_waiters[key]
        try:
            if parts is not None:
                if await self.shared.take_mode(key, PASSIVE):
                    if len(parts) > 1:
                        self._keep(self._deliver(openid, parts[1:], delay=self.rest_delay))
                    return parts[0] if parts else None
                if await self.shared.mode(key) == PASSIVE:
                    return parts[0] if parts else None  # the same passive answer again (an earlier one was lost)
                return None
            await self._late_shared(key, openid)
        except RedisError as error:
            logger.error("WeChat: Redis unavailable while answering %s (%s)", mask(openid), type(error).__name__)
        return None

    async def _late_shared(self, key, openid: str) -> None:
        """The first try anywhere to find the answer late sends it through the customer-service API."""
        if await self.shared.take_mode(key, CUSTOMER_SERVICE):
            logger.info(
                "Answer to %s not ready in %.1f s: 'success' now, customer-service " "message later",
                mask(openid),
                self.passive_budget,
            )
            self._keep(self._deliver_shared_when_done(key, openid))

    async def _deliver_shared_when_done(self, key, openid: str) -> None:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.late_limit
        while loop.time() < give_up:
            try:
                parts = await self.shared.reply(key)
            except RedisError:
                parts = None
            if parts is not None:
                await self._deliver(openid, parts)
                return
            await asyncio.sleep(0.2)
        logger.warning("The bot took over %.0f s for %s: no answer sent", self.late_limit, mask(openid))

    def _go_late(self, entry: Entry, openid: str) -> None:
        entry.mode = CUSTOMER_SERVICE
        logger.info(
            "Answer to %s not ready in %.1f s: 'success' now, customer-service " "message later",
            mask(openid),
            self.passive_budget,
        )
        self._keep(self._deliver_when_done(entry, openid))

    async def _run_bot(self, on_new_message, msg, text: str) -> List[str]:
        collector = ReplyCollector()
        message_id = getattr(msg, "id", 0) or None
        user_message = UserMessage(
            admit(text),
            collector,
            sessions.conversation_id(self.name(), msg.source),
            input_channel=self.name(),
            message_id=f"wechat-{message_id}" if message_id else None,
            metadata={"wechat": {"msg_type": msg.type, "event": getattr(msg, "event", None)}},
        )
        started = time.monotonic()
        try:
            await on_new_message(user_message)
        except Exception as error:
            logger.error("The bot failed on a message from %s: %s", mask(msg.source), type(error).__name__)
            logger.debug("Bot failure", exc_info=True)
            return [BUSY_REPLY]
        if not collector.messages:
            logger.warning("The bot gave no answer to %s: busy reply", mask(msg.source))
            return [BUSY_REPLY]
        reply, choices = render_messages(collector.messages)
        self.choices.remember(msg.source, choices)
        logger.info(
            "Bot answered %s in %.2f s (%d messages)",
            mask(msg.source),
            time.monotonic() - started,
            len(collector.messages),
        )
        return split_utf8(reply) if reply else []

    async def _deliver_when_done(self, entry: Entry, openid: str) -> None:
        try:
            parts = await asyncio.wait_for(asyncio.shield(entry.task), self.late_limit)
        except asyncio.TimeoutError:
            logger.warning("The bot took over %.0f s for %s: no answer sent", self.late_limit, mask(openid))
            return
        await self._deliver(openid, parts)

    async def _deliver(self, openid: str, parts: List[str], delay: float = 0.0) -> None:
        if not parts:
            return
        if self.api is None:
            logger.warning("No WECHAT_APPID/WECHAT_SECRET: %d part(s) for %s dropped", len(parts), mask(openid))
            return
        if delay:
            await asyncio.sleep(delay)  # let the passive part arrive first
        for part in parts:
            if not await self.api.send_text(openid, part):
                return

    def _keep(self, coroutine) -> asyncio.Task:
        """Start a task and keep a reference to it until it is done (as Rasa's Slack channel does)."""
        task = asyncio.create_task(coroutine)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        return task
