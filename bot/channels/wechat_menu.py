"""The 公众号 custom menu as data: ``wechat_menu.yml``, checked against WeChat's limits and turned into the JSON of
WeChat's ``menu/create``. The channel reads its CLICK key → question mapping from the same file
(:func:`click_keys`), so the menu and the answers to its buttons cannot drift apart.

WeChat's limits (menu/create as documented at developers.weixin.qq.com today; older copies of the page say 40 bytes
for a sub-button name and 256 for a URL): 1–3 top-level buttons, 1–5 sub-buttons each; a name of at most 16 bytes at
the top level and 60 bytes in a sub-menu (UTF-8); a key of at most 128 bytes; a URL of at most 1024 bytes. The phone
shows about 4 characters of a top-level name and 8 of a sub-button's: longer names are warnings, not errors.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Dict, List, Optional
from urllib.parse import quote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
MENU_FILE = ROOT / "wechat_menu.yml"
WEB_CHAT_PATH = "/webhooks/webchat/"
ASK_PARAMETER = "q"  # bot/web/static/chat.js sends ?q=… once when the page opens

MAX_BUTTONS, MAX_SUB_BUTTONS = 3, 5
MAX_NAME_BYTES, MAX_SUB_NAME_BYTES = 16, 60
MAX_KEY_BYTES, MAX_URL_BYTES = 128, 1024
SHOWN_CHARS, SHOWN_SUB_CHARS = 4, 8
FIELDS = {"click": {"type", "name", "key", "question"}, "view": {"type", "name", "url", "ask"}}


class MenuError(ValueError):
    """The menu breaks WeChat's limits or this file's rules; ``problems`` lists every one, in Chinese."""

    def __init__(self, problems: List[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def load(path: Optional[Path | str] = None) -> dict:
    path = Path(path) if path else MENU_FILE
    if not path.is_absolute():
        path = ROOT / path
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _where(top: int, name: Any, sub: Optional[int] = None, sub_name: Any = None) -> str:
    place = f"第{top + 1}个菜单「{name}」"
    return place if sub is None else f"{place} → 第{sub + 1}项「{sub_name}」"


def _buttons(menu: dict) -> list:
    buttons = menu.get("buttons") if isinstance(menu, dict) else None
    return buttons if isinstance(buttons, list) else []


def leaves(menu: dict) -> List[dict]:
    """The buttons that act (click, view): the sub-buttons, and the top-level buttons without a sub-menu."""
    out = []
    for button in _buttons(menu):
        if not isinstance(button, dict):
            continue
        subs = button.get("sub_buttons")
        out += [s for s in subs if isinstance(s, dict)] if isinstance(subs, list) else [button]
    return out


def problems(menu: dict) -> List[str]:
    """Every way the menu would be refused by WeChat or not answered by the assistant; [] when it is fine."""
    found: List[str] = []
    buttons = menu.get("buttons") if isinstance(menu, dict) else None
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= MAX_BUTTONS:
        count = len(buttons) if isinstance(buttons, list) else 0
        found.append(f"一级菜单应为 1–{MAX_BUTTONS} 个，现在是 {count} 个")
        buttons = buttons if isinstance(buttons, list) else []
    keys: Dict[str, str] = {}
    for i, button in enumerate(buttons):
        if not isinstance(button, dict):
            found.append(f"第{i + 1}个菜单不是“名称: 值”的形式")
            continue
        where = _where(i, button.get("name"))
        found += _name_problems(button.get("name"), MAX_NAME_BYTES, where)
        if "sub_buttons" in button:
            subs = button["sub_buttons"]
            extra = set(button) - {"name", "sub_buttons"}
            if extra:
                found.append(f"{where}：有子菜单的菜单不能再有 {'、'.join(sorted(extra))}")
            if not isinstance(subs, list) or not 1 <= len(subs) <= MAX_SUB_BUTTONS:
                count = len(subs) if isinstance(subs, list) else 0
                found.append(f"{where}：子菜单应为 1–{MAX_SUB_BUTTONS} 项，现在是 {count} 项")
                continue
            for j, sub in enumerate(subs):
                if not isinstance(sub, dict):
                    found.append(f"{where} → 第{j + 1}项不是“名称: 值”的形式")
                    continue
                sub_where = _where(i, button.get("name"), j, sub.get("name"))
                found += _name_problems(sub.get("name"), MAX_SUB_NAME_BYTES, sub_where)
                found += _action_problems(sub, sub_where, keys)
        else:
            found += _action_problems(button, where, keys)
    return found


def _name_problems(name: Any, limit: int, where: str) -> List[str]:
    if not isinstance(name, str) or not name.strip():
        return [f"{where}：缺少名称（name）"]
    if _bytes(name) > limit:
        return [f"{where}：名称 {_bytes(name)} 字节，超过微信的 {limit} 字节上限（一个汉字 3 字节）"]
    return []


def _action_problems(button: dict, where: str, keys: Dict[str, str]) -> List[str]:
    kind = button.get("type")
    if kind not in FIELDS:
        return [f"{where}：类型（type）应为 click 或 view，现在是 {kind!r}"]
    found = [f"{where}：{kind} 按钮没有 {field} 这一项" for field in sorted(set(button) - FIELDS[kind])]
    if kind == "click":
        key, question = button.get("key"), button.get("question")
        if not isinstance(key, str) or not key.strip():
            found.append(f"{where}：click 按钮缺少 key")
        elif _bytes(key) > MAX_KEY_BYTES:
            found.append(f"{where}：key {_bytes(key)} 字节，超过微信的 {MAX_KEY_BYTES} 字节上限")
        elif key in keys:
            found.append(f"{where}：key {key} 与「{keys[key]}」重复")
        else:
            keys[key] = str(button.get("name"))
        if not isinstance(question, str) or not question.strip():
            found.append(f"{where}：click 按钮缺少 question（点击后替用户提的问题）")
    else:
        url, ask = button.get("url"), button.get("ask")
        if not isinstance(url, str) or not (url.startswith("/") or urlsplit(url).scheme in ("http", "https")):
            found.append(f"{where}：url 应为 http(s):// 开头的网址或 / 开头的路径，现在是 {url!r}")
        elif _bytes(view_url(button, "https://example.org")) > MAX_URL_BYTES:
            found.append(f"{where}：url 超过微信的 {MAX_URL_BYTES} 字节上限")
        if ask is not None and (not isinstance(ask, str) or not ask.strip()):
            found.append(f"{where}：ask 应为一个问题")
    return found


def warnings(menu: dict) -> List[str]:
    """Names the phone shortens with “…” (WeChat accepts them)."""
    found = []
    for i, button in enumerate(_buttons(menu)):
        if not isinstance(button, dict) or not isinstance(button.get("name"), str):
            continue
        if len(button["name"]) > SHOWN_CHARS:
            found.append(f"{_where(i, button['name'])}：手机上只显示约 {SHOWN_CHARS} 个字，超出部分显示为“…”")
        for j, sub in enumerate(button.get("sub_buttons") or []):
            if isinstance(sub, dict) and isinstance(sub.get("name"), str) and len(sub["name"]) > SHOWN_SUB_CHARS:
                found.append(f"{_where(i, button['name'], j, sub['name'])}：手机上只显示约 {SHOWN_SUB_CHARS} 个字")
    return found


def check(menu: dict) -> dict:
    """The menu itself, or MenuError with every problem."""
    found = problems(menu)
    if found:
        raise MenuError(found)
    return menu


def click_keys(menu: dict) -> Dict[str, str]:
    """key → question of every well-formed click button (what the channel asks the assistant for a CLICK event)."""
    return {
        b["key"]: b["question"].strip()
        for b in leaves(menu)
        if b.get("type") == "click"
        and isinstance(b.get("key"), str)
        and isinstance(b.get("question"), str)
        and b["question"].strip()
    }


def top_level_names(menu: dict) -> List[str]:
    return [b["name"] for b in _buttons(menu) if isinstance(b, dict) and isinstance(b.get("name"), str)]


def public_base_url(value: Optional[str] = None) -> str:
    return (value if value is not None else os.environ.get("PUBLIC_BASE_URL", "")).strip().rstrip("/")


def base_url_problem(base_url: str) -> Optional[str]:
    """Why view buttons could not open from a phone with this base URL; None when they can."""
    if not base_url:
        return "PUBLIC_BASE_URL 未设置：网页按钮需要助手的公网地址，例如 https://rencai.example.gov.cn"
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"PUBLIC_BASE_URL 应为 http(s):// 开头的公网地址，现在是 {base_url!r}"
    host = parts.hostname
    try:
        local = ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_private
    except ValueError:
        local = host == "localhost" or host.endswith(".localhost")
    if local:
        return f"PUBLIC_BASE_URL 是本机或内网地址（{host}），用户的手机打不开"
    return None


def view_url(button: dict, base_url: str) -> str:
    url = button["url"]
    if url.startswith("/"):
        url = base_url.rstrip("/") + url
    if button.get("ask"):
        url += ("&" if "?" in url else "?") + f"{ASK_PARAMETER}={quote(button['ask'].strip(), safe='')}"
    return url


def to_wechat(menu: dict, base_url: str) -> dict:
    """The body of WeChat's menu/create for a checked menu."""

    def one(button: dict) -> dict:
        if "sub_buttons" in button:
            return {"name": button["name"], "sub_button": [one(s) for s in button["sub_buttons"]]}
        if button["type"] == "click":
            return {"type": "click", "name": button["name"], "key": button["key"]}
        return {"type": "view", "name": button["name"], "url": view_url(button, base_url)}

    wechat = {"button": [one(b) for b in check(menu)["buttons"]]}
    too_long = [b["url"] for b in _rendered_leaves(wechat) if "url" in b and _bytes(b["url"]) > MAX_URL_BYTES]
    if too_long:
        raise MenuError([f"网址超过微信的 {MAX_URL_BYTES} 字节上限：{u[:80]}…" for u in too_long])
    return wechat


def _rendered_leaves(wechat: dict) -> List[dict]:
    return [s for b in wechat["button"] for s in b.get("sub_button", [b])]


def menu_hint(menu: dict) -> str:
    """One line for the subscribe welcome: the menu's top-level buttons, as they are named in the menu."""
    names = top_level_names(menu)
    return f"也可以点下方菜单：{'、'.join(f'“{n}”' for n in names)}。" if names else ""
