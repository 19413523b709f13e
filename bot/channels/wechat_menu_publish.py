"""Publish the 公众号 menu (wechat_menu.yml) to WeChat: ``make wechat-menu`` (``dry_run=1`` prints the JSON only).

    python -m bot.channels.wechat_menu_publish [--menu wechat_menu.yml] [--dry-run]

Reads WECHAT_APPID, WECHAT_SECRET, PUBLIC_BASE_URL (the assistant's public address, for the web-page buttons),
WECHAT_API_BASE (default https://api.weixin.qq.com; tests point it at a fake on loopback) and WECHAT_STATE (redis:
the token the servers share in Redis is used, REDIS_HOST …). The menu is checked
against WeChat's limits first; nothing is sent when it breaks one. The access_token is fetched and refreshed as
the channel does it (:class:`bot.channels.wechat_api.WeChatAPI`), and never printed. WeChat's error codes are
explained in plain words. Exit status: 0 published (or printed), 1 WeChat or the network refused, 2 the menu or
the settings are wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Optional

import redis
import requests
import yaml
from wechatpy.exceptions import WeChatClientException

from bot.channels import wechat_menu
from bot.channels.wechat_api import WeChatAPI, api_base_from_env

# WeChat's global return codes that menu/create and the token fetch answer with (中文 / English).
ERRORS = {
    -1: ("微信系统繁忙，请稍后再试", "WeChat is busy, try again later"),
    40001: ("AppSecret 错误，或 access_token 无效", "invalid credential: wrong AppSecret or invalid access_token"),
    40013: ("AppID 不正确（WECHAT_APPID）", "invalid AppID"),
    40125: ("AppSecret 不正确（WECHAT_SECRET）", "invalid AppSecret"),
    40164: (
        "本机的出口 IP 不在公众号的 IP 白名单中（设置与开发 → 基本配置 → IP白名单）",
        "this machine's IP address is not in the account's IP whitelist",
    ),
    41001: ("缺少 access_token", "access_token missing"),
    42001: ("access_token 已过期", "access_token expired"),
    45009: ("接口今日调用次数已达上限", "daily API quota reached"),
    45011: ("调用太频繁，请一分钟后再试", "API minute quota reached, retry in a minute"),
    48001: (
        "公众号没有自定义菜单接口权限（未认证的订阅号没有；可在 设置与开发 → 接口权限 查看）",
        "API unauthorized: this account has no custom-menu API permission",
    ),
    40016: ("一级菜单个数不合法（应为 1–3 个）", "invalid button count"),
    40017: ("菜单按钮类型不合法", "invalid button type"),
    40018: ("一级菜单名称过长（不超过 16 字节）", "invalid button name size"),
    40019: ("菜单 KEY 过长（不超过 128 字节）", "invalid button key size"),
    40020: ("菜单网址过长（不超过 1024 字节）", "invalid button url size"),
    40023: ("子菜单个数不合法（应为 1–5 项）", "invalid sub button count"),
    40024: ("子菜单按钮类型不合法", "invalid sub button type"),
    40025: ("子菜单名称过长（不超过 60 字节）", "invalid sub button name size"),
    40026: ("子菜单 KEY 过长", "invalid sub button key size"),
    40027: ("子菜单网址过长", "invalid sub button url size"),
    40054: ("子菜单网址的域名不被接受", "invalid sub button url domain"),
    40055: ("菜单网址的域名不被接受", "invalid button url domain"),
}


def explain(errcode: Optional[int], errmsg: str = "") -> str:
    """A WeChat error in plain words, Chinese then English, with the code."""
    if errcode is None:
        return f"微信接口没有正常应答{('：' + errmsg) if errmsg else ''} / the WeChat API did not answer normally"
    if errcode in ERRORS:
        chinese, english = ERRORS[errcode]
        return f"{chinese}（errcode {errcode}）/ {english}"
    detail = f"：{errmsg}" if errmsg else ""
    return f"微信返回错误（errcode {errcode}）{detail} / WeChat refused the request (errcode {errcode})"


def shared_redis():
    """With WECHAT_STATE=redis the servers share one access_token in Redis: publishing uses it (and, if it must
    fetch one, the stable_token endpoint), so the servers' token stays valid."""
    state = os.environ.get("WECHAT_STATE", "memory").strip() or "memory"
    if state != "redis":
        return None
    from bot.channels.wechat import redis_options_from_env

    return redis.Redis(**redis_options_from_env())


async def publish(
    body: dict, appid: str, secret: str, api_base: Optional[str] = None, timeout: float = 10.0, shared=None
) -> None:
    await WeChatAPI(appid, secret, api_base, timeout=timeout, shared_redis=shared).create_menu(body)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--menu", default=str(wechat_menu.MENU_FILE), help="the menu file (default: wechat_menu.yml)")
    parser.add_argument("--dry-run", action="store_true", help="check the menu and print the JSON; send nothing")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args(argv)

    try:
        menu = wechat_menu.load(args.menu)
    except (OSError, yaml.YAMLError) as error:
        print(f"菜单文件无法读取：{error}", file=sys.stderr)
        return 2
    base_url = wechat_menu.public_base_url()
    base_problem = wechat_menu.base_url_problem(base_url)
    if args.dry_run and base_problem:
        base_url = base_url or "https://<PUBLIC_BASE_URL>"
    try:
        body = wechat_menu.to_wechat(menu, base_url)
    except wechat_menu.MenuError as error:
        print("菜单不符合微信的要求，没有发布：", file=sys.stderr)
        for problem in error.problems:
            print(f"  · {problem}", file=sys.stderr)
        return 2
    for warning in wechat_menu.warnings(menu):
        print(f"提示：{warning}", file=sys.stderr)

    if args.dry_run:
        for key, question in wechat_menu.click_keys(menu).items():
            print(f"点击 {key} → 替用户提问：{question}", file=sys.stderr)
        if base_problem:
            print(f"提示：{base_problem}（发布前必须设置）", file=sys.stderr)
        print(json.dumps(body, ensure_ascii=False, indent=2))
        return 0

    appid, secret = os.environ.get("WECHAT_APPID", "").strip(), os.environ.get("WECHAT_SECRET", "").strip()
    missing = [name for name, value in (("WECHAT_APPID", appid), ("WECHAT_SECRET", secret)) if not value]
    if missing or base_problem:
        for name in missing:
            print(f"{name} 未设置：发布菜单需要公众号的 AppID 和 AppSecret（设置与开发 → 基本配置）", file=sys.stderr)
        if base_problem:
            print(base_problem, file=sys.stderr)
        return 2
    api_base = api_base_from_env()
    try:
        asyncio.run(publish(body, appid, secret, api_base, args.timeout, shared_redis()))
    except WeChatClientException as error:
        print(f"发布失败：{explain(error.errcode, error.errmsg or '')}", file=sys.stderr)
        return 1
    except (requests.RequestException, redis.RedisError, asyncio.TimeoutError, OSError) as error:
        print(
            f"发布失败：无法连接微信接口 {api_base}（{type(error).__name__}）/ cannot reach the WeChat API",
            file=sys.stderr,
        )
        return 1
    buttons = sum(len(b.get("sub_button", [b])) for b in body["button"])
    print(
        f"菜单已发布：{len(body['button'])} 个一级菜单，{buttons} 个按钮。"
        "用户重新进入公众号会话后即可看到（微信客户端约 5 分钟内刷新）。"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
