"""The 公众号 menu (wechat_menu.yml): WeChat's limits checked, published with `make wechat-menu` to a fake WeChat API
on loopback (the JSON WeChat would store), errors in plain words, and the channel reading its click keys from the
same file. The answers to every button, through the real channel and the trained assistant:
test_wechat_menu_assistant.py."""

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from bot.channels import wechat_menu
from bot.channels.wechat import WELCOME, WeChatInput
from tests.channels.fake_wechat_api import FakeWeChat

ROOT = Path(__file__).resolve().parents[2]
APPID, SECRET = "wx2c2769f8efd9abc2", "menu-test-secret-0123456789"
PUBLIC = "https://rencai.dongchuan.example.gov.cn"
MENU = wechat_menu.load()


def utf8(text):
    return len(text.encode("utf-8"))


def publish(fake, *extra, env=None, menu=None, make=False):
    """The publishing command against the fake WeChat API: `make wechat-menu` as the operator runs it, or the
    module itself (its exit status: 0 published, 1 WeChat refused, 2 the menu or the settings are wrong)."""
    environment = {
        **os.environ,
        "WECHAT_APPID": APPID,
        "WECHAT_SECRET": SECRET,
        "WECHAT_API_BASE": fake.base,
        "PUBLIC_BASE_URL": PUBLIC,
        "PYTHONPATH": str(ROOT),
    }
    environment.update(env or {})
    if make:
        command = ["make", "--no-print-directory", "-s", "wechat-menu", *extra]
    else:
        command = [
            sys.executable,
            "-m",
            "bot.channels.wechat_menu_publish",
            "--menu",
            str(menu or wechat_menu.MENU_FILE),
            *extra,
        ]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


# --- the menu in the repository ------------------------------------------------------------------------------


def test_the_repository_menu_keeps_every_limit_and_every_click_has_a_question():
    assert wechat_menu.problems(MENU) == []
    assert 1 <= len(MENU["buttons"]) <= 3
    for button in MENU["buttons"]:
        assert utf8(button["name"]) <= 16 and 1 <= len(button["sub_buttons"]) <= 5
        for sub in button["sub_buttons"]:
            assert utf8(sub["name"]) <= 60
            assert sub["type"] in ("click", "view")
    keys = wechat_menu.click_keys(MENU)
    assert {"POLICY_OVERVIEW", "HOW_TO_APPLY", "CONTACT", "SELF_CHECK"} <= set(keys)
    assert all(q.strip() for q in keys.values())
    assert wechat_menu.warnings(MENU) == []  # nothing the phone cuts with “…”


def test_published_json_is_what_wechat_expects(tmp_path):
    fake = FakeWeChat(APPID, SECRET)
    with fake.running():
        result = publish(fake, make=True)
    assert result.returncode == 0, result.stderr
    assert "菜单已发布" in result.stdout
    assert fake.tokens_issued == 1 and fake.menu_calls == 1 and len(fake.menus) == 1
    body = fake.menus[0]
    assert [b["name"] for b in body["button"]] == [b["name"] for b in MENU["buttons"]]
    assert 1 <= len(body["button"]) <= 3
    sent_keys, views = {}, []
    for top, source in zip(body["button"], MENU["buttons"]):
        assert set(top) == {"name", "sub_button"} and utf8(top["name"]) <= 16
        assert 1 <= len(top["sub_button"]) <= 5
        for sub, item in zip(top["sub_button"], source["sub_buttons"]):
            assert sub["name"] == item["name"] and utf8(sub["name"]) <= 60
            if sub["type"] == "click":
                assert set(sub) == {"type", "name", "key"} and utf8(sub["key"]) <= 128  # no question leaks out
                sent_keys[sub["key"]] = item["question"]
            else:
                assert set(sub) == {"type", "name", "url"} and utf8(sub["url"]) <= 1024
                views.append((sub["url"], item))
    assert sent_keys == wechat_menu.click_keys(MENU)  # the keys WeChat will send back are the channel's keys
    assert views
    for url, item in views:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == PUBLIC and parts.path == "/webhooks/webchat/"
        assert parse_qs(parts.query).get("q") == ([item["ask"]] if item.get("ask") else None)
    assert SECRET not in result.stdout + result.stderr and "ACCESS-TOKEN" not in result.stdout + result.stderr


