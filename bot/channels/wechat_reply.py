"""Rendering Rasa's collected messages as WeChat text.

WeChat shows one text bubble per reply and knows no buttons, so:

* every message of one turn is merged into one text (blocks separated by a blank line);
* a message that carries a structured reply (`custom`, docs/reply.schema.json) is drawn compact —
  headline first, within 2048 bytes, its next questions numbered (:mod:`.reply_render`);
* buttons become numbered lines ("1. 博士") and the user answers with the digit —
  :class:`NumberedChoices` remembers, per user, which payload each number stands for;
* links (Markdown ``[text](url)``, URL buttons, images, attachments) become ``<a href>``,
  the only markup a WeChat text message renders;
* the text is cut into parts of at most 2048 UTF-8 bytes (WeChat's limit for a text
  message), preferring line breaks and never cutting inside an ``<a>`` element;
* :func:`escape_cdata` makes ``]]>`` safe inside wechatpy's unescaped ``<![CDATA[…]]>``.
"""

import re
import time
import unicodedata
from collections import OrderedDict
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

from bot.channels import reply_render

MAX_TEXT_BYTES = 2048
CHOICE_HINT = "（回复数字即可选择）"

_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\((https?://[^\s)]+)\)")
_ANCHOR = re.compile(r"<a\s[^>]*>.*?</a>", re.S | re.I)
_DIGITS = re.compile(r"^\d{1,2}$")


def escape_cdata(text: str) -> str:
    """Split every ``]]>`` across two CDATA sections, so the reader gets it back verbatim."""
    return text.replace("]]>", "]]]]><![CDATA[>")


def link(url: str, title: str) -> str:
    url = url.replace('"', "%22")
    return f'<a href="{url}">{title}</a>'


def markdown_links(text: str) -> str:
    return _MD_LINK.sub(lambda m: link(m.group(2), m.group(1)), text)


class Choice(NamedTuple):
    """What one number of a reply stands for: a payload for the bot, or a link to show again."""

    payload: Optional[str]
    link: Optional[str] = None


def _button(number: int, button: Dict[str, Any]) -> Tuple[str, Choice]:
    title = str(button.get("title") or button.get("payload") or "").strip()
    url = button.get("url")
    if url:
        anchor = link(str(url), title or str(url))
        return f"{number}. {anchor}", Choice(None, anchor)
    payload = button.get("payload")
    return f"{number}. {title}", Choice(str(payload) if payload else title)


def render_messages(messages: Sequence[Dict[str, Any]]) -> Tuple[str, List[Choice]]:
    """Merge one turn's messages into one text; return it with what each number stands for."""
    blocks: List[str] = []
    choices: List[Choice] = []
    for message in messages:
        lines: List[str] = []
        text = message.get("text")
        custom = message.get("custom")
        compacted = reply_render.compact_message(message, len(choices) + 1)
        follow_ups: List[Dict[str, str]] = []
        if compacted is not None:
            text, follow_ups = compacted
        elif reply_render.is_reply(custom) and not reply_render.questions(custom) and not message.get("buttons"):
            follow_ups = list(custom.get("next_questions") or [])  # a clause's text as it is, then what to ask next
        if text:
            lines.append(markdown_links(str(text).strip()))
        if isinstance(custom, dict) and isinstance(custom.get("text"), str):
            lines.append(markdown_links(custom["text"].strip()))
        for follow_up in follow_ups:
            choices.append(Choice(follow_up["payload"]))
        if follow_ups and compacted is None:
            lines.append(
                "　".join(f"{n}. {f['title']}" for n, f in enumerate(follow_ups, len(choices) - len(follow_ups) + 1))
            )
        if message.get("image"):
            lines.append(link(str(message["image"]), "查看图片"))
        attachment = message.get("attachment")
        if isinstance(attachment, str) and attachment.startswith(("http://", "https://")):
            lines.append(link(attachment, "查看附件"))
        for button in message.get("buttons") or []:
            if isinstance(button, dict):
                line, choice = _button(len(choices) + 1, button)
                choices.append(choice)
                lines.append(line)
        if lines:
            blocks.append("\n".join(lines))
    if any(c.payload is not None for c in choices):
        blocks.append(CHOICE_HINT)
    return "\n\n".join(blocks).strip(), choices


def _prefix_within(text: str, limit: int) -> int:
    """Length (in characters) of the longest prefix of ``text`` that fits in ``limit`` bytes."""
    size = 0
    for index, char in enumerate(text):
        size += len(char.encode("utf-8"))
        if size > limit:
            return index
    return len(text)


def split_utf8(text: str, limit: int = MAX_TEXT_BYTES) -> List[str]:
    """Cut ``text`` into parts of at most ``limit`` UTF-8 bytes each."""
    parts: List[str] = []
    text = text.strip()
    while len(text.encode("utf-8")) > limit:
        cut = _prefix_within(text, limit)
        newline = text.rfind("\n", 0, cut + 1)
        if newline > cut // 2:
            cut = newline
        else:
            for anchor in _ANCHOR.finditer(text, 0, len(text)):
                if anchor.start() < cut < anchor.end() and anchor.start() > 0:
                    cut = anchor.start()
                    break
                if anchor.start() >= cut:
                    break
        cut = max(cut, 1)
        head = text[:cut].rstrip()
        if head:
            parts.append(head)
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def _as_number(text: str) -> Optional[int]:
    text = unicodedata.normalize("NFKC", text).strip().rstrip(".。、")
    return int(text) if _DIGITS.match(text) else None


class NumberedChoices:
    """Per user: what the numbers of the last reply stand for (in memory, with a TTL)."""

    def __init__(self, ttl: float = 1800.0, max_users: int = 10_000, clock=time.monotonic):
        self._ttl = ttl
        self._max_users = max_users
        self._clock = clock
        self._by_user: "OrderedDict[str, Tuple[float, List[Choice]]]" = OrderedDict()

    def remember(self, user: str, choices: List[Choice]) -> None:
        """Replace the user's choices (a reply without buttons clears them)."""
        self._by_user.pop(user, None)
        if choices:
            self._by_user[user] = (self._clock() + self._ttl, list(choices))
        while len(self._by_user) > self._max_users:
            self._by_user.popitem(last=False)

    def resolve(self, user: str, text: str) -> Optional[Choice]:
        """The choice the user picked by answering with its number, else ``None``."""
        number = _as_number(text)
        entry = self._by_user.get(user)
        if number is None or entry is None:
            return None
        expires, choices = entry
        if self._clock() > expires:
            del self._by_user[user]
            return None
        return choices[number - 1] if 1 <= number <= len(choices) else None

    def current(self, user: str) -> List[Choice]:
        """The user's choices still valid (for sharing them with other servers)."""
        entry = self._by_user.get(user)
        if entry is None or self._clock() > entry[0]:
            return []
        return list(entry[1])
