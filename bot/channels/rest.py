"""Rasa's REST channel, hardened: never silence, never a crash on odd input, never the message text in logs.

Registered in credentials.yml as `bot.channels.rest.SafeRestInput`; it keeps the name `rest`, so the URL stays
Rasa's usual /webhooks/rest/webhook. Differences from rasa.core.channels.rest.RestInput:
- a body that is not a JSON object → 400 with a Chinese message; a missing or non-text message → "";
- sender ids are capped; messages are capped (the NLU caps further);
- if the bot produces nothing (the action server is down, an action failed), the user gets BUSY_REPLY;
- failures are logged without the message text (it may hold ID numbers or phones).
"""
from __future__ import annotations

import logging
from asyncio import CancelledError

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot import speedups

logger = logging.getLogger(__name__)
speedups.install()  # the Rasa server loads this channel: the measured speed-ups of bot/speedups.py
BUSY_REPLY = "系统繁忙，请稍后再试。"
MAX_MESSAGE_CHARS = 5000
MAX_SENDER_CHARS = 128


def read_body(request: Request) -> tuple[dict | None, str | None]:
    """(body, error): the JSON object of the request, or a reason it is not one."""
    try:
        body = request.json
    except Exception:  # noqa: BLE001 — sanic raises on malformed JSON
        return None, "请求体不是合法的 JSON"
    if not isinstance(body, dict):
        return None, "请求体应为 JSON 对象：{\"sender\": \"…\", \"message\": \"…\"}"
    return body, None


class SafeRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message) -> Blueprint:
        webhook = Blueprint("safe_rest_webhook", __name__)
        speedups.freeze_after_start(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request):
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            body, error = read_body(request)
            if error:
                return response.json({"error": error}, status=400)
            sender = str(body.get("sender") or "default")[:MAX_SENDER_CHARS]
            text = body.get("message")
            text = text if isinstance(text, str) else ("" if text is None else str(text))
            text = text[:MAX_MESSAGE_CHARS]
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=metadata))
            except CancelledError:
                logger.error("rest: message handling timed out (sender %s…)", sender[:4])
            except Exception:  # noqa: BLE001
                logger.error("rest: message handling failed (sender %s…)", sender[:4], exc_info=True)
            messages = collector.messages or [{"recipient_id": sender, "text": BUSY_REPLY}]
            return response.json(messages)

        return webhook
