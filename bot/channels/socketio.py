"""Rasa's socket.io channel for web widgets, with server-issued sessions and replies that arrive.

Registered in credentials.yml as `bot.channels.socketio.SessionSocketIOInput` (name `socketio`, path /socket.io,
events `user_uttered` / `bot_uttered` as configured). Differences from rasa.core.channels.socketio.SocketIOInput:

- `session_request` never takes the client's word: a `session_id` is accepted only if it is a token this server
  signed for socket.io (bot/sessions.py); otherwise the client gets a new one in `session_confirm`. A message must
  carry a session token the socket holds; its conversation is `socketio:<id>`.
- Rasa 3.6.21 calls `sio.enter_room()` without `await`; with the python-socketio the lock pins (5.x) it is a
  coroutine, so the socket never joined its room and `bot_uttered` never arrived. Here it is awaited.
- ID numbers and phones are taken out of the text first (bot/channels/inbound.py); when the bot sends nothing
  (action server down, an action failed), the client gets BUSY_REPLY.
"""

from __future__ import annotations

import inspect
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot import sessions
from bot.channels.inbound import BUSY_REPLY, admit

logger = logging.getLogger(__name__)
MAX_METADATA_BYTES = 4 * 1024


class CountingOutput(SocketIOOutput):
    """SocketIOOutput that remembers whether it sent anything."""

    def __init__(self, sio: AsyncServer, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result


class SessionSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        held: Dict[str, str] = {}  # socket id → the session id it asked for and was confirmed

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            if self.jwt_key:
                from rasa.core.channels.channel import decode_bearer_token

                token = (auth or {}).get("token")
                return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text) -> None:
            held.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            token = (data or {}).get("session_id") if isinstance(data, dict) else None
            session_id = sessions.verify(token, self.name())
            if session_id is None:
                token = sessions.issue(self.name())
                session_id = sessions.verify(token, self.name())
            held[sid] = session_id
            # Rasa sends the replies to the conversation id: the socket joins the room of that name
            await _maybe_await(sio.enter_room(sid, sessions.conversation_id(self.name(), session_id)))
            await sio.emit("session_confirm", token, room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Dict) -> None:
            if not isinstance(data, dict):
                return
            token = data.get("session_id")
            session_id = sessions.verify(token, self.name())
            if session_id is None or held.get(sid) != session_id:
                await sio.emit(self.bot_message_evt, {"text": "会话无效，请刷新页面重新开始。"}, room=sid)
                return
            output = CountingOutput(sio, self.bot_message_evt)
            metadata = data.get(self.metadata_key) or None
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = None
            if not isinstance(metadata, dict) or len(json.dumps(metadata).encode()) > MAX_METADATA_BYTES:
                metadata = None
            conversation = sessions.conversation_id(self.name(), session_id)
            message = UserMessage(
                admit(data.get("message")), output, conversation, input_channel=self.name(), metadata=metadata
            )
            try:
                await on_new_message(message)
            except Exception:  # noqa: BLE001
                logger.error("socketio: message handling failed", exc_info=True)
            if not output.sent:
                await output.send_text_message(conversation, BUSY_REPLY)

        return socketio_webhook
