"""The structured reply (docs/reply.schema.json, a message's `custom`) as compact WeChat text.

A person reads WeChat on a phone, often in a noisy place; a hotline officer reads the first line aloud. So: the
headline first, then one line per benefit (the amount, or in a self-check ✓/？/✗ with the reason), what the text
does not say, the responsible units, the question still open, and the natural next questions numbered — the user
answers with the digit (bot/channels/wechat_reply.py NumberedChoices), "原文" among them shows the clause. Everything
fits one message of at most 2048 UTF-8 bytes: lines that do not fit are left out (the numbered follow-ups stay),
and the full answer is one digit away ("详细", "原文"). Every word comes from the reply; nothing is added.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

SCHEMA = "dongchuan-reply/1"
MAX_BYTES = 2048
HINT_BYTES = 64  # room for the channel's "（回复数字即可选择）" after the text
VERDICT_MARKS = {"eligible": "✓ 符合", "undetermined": "？尚需确认", "not_eligible": "✗ 不符合"}


def is_reply(custom: Any) -> bool:
    return isinstance(custom, dict) and custom.get("schema") == SCHEMA and isinstance(custom.get("aspect"), str)


def questions(reply: Dict[str, Any]) -> List[str]:
    """The open question(s) the reply asks (a self-check's next fact)."""
    return [text for kind, text in reply.get("lines") or [] if kind == "question"]


def _size(lines: List[str]) -> int:
    return len("\n".join(lines).encode("utf-8"))


def _item_line(item: Dict[str, Any], primary: bool) -> str:
    head = f"{item['citation']['citation']} {item['name']}"
    amount = (item.get("amount") or {}).get("text", "")
    verdict = item.get("verdict")
    if verdict:
        line = f"{VERDICT_MARKS[verdict]} {head}" + (f"：{amount}" if amount else "")
        conditions = item.get("conditions") or []
        if verdict == "not_eligible":
            reasons = [c.get("explanation") or c["label"] for c in conditions if c.get("status") == "unmet"]
            line += f"。{'；'.join(reasons)}" if reasons else ""
        elif verdict == "undetermined":
            open_ = [c["label"] for c in conditions if c.get("status") == "to_confirm"]
            line += f"。待确认：{'；'.join(open_)}" if open_ else ""
        return line
    schedule = (item.get("payment") or {}).get("text", "")
    said = amount + (f"（{schedule}）" if primary and schedule and schedule != amount else "")
    return f"{head}：{said}" if said else head


def compact(reply: Dict[str, Any], limit: int = MAX_BYTES, start: int = 1) -> Tuple[str, List[Dict[str, str]]]:
    """(text, follow-ups): the reply within `limit` bytes, headline first, its follow-ups numbered from `start`."""
    suggestions = [s for s in reply.get("next_questions") or [] if s.get("title") and s.get("payload")]
    asked = questions(reply)
    # an open numeric question ("多少周岁？") is answered with a number: then the only follow-up (不知道) is not numbered
    numbered = suggestions if not asked or len(suggestions) > 1 else []
    tail: List[str] = list(asked)
    if numbered:
        tail.append("　".join(f"{n}. {s['title']}" for n, s in enumerate(numbered, start)))
    headline = reply.get("headline") or ""
    body: List[str] = [headline] if headline else []
    candidates = [_item_line(item, n == 0) for n, item in enumerate(reply.get("items") or [])]
    candidates += [s["note"] for s in reply.get("silences") or []]
    candidates += [f"说明：{n}" for n in reply.get("notes") or []]
    if reply.get("units"):
        candidates.append(f"责任单位：{'、'.join(reply['units'])}。")
    cited = list(dict.fromkeys(c["citation"] for c in reply.get("citations") or []))
    if cited and not any(c in line for c in cited for line in body + candidates):
        candidates.append(f"依据：{'、'.join(cited)}")
    for line in candidates:
        if line in headline:  # the headline already says it (a composer's headline is often its first item line)
            continue
        if _size(body + [line] + tail) <= limit:
            body.append(line)
    text = "\n".join(body + tail)
    if len(text.encode("utf-8")) > limit:  # a headline longer than a message: cut it, keep the follow-ups
        keep = limit - _size(tail) - 1
        head = headline.encode("utf-8")[: max(keep, 0)].decode("utf-8", "ignore")
        text = "\n".join([head] + tail)
    return text, numbered


def compact_message(message: Dict[str, Any], start: int = 1) -> Optional[Tuple[str, List[Dict[str, str]]]]:
    """The compact form of a collected message whose `custom` is a reply with items; None for any other (and
    for a message with buttons: its buttons are its choices, numbered as they are)."""
    custom = message.get("custom")
    if not is_reply(custom) or not custom.get("items") or not custom.get("headline") or message.get("buttons"):
        return None
    return compact(custom, MAX_BYTES - HINT_BYTES, start)