def test_dry_run_prints_the_json_and_sends_nothing():
    fake = FakeWeChat(APPID, SECRET)
    with fake.running():
        result = publish(fake, "dry_run=1", env={"PUBLIC_BASE_URL": ""}, make=True)
    assert result.returncode == 0, result.stderr
    printed = yaml.safe_load(result.stdout)  # JSON is YAML
    assert [b["name"] for b in printed["button"]] == [b["name"] for b in MENU["buttons"]]
    assert "PUBLIC_BASE_URL 未设置" in result.stderr
    for key, question in wechat_menu.click_keys(MENU).items():
        assert f"{key} → 替用户提问：{question}" in result.stderr
    assert fake.tokens_issued == 0 and fake.menu_calls == 0


def test_with_shared_state_the_servers_token_in_redis_is_used_and_stays_valid(tmp_path):
    """WECHAT_STATE=redis (several servers): publishing takes the token the servers share instead of fetching a
    new one from /cgi-bin/token, which would invalidate theirs."""
    import redis

    from bot.serve import free_port

    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port, db=2)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        fake = FakeWeChat(APPID, SECRET)
        with fake.running():
            servers_token = fake.token({"appid": APPID, "secret": SECRET, "grant_type": "client_credential"})
            # as the servers keep it: wechatpy's RedisStorage, JSON values
            client.set(f"dongchuan:wechat:{APPID}_access_token", json.dumps(servers_token["access_token"]), ex=3600)
            result = publish(
                fake,
                env={
                    "WECHAT_STATE": "redis",
                    "REDIS_HOST": "127.0.0.1",
                    "REDIS_PORT": str(port),
                    "WECHAT_REDIS_DB": "2",
                },
            )
        assert result.returncode == 0, result.stderr
        assert len(fake.menus) == 1 and fake.tokens_issued == 1  # no new token: the servers' one is valid
        assert fake.valid_tokens == {servers_token["access_token"]}
    finally:
        server.terminate()
        server.wait(10)


# --- WeChat's errors in plain words ---------------------------------------------------------------------------


def test_an_expired_token_is_refreshed_once_and_the_menu_still_published():
    fake = FakeWeChat(APPID, SECRET)
    with fake.running():
        fake.errors["menu"] = [42001]
        result = publish(fake)
    assert result.returncode == 0, result.stderr
    assert fake.tokens_issued == 2 and len(fake.menus) == 1


@pytest.mark.parametrize(
    "endpoint, errcode, words",
    [
        ("token", 40164, "IP 白名单"),
        ("token", 40125, "AppSecret 不正确"),
        ("menu", 48001, "没有自定义菜单接口权限"),
        ("menu", 40018, "一级菜单名称过长"),
        ("menu", 45009, "调用次数已达上限"),
        ("menu", 65999, "微信返回错误（errcode 65999）"),
    ],
)
def test_wechat_errors_are_explained(endpoint, errcode, words):
    fake = FakeWeChat(APPID, SECRET)
    with fake.running():
        fake.errors[endpoint] = [errcode] * 3
        result = publish(fake)
    assert result.returncode == 1
    assert words in result.stderr and f"errcode {errcode}" in result.stderr
    assert fake.menus == []
    assert SECRET not in result.stderr and "ACCESS-TOKEN" not in result.stderr


def test_unreachable_api_is_said_plainly():
    fake = FakeWeChat(APPID, SECRET)
    with fake.running():
        base = fake.base
    result = publish(fake, env={"WECHAT_API_BASE": base})  # the server is gone
    assert result.returncode == 1 and "无法连接微信接口" in result.stderr


