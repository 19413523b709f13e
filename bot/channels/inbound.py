"""What every input channel does to a message before Rasa sees it, and says when the assistant cannot answer.

- `admit(text)`: the text capped, and its ID numbers and phones replaced by references to the prefill store's vault
  (bot/prefill/vault.py), so that the tracker, the event stream and the logs never hold them.
- `BUSY_REPLY`: what the user reads when the assistant produced nothing (action server down, an action failed),
  on every channel — REST, socket.io, the chat page and WeChat.

Typed `/intent{…}` commands are disarmed in the NLU's first step (bot/nlu/normalizer.py), which every channel
goes through; the assistant's own buttons carry plain-text payloads, so no user text is ever a command.
"""

from __future__ import annotations

from bot.prefill.vault import conceal_text

BUSY_REPLY = "系统繁忙，请稍后再试。"
MAX_MESSAGE_CHARS = 5000


def admit(text: object, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """The message as Rasa may store it."""
    text = text if isinstance(text, str) else ("" if text is None else str(text))
    return conceal_text(text[:max_chars])
