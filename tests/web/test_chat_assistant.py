"""The chat page against the real assistant (trained model, Rasa server and action server on loopback, started as
`make run` starts them by bot.serve.running_assistant), in headless Chromium.
Screenshots: build/artifacts/web/chat-*.png."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.model, pytest.mark.servers]


def replies(page) -> list[str]:
    return page.locator("#messages .msg.bot").all_inner_texts()


def wait_reply(page, count: int) -> None:
    page.locator("#messages .msg.bot").nth(count - 1).wait_for(timeout=60_000)


def test_ask_click_a_suggestion_and_reload(page, chat_url, artifacts):
    page.goto(chat_url)
    assert page.title() == "东川人才政策助手"

    page.locator("#input").fill("博士能拿多少补贴")
    page.locator("#send").click()
    page.locator("#typing").wait_for(state="hidden", timeout=60_000)
    wait_reply(page, 1)
    answer = "\n".join(replies(page))
    assert "25万元" in answer and "第（二）条" in answer, answer
    page.screenshot(path=str(artifacts / "chat-phd.png"))

    n = page.locator("#messages .msg.bot").count()
    page.locator("#suggestions button.chip", has_text="乡镇卫生院中级职称每月补多少").click()
    wait_reply(page, n + 1)
    page.locator("#typing").wait_for(state="hidden", timeout=60_000)
    assert page.locator("#messages .msg.user").all_inner_texts() == ["博士能拿多少补贴", "乡镇卫生院中级职称每月补多少"]
    after = "\n".join(replies(page)[n:])
    assert "第（十）条" in after and "1000元" in after, after
    page.screenshot(path=str(artifacts / "chat-suggestion.png"))

    before = page.locator("#messages .msg").all_inner_texts()
    page.reload()
    page.locator("#messages .msg").nth(len(before) - 1).wait_for()
    assert page.locator("#messages .msg").all_inner_texts() == before
    assert "25万元" in "\n".join(replies(page))
    page.screenshot(path=str(artifacts / "chat-reloaded.png"))

    # the conversation goes on where it was: a follow-up uses the context kept by the server for this sender
    n = page.locator("#messages .msg.bot").count()
    page.locator("#input").fill("那硕士呢")
    page.locator("#input").press("Enter")
    wait_reply(page, n + 1)
    assert not page.locator("#error").is_visible()
    assert not page.errors