@pytest.mark.parametrize(
    "env, words",
    [
        ({"WECHAT_APPID": ""}, "WECHAT_APPID 未设置"),
        ({"WECHAT_SECRET": ""}, "WECHAT_SECRET 未设置"),
        ({"PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL 未设置"),
        ({"PUBLIC_BASE_URL": "http://127.0.0.1:5005"}, "本机或内网地址"),
        ({"PUBLIC_BASE_URL": "http://localhost:5005"}, "本机或内网地址"),
    ],
)
def test_missing_settings_stop_before_anything_is_sent(env, words):
    fake = FakeWeChat(APPID, SECRET)
    with fake.running():
        result = publish(fake, env=env)
    assert result.returncode == 2 and words in result.stderr
    assert fake.tokens_issued == 0 and fake.menu_calls == 0


# --- the validator: every limit, just inside and just outside ------------------------------------------------


def menu_with(change):
    menu = copy.deepcopy(MENU)
    change(menu)
    return menu


def first_sub(menu):
    return menu["buttons"][0]["sub_buttons"][0]


def click(name="按钮", key="K"):
    return {"type": "click", "name": name, "key": key, "question": "博士能拿多少补贴"}


LIMITS = [
    # (what, change, problem expected or None)
    ("3 top-level buttons", lambda m: None, None),
    (
        "4 top-level buttons",
        lambda m: m["buttons"].append({"name": "更多", "sub_buttons": [click(key="X")]}),
        "一级菜单应为 1–3 个",
    ),
    ("no buttons", lambda m: m.update(buttons=[]), "一级菜单应为 1–3 个"),
    ("5 sub-buttons", lambda m: m["buttons"][1]["sub_buttons"].extend([click(key=f"S{i}") for i in range(3)]), None),
    (
        "6 sub-buttons",
        lambda m: m["buttons"][1]["sub_buttons"].extend([click(key=f"S{i}") for i in range(4)]),
        "子菜单应为 1–5 项",
    ),
    ("empty sub-menu", lambda m: m["buttons"][1].update(sub_buttons=[]), "子菜单应为 1–5 项"),
    ("top name 16 bytes", lambda m: m["buttons"][0].update(name="政策查询A"), None),  # 4×3 + 1 = 13
    ("top name 15+1 bytes", lambda m: m["buttons"][0].update(name="人才政策查X"), None),  # 5×3 + 1 = 16
    (
        "top name 18 bytes",
        lambda m: m["buttons"][0].update(name="人才政策查询"),
        "名称 18 字节，超过微信的 16 字节上限",
    ),
    ("sub name 60 bytes", lambda m: first_sub(m).update(name="政" * 20), None),
    ("sub name 63 bytes", lambda m: first_sub(m).update(name="政" * 21), "名称 63 字节，超过微信的 60 字节上限"),
    ("key 128 bytes", lambda m: first_sub(m).update(key="K" * 128), None),
    ("key 129 bytes", lambda m: first_sub(m).update(key="K" * 129), "key 129 字节，超过微信的 128 字节上限"),
    (
        "url 1024 bytes",
        lambda m: m["buttons"][2]["sub_buttons"][-1].update(url="https://example.org/" + "a" * 1004),
        None,
    ),
    (
        "url 1025 bytes",
        lambda m: m["buttons"][2]["sub_buttons"][-1].update(url="https://example.org/" + "a" * 1005),
        "超过微信的 1024 字节上限",
    ),
    (
        "duplicate key",
        lambda m: m["buttons"][2]["sub_buttons"].insert(0, click(key="POLICY_OVERVIEW")),
        "key POLICY_OVERVIEW 与「政策概览」重复",
    ),
    ("click without question", lambda m: first_sub(m).pop("question"), "缺少 question"),
    ("click without key", lambda m: first_sub(m).pop("key"), "click 按钮缺少 key"),
    ("unknown type", lambda m: first_sub(m).update(type="scancode_push"), "类型（type）应为 click 或 view"),
    ("misspelt field", lambda m: first_sub(m).update(quesiton="x"), "click 按钮没有 quesiton 这一项"),
    ("view without url", lambda m: m["buttons"][2]["sub_buttons"][-1].pop("url"), "url 应为"),
    ("view with a relative url", lambda m: m["buttons"][2]["sub_buttons"][-1].update(url="webchat"), "url 应为"),
    ("sub-menu with a type", lambda m: m["buttons"][0].update(type="click"), "有子菜单的菜单不能再有 type"),
    ("nameless", lambda m: first_sub(m).update(name=""), "缺少名称"),
    ("top-level click", lambda m: m["buttons"].__setitem__(2, click("联系", "TOP")), None),
]


@pytest.mark.parametrize("what, change, expected", LIMITS, ids=[case[0] for case in LIMITS])
def test_limits(what, change, expected):
    found = wechat_menu.problems(menu_with(change))
    if expected is None:
        assert found == []
    else:
        assert any(expected in problem for problem in found), found


def test_phone_truncation_is_a_warning_not_an_error():
    menu = menu_with(lambda m: m["buttons"][0].update(name="人才政策"))  # 4 characters: shown whole
    assert wechat_menu.warnings(menu) == []
    menu = menu_with(lambda m: m["buttons"][0].update(name="人才政策X"))  # 5: cut on the phone
    assert wechat_menu.problems(menu) == [] and "只显示约 4 个字" in wechat_menu.warnings(menu)[0]


def test_a_broken_menu_file_is_refused_with_every_problem_and_nothing_is_sent(tmp_path):
    broken = menu_with(lambda m: (first_sub(m).update(name="政" * 21), m["buttons"][1].update(sub_buttons=[])))
    path = tmp_path / "menu.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    fake = FakeWeChat(APPID, SECRET)
    with fake.running():
        result = publish(fake, menu=path)
    assert result.returncode == 2 and "没有发布" in result.stderr
    assert "63 字节" in result.stderr and "子菜单应为 1–5 项" in result.stderr
    assert fake.tokens_issued == 0 and fake.menu_calls == 0


# --- the channel reads the same file ------------------------------------------------------------------------


def test_the_channel_takes_its_click_keys_and_welcome_from_the_menu_file(tmp_path):
    default = WeChatInput(token="t")
    assert default.click_keys == wechat_menu.click_keys(MENU)
    assert default.welcome.startswith(WELCOME)
    for name in wechat_menu.top_level_names(MENU):  # the welcome points at the menu, as it is named
        assert f"“{name}”" in default.welcome
    own = {"buttons": [{"name": "问答", "sub_buttons": [click("补贴", "PHD"), click("联系", "CALL")]}]}
    path = tmp_path / "menu.yml"
    path.write_text(yaml.safe_dump(own, allow_unicode=True), encoding="utf-8")
    channel = WeChatInput.from_credentials({"token": "t", "menu": str(path)})
    assert channel.click_keys == {"PHD": "博士能拿多少补贴", "CALL": "博士能拿多少补贴"}
    assert "“问答”" in channel.welcome


def test_credentials_hold_no_second_copy_of_the_click_keys():
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert "click_keys" not in credentials["bot.channels.wechat.WeChatInput"]
    for key in wechat_menu.click_keys(MENU):
        assert key not in (ROOT / "bot" / "channels" / "wechat.py").read_text(encoding="utf-8")


def test_an_unreadable_menu_file_does_not_stop_the_channel(tmp_path, caplog):
    path = tmp_path / "menu.yml"
    path.write_text("buttons: [oops", encoding="utf-8")
    channel = WeChatInput(token="t", menu=str(path))
    assert channel.click_keys == {} and channel.welcome == WELCOME
    assert "menu file unreadable" in caplog.text
