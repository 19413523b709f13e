"""Collecting the bot's messages with their structure attached: one message per utterance, text + buttons + custom.

Rasa's CollectingOutputChannel sends a message's `custom` as a message of its own (and splits the text at blank
lines), so a client would get the text, then a bare JSON object. An answer's `custom` is the structured reply
(docs/reply.schema.json) of the same words: it belongs to the message whose text it describes. Here an utterance
that carries `custom` stays one message — `{"text", "buttons"?, "custom"}` — so a client reads the text (and a
judge or a plain widget sees nothing new) and a card-capable client (the chat page, WeChat's compact renderer)
draws the structure. Utterances without `custom` are collected exactly as Rasa collects them.
"""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel


class ReplyCollector(CollectingOutputChannel):
    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        custom = message.get("custom")
        if isinstance(custom, dict) and message.get("text"):
            collected = {"recipient_id": recipient_id, "text": message["text"]}
            if message.get("buttons"):
                collected["buttons"] = message["buttons"]
            collected["custom"] = custom
            await self._persist_message(collected)
            rest = {k: v for k, v in message.items() if k not in ("text", "buttons", "quick_replies", "custom")}
            if any(rest.get(k) for k in ("image", "attachment", "elements")):
                await super().send_response(recipient_id, rest)
            return
        await super().send_response(recipient_id, message)
