"""The chat page (bot/web/) in headless Chromium, in front of a stand-in assistant (tests/web/fake_assistant.py:
the real WebChatPage channel plus a scripted REST webhook), so every state of the page can be produced without a
trained model: answers, buttons, links, text that looks like HTML, the typing indicator, errors and retry, reload,
a new conversation. The same page against the real assistant: test_chat_assistant.py.
Screenshots: build/artifacts/web/chat-fake-*.png."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .axe import axe_violations

pytestmark = pytest.mark.servers


def url_of(base: str) -> str:
    return base + "/webhooks/webchat/"


def received(base: str) -> list[dict]:
    with urllib.request.urlopen(base + "/fake/log", timeout=5) as r:
        return json.loads(r.read())


def bot_texts(page) -> list[str]:
    return page.locator("#messages .msg.bot").all_inner_texts()


def ask(page, text: str) -> None:
    page.locator("#input").fill(text)
    page.locator("#input").press("Enter")


def wait_reply(page, count: int) -> None:
    # (a locator, not wait_for_function: the page's Content-Security-Policy forbids eval)
    page.locator("#messages .msg.bot").nth(count - 1).wait_for()


# --- the channel over HTTP --------------------------------------------------------------------------------


def status(url: str):
    req = urllib.request.Request(url)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=5) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_channel_serves_the_page_and_its_assets_only(fake_assistant):
    code, headers = status(url_of(fake_assistant))
    assert code == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    for name, kind in (("chat.js", "text/javascript"), ("chat.css", "text/css"), ("icon.svg", "image/svg+xml")):
        code, headers = status(url_of(fake_assistant) + name)
        assert code == 200 and headers["Content-Type"].startswith(kind)
    code, headers = status(fake_assistant + "/webhooks/webchat")
    assert code == 301 and headers["Location"] == "/webhooks/webchat/"
    for bad in (
        "../rest.py",
        "%2e%2e%2fchannel.py",
        "..%2f..%2fcredentials.yml",
        "channel.py",
        "__init__.py",
        "static/chat.js",
        "CHAT.JS",
        "chat.js.map",
        ".hidden",
        "nosuch.css",
        "%00",
        "index.htm",
    ):
        assert status(url_of(fake_assistant) + bad)[0] == 404, bad


# --- the page ---------------------------------------------------------------------------------------------


def test_ask_and_click_a_suggested_question(page, fake_assistant, artifacts):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(fake_assistant) else None)
    page.goto(url_of(fake_assistant))
    assert page.title() == "东川人才政策助手"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    chips = page.locator("#suggestions button.chip")
    assert chips.count() >= 4
    page.screenshot(path=str(artifacts / "chat-fake-start.png"))

    ask(page, "博士能拿多少补贴")
    wait_reply(page, 1)
    assert "25万元" in bot_texts(page)[-1] and "第（二）条" in bot_texts(page)[-1]
    chips.filter(has_text="乡镇卫生院中级职称每月补多少").click()
    wait_reply(page, 2)
    assert page.locator("#messages .msg.user").all_inner_texts() == ["博士能拿多少补贴", "乡镇卫生院中级职称每月补多少"]
    assert "乡镇卫生院中级职称每月补多少" in bot_texts(page)[-1]
    assert received(fake_assistant)[-1]["message"] == "乡镇卫生院中级职称每月补多少"
    assert not outside, outside  # nothing is fetched from outside the machine
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    assert not page.errors


def test_buttons_are_buttons_that_post_their_payload(page, fake_assistant, artifacts):
    page.goto(url_of(fake_assistant))
    ask(page, "按钮")
    wait_reply(page, 1)
    buttons = page.locator("#messages .buttons button")
    assert buttons.count() == 2
    buttons.filter(has_text="第（九）条").click()
    wait_reply(page, 2)
    assert received(fake_assistant)[-1]["message"] == "第（九）条原文"  # the payload is sent …
    assert (
        page.locator("#messages .msg.user").last.inner_text() == "第（九）条 促进教师人才队伍壮梁增柱"
    )  # … the title shown
    assert "收到按钮：第（九）条原文" in bot_texts(page)[-1]
    assert all(buttons.nth(i).is_disabled() for i in range(2))
    page.screenshot(path=str(artifacts / "chat-fake-buttons.png"))


def test_links_are_clickable_and_bot_text_is_never_html(page, fake_assistant, artifacts):
    page.goto(url_of(fake_assistant))
    ask(page, "链接")
    wait_reply(page, 1)
    link = page.locator("#messages a.download")
    assert link.count() == 1
    assert re.fullmatch(
        r"http://localhost:5005/webhooks/prefill/download/[A-Za-z0-9_-]{43}", link.get_attribute("href")
    )
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
    last = page.locator("#messages .msg.bot").last
    assert last.locator("img, b").count() == 0  # the HTML in the text stays text
    assert "<img src=x" in last.inner_text() and "<b>不是粗体</b>" in last.inner_text()
    assert page.title() == "东川人才政策助手" and not page.errors
    page.screenshot(path=str(artifacts / "chat-fake-link.png"))


def test_typing_indicator_then_error_then_retry(page, fake_assistant, artifacts):
    page.goto(url_of(fake_assistant))
    ask(page, "慢一点回答")
    typing = page.locator("#typing")
    typing.wait_for(state="visible")
    assert "正在输入…" in typing.inner_text() and page.locator("#send").is_disabled()
    page.screenshot(path=str(artifacts / "chat-fake-typing.png"))
    typing.wait_for(state="hidden")
    assert "慢一点回答" in bot_texts(page)[-1]

    ask(page, "出错了吗")
    page.locator("#error").wait_for(state="visible")
    assert "服务暂时不可用" in page.locator("#error").inner_text()
    assert "未发送" in page.locator("#messages .msg.user").last.inner_text()
    page.screenshot(path=str(artifacts / "chat-fake-error.png"))
    page.reload()  # a failed message can still be retried after a reload
    page.locator("#error").wait_for(state="visible")
    before = len(received(fake_assistant))
    page.locator("#retry").click()
    page.locator("#error").wait_for(state="visible")  # the stand-in fails it again: same message, once more
    assert len(received(fake_assistant)) == before + 1
    assert received(fake_assistant)[-1]["message"] == "出错了吗"
    assert page.locator("#messages .msg.user").count() == 2  # the retry did not add a second bubble


def test_the_conversation_survives_a_reload_and_new_chat_clears_it(page, fake_assistant, artifacts):
    page.goto(url_of(fake_assistant))
    ask(page, "第一个问题")
    wait_reply(page, 1)
    ask(page, "第二个问题")
    wait_reply(page, 2)
    before = page.locator("#messages .msg").all_inner_texts()
    sender = received(fake_assistant)[-1]["session"]
    page.reload()
    page.locator("#messages .msg").nth(3).wait_for()
    assert page.locator("#messages .msg").all_inner_texts() == before
    ask(page, "第三个问题")
    wait_reply(page, 3)
    assert received(fake_assistant)[-1]["session"] == sender  # the same conversation continues
    page.screenshot(path=str(artifacts / "chat-fake-reloaded.png"))
    page.locator("#new-chat").click()
    assert page.locator("#messages .msg").count() == 0
    ask(page, "新的问题")
    wait_reply(page, 1)
    assert received(fake_assistant)[-1]["session"] != sender


def test_enter_while_composing_chinese_does_not_send(page, fake_assistant):
    page.goto(url_of(fake_assistant))
    page.locator("#input").fill("bo")
    # an Enter that confirms an IME candidate arrives with isComposing / keyCode 229
    page.evaluate("""() => { const e = new KeyboardEvent('keydown', {key: 'Enter', bubbles: true, cancelable: true,
                                                                     isComposing: true});
                             document.getElementById('input').dispatchEvent(e); }""")
    page.wait_for_timeout(300)
    assert page.locator("#messages .msg").count() == 0
    page.locator("#input").press("Shift+Enter")
    assert page.locator("#messages .msg").count() == 0


def test_a_link_with_a_question_sends_it_once(page, fake_assistant, artifacts):
    # the 公众号 menu's 网页自测 opens /webhooks/webchat/?q=我想做资格自查 (wechat_menu.yml)
    before = len(received(fake_assistant))
    page.goto(url_of(fake_assistant) + "?q=" + urllib.parse.quote("我想做资格自查") + "&from=menu")
    wait_reply(page, 1)
    assert page.locator("#messages .msg.user").all_inner_texts() == ["我想做资格自查"]
    assert [m["message"] for m in received(fake_assistant)[before:]] == ["我想做资格自查"]
    assert "q=" not in page.url and page.url.endswith("/webhooks/webchat/?from=menu")  # gone from the address …
    page.reload()
    page.locator("#messages .msg").nth(1).wait_for()
    page.wait_for_timeout(300)
    assert len(received(fake_assistant)) == before + 1  # … so a reload does not resend
    assert page.locator("#messages .msg.user").count() == 1
    page.screenshot(path=str(artifacts / "chat-fake-link-question.png"))


def test_a_citation_in_text_opens_the_clause_and_the_page_passes_axe(page, fake_assistant, artifacts, policy):
    page.goto(url_of(fake_assistant))
    assert axe_violations(page) == []  # the empty page: no WCAG 2.1 A/AA violation
    ask(page, "博士")
    wait_reply(page, 1)
    cite = page.locator("#messages .msg.bot button.cite.inline")
    assert cite.inner_text() == "第（二）条" and cite.get_attribute("aria-label") == "查看第（二）条原文"
    cite.click()
    dialog = page.locator("#clause-panel")
    assert dialog.is_visible()
    page.locator("#clause-text").filter(has_text=policy.clause(2)["text"][:12]).wait_for()
    assert page.locator("#clause-text").inner_text() == policy.clause(2)["text"]
    assert axe_violations(page) == []  # with the panel open
    page.keyboard.press("Escape")
    assert not dialog.is_visible() and page.evaluate("document.activeElement.classList.contains('cite')")
    assert not page.errors
