"""Rasa's REST channel, hardened: conversations that belong to someone, never silence, never a crash on odd input.

Registered in credentials.yml as `bot.channels.rest.SafeRestInput`; it keeps the name `rest`, so the URL stays
Rasa's usual /webhooks/rest/webhook. Two kinds of client:

- **Public clients** (the chat page, any web widget) first `POST /webhooks/rest/session` and get a signed session
  token (bot/sessions.py); each message carries it: `{"session": "<token>", "message": "…"}`. The conversation is
  `web:<id>`; a forged, altered or other channel's token is refused (403). Nobody picks another's conversation.
- **Integrations** name their own sender: `{"sender": "…", "message": "…"}` (Rasa's REST format). Only from this
  machine (a loopback peer with no X-Forwarded-For/X-Real-IP/Forwarded header, i.e. not through the balancer) or
  with `Authorization: Bearer <REST_API_SECRET>`; otherwise 403. The conversation is `rest:<sender>`, so a sender
  can never be a WeChat user's or a web session's conversation. No sender and no session: 400.

`GET /webhooks/rest/clause/<n>` returns one clause of the knowledge base as JSON (`clause`, `citation`, `title`,
`text` verbatim, `units`): what a citation in a reply's `custom` (docs/reply.schema.json) points to; the chat page's
citation panel shows it with the reply's quoted words highlighted. Public: the text is the published policy.

Also: bodies over MAX_BODY_BYTES are 413 (and Sanic refuses anything over the server-wide MAX_REQUEST_BYTES
before reading it); `metadata` is accepted from integrations only, up to MAX_METADATA_BYTES; a body that is not a
JSON object is 400 with a Chinese message; a missing or non-text message is ""; ID numbers and phones are taken out
of the text before Rasa stores it (bot/channels/inbound.py); if the bot produces nothing (the action server is
down, an action failed) the user gets BUSY_REPLY; failures are logged without the message text.
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
import os
from asyncio import CancelledError

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot import sessions, speedups
from bot.channels.collect import ReplyCollector
from bot.channels.inbound import BUSY_REPLY, admit

logger = logging.getLogger(__name__)
speedups.install()  # the Rasa server loads this channel: the measured speed-ups of bot/speedups.py
MAX_SENDER_CHARS = 128
MAX_BODY_BYTES = 32 * 1024
MAX_METADATA_BYTES = 4 * 1024
MAX_REQUEST_BYTES = 64 * 1024  # server-wide cap (Sanic's default is 100 MB)
WEB = "web"  # the channel name of public REST sessions
LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}
FORWARDING_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded")


def read_body(request: Request) -> tuple[dict | None, str | None]:
    """(body, error): the JSON object of the request, or a reason it is not one."""
    try:
        body = request.json
    except Exception:  # noqa: BLE001 — sanic raises on malformed JSON
        return None, "请求体不是合法的 JSON"
    if not isinstance(body, dict):
        return None, '请求体应为 JSON 对象：{"session": "…", "message": "…"}'
    return body, None


def is_integration(request: Request) -> bool:
    """May this request name its own sender? With the configured secret, or from this machine directly."""
    secret = os.environ.get("REST_API_SECRET", "")
    given = request.headers.get("authorization", "")
    if secret and hmac.compare_digest(given.encode(), f"Bearer {secret}".encode()):
        return True
    direct = not any(request.headers.get(h) for h in FORWARDING_HEADERS)
    return direct and request.ip in LOOPBACK


def refusal(status: int, error: str) -> response.HTTPResponse:
    return response.json({"error": error}, status=status)


NO_CLAUSE = "没有这一条：东发〔2022〕26号的条款为第（一）条至第（十四）条。"


@functools.lru_cache(maxsize=1)
def knowledge_base():
    from policy_kb.paths import DEFAULT_DB
    from policy_kb.query import KB

    return KB(os.environ.get("POLICY_KB_DB", DEFAULT_DB))


def clause_json(number: int) -> dict | None:
    """A clause as a citation opens it: number, citation, title, verbatim text, responsible units."""
    clause = knowledge_base().clause(number) if 0 < number < 100 else None
    if clause is None:
        return None
    return {
        "clause": clause.number,
        "citation": clause.citation,
        "title": clause.title,
        "text": clause.text,
        "units": list(clause.units),
    }


class SafeRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message) -> Blueprint:
        webhook = Blueprint("safe_rest_webhook", __name__)
        speedups.freeze_after_start(webhook)

        @webhook.listener("before_server_start")
        async def cap_requests(app, _loop) -> None:
            app.config.REQUEST_MAX_SIZE = min(app.config.REQUEST_MAX_SIZE, MAX_REQUEST_BYTES)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request):
            return response.json({"status": "ok"})

        @webhook.route("/clause/<number:int>", methods=["GET"])
        async def clause(request: Request, number: int):
            found = clause_json(number)
            if found is None:
                return refusal(404, NO_CLAUSE)
            return response.json(found, headers={"Cache-Control": "no-cache"})

        @webhook.route("/session", methods=["POST"])
        async def new_session(request: Request):
            return response.json({"session": sessions.issue(WEB)})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            if len(request.body or b"") > MAX_BODY_BYTES:
                return refusal(413, f"请求过大（上限 {MAX_BODY_BYTES // 1024} KB）")
            body, error = read_body(request)
            if error:
                return refusal(400, error)
            metadata = None
            if body.get("session") is not None:
                session_id = sessions.verify(body["session"], WEB)
                if session_id is None:
                    return refusal(403, "会话无效或已过期，请刷新页面重新开始。")
                reply_to, conversation = body["session"], sessions.conversation_id(WEB, session_id)
            elif body.get("sender") not in (None, ""):
                if not is_integration(request):
                    return refusal(403, "请先通过 /webhooks/rest/session 获取会话，再发送消息。")
                reply_to = str(body["sender"])[:MAX_SENDER_CHARS]
                conversation = sessions.conversation_id(self.name(), reply_to)
                if isinstance(body.get("metadata"), dict):
                    if len(json.dumps(body["metadata"], ensure_ascii=False).encode()) > MAX_METADATA_BYTES:
                        return refusal(413, f"metadata 过大（上限 {MAX_METADATA_BYTES // 1024} KB）")
                    metadata = body["metadata"]
            else:
                return refusal(400, "缺少 session（或集成方的 sender）：请先 POST /webhooks/rest/session 获取会话。")
            collector = ReplyCollector()
            try:
                await on_new_message(
                    UserMessage(
                        admit(body.get("message")),
                        collector,
                        conversation,
                        input_channel=self.name(),
                        metadata=metadata,
                    )
                )
            except CancelledError:
                logger.error("rest: message handling timed out (conversation %s…)", conversation[:9])
            except Exception:  # noqa: BLE001
                logger.error("rest: message handling failed (conversation %s…)", conversation[:9], exc_info=True)
            messages = collector.messages or [{"text": BUSY_REPLY}]
            return response.json([{**m, "recipient_id": reply_to} for m in messages])

        return webhook
