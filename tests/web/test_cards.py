"""Answer cards on the chat page against the real assistant (trained model, both servers), in headless Chromium:
the amount with its schedule drawn (yearly instalments, monthly bars with the year's total), the self-check as a
checklist, a citation opening the clause verbatim with the quoted words highlighted, quick replies, keyboard use,
and axe-core (vendored, tests/web/vendor/axe-core) finding no WCAG 2.1 A/AA violation, empty and after a
self-check. Expected figures are computed from the knowledge base here, never typed.
Screenshots: build/artifacts/web/card-*.png (the ones in docs/web/ are copies)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from policy_kb.money import yuan
from policy_kb.schedule import schedule

from .axe import axe_violations

pytestmark = [pytest.mark.model, pytest.mark.servers]


def ask(page, text: str):
    """Send a message; the answer's message element once it is there and the typing indicator is gone."""
    n = page.locator("#messages .msg.bot").count()
    page.locator("#input").fill(text)
    page.locator("#input").press("Enter")
    page.locator("#messages .msg.bot").nth(n).wait_for(timeout=60_000)
    page.locator("#typing").wait_for(state="hidden", timeout=60_000)
    return page.locator("#messages .msg.bot").nth(n)  # this answer, also once later ones arrive


def item(policy, item_id: str) -> dict:
    return policy.item(item_id)


def test_an_amount_card_draws_the_yearly_instalments_and_cites_its_clause(page, chat_url, artifacts, policy):
    phd = item(policy, "c02-phd")
    plan = schedule(phd["amount"], phd["payment"])
    page.goto(chat_url)
    answer = ask(page, "读博士的来东川，补贴一共多少")
    card = answer.locator("article.card")
    card.wait_for()
    headline = card.locator(".headline").inner_text()
    assert f"{phd['name']}：每人{yuan(phd['amount']['max'])}" in headline and "第（二）条" in headline, headline
    assert f"每年{yuan(plan.per_year)}，共{plan.years}年" in headline, headline  # the schedule at a glance
    first = card.locator("section.item").first
    assert first.locator(".amount-value").inner_text() == f"每人{yuan(phd['amount']['max'])}"
    assert first.locator("button.cite").first.inner_text() == "第（二）条"
    # the timeline: one dot and one instalment a year, the running total reaching the whole amount
    timeline = first.locator("svg.timeline")
    assert timeline.locator("circle").count() == plan.years
    assert timeline.locator("text.tl-amount").all_text_contents() == [yuan(plan.per_year)] * plan.years
    assert timeline.locator("text.tl-sum").all_text_contents()[-1] == yuan(plan.total)
    assert plan.text in timeline.get_attribute("aria-label")
    assert f"每年{yuan(plan.per_year)} × {plan.years}年 = {yuan(plan.total)}" in first.locator(".schedule").inner_text()
    assert "经考核合格" in first.locator(".schedule").inner_text()  # the discretion is said beside the figures
    # the text answer is still there, one tap away, unchanged
    assert not answer.locator("details.as-text").get_attribute("open")
    answer.locator("details.as-text summary").click()
    assert "25万元" in answer.locator("details.as-text .bubble").inner_text()
    answer.locator("details.as-text summary").click()
    page.set_viewport_size({"width": 412, "height": 1400})
    answer.screenshot(path=str(artifacts / "card-amount.png"))
    # text scaling: at twice the browser's text size the card grows with it and the page still fits a phone's width
    size = "getComputedStyle(document.querySelector('.card .headline')).fontSize"
    before = float(page.evaluate(size).rstrip("px"))
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert float(page.evaluate(size).rstrip("px")) == 2 * before
    assert page.evaluate("document.querySelector('#log').scrollWidth <= document.querySelector('#log').clientWidth")
    answer.screenshot(path=str(artifacts / "card-amount-200.png"))
    assert not page.errors


def test_a_monthly_allowance_shows_twelve_months_and_the_year_total(page, chat_url, artifacts, policy):
    allowance = item(policy, "c10-township-health-intermediate")
    per_month = allowance["amount"]["max"]
    page.goto(chat_url)
    answer = ask(page, "在乡镇卫生院上班、有中级职称，每个月补助多少")
    first = answer.locator("article.card section.item").first
    first.wait_for()
    assert first.locator(".amount-value").inner_text() == f"每人每月{yuan(per_month)}"
    assert first.locator("svg.months rect").count() == 12
    total = first.locator(".schedule-total").inner_text()
    assert total == f"每月{yuan(per_month)} × 12个月 = 一年合计{yuan(per_month * 12)}", total
    assert first.locator("button.cite").first.inner_text() == "第（十）条"
    answer.screenshot(path=str(artifacts / "card-monthly.png"))


def test_a_citation_opens_the_clause_with_the_quoted_words_highlighted(page, chat_url, artifacts, policy):
    phd = item(policy, "c02-phd")
    page.goto(chat_url)
    answer = ask(page, "博士生活补贴有多少")
    cite = answer.locator("section.item").first.locator("button.cite").first
    cite.focus()
    page.keyboard.press("Enter")  # keyboard only
    dialog = page.locator("#clause-panel")
    dialog.locator("#clause-text mark").first.wait_for()
    assert dialog.locator("#clause-title").inner_text() == f"第（二）条 {policy.clause(2)['title']}"
    assert dialog.locator("#clause-text").inner_text() == policy.clause(2)["text"]  # verbatim, every character
    marked = dialog.locator("#clause-text mark").all_inner_texts()
    assert any(phd["amount"]["quote"] in m for m in marked), marked
    assert any(phd["payment"]["quote"] in m for m in marked), marked
    assert all(m in policy.clause(2)["text"] for m in marked)
    assert page.evaluate("document.activeElement.closest('dialog') !== null")  # focus moved into the panel
    page.screenshot(path=str(artifacts / "card-citation.png"))
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('cite')")  # focus back where it was
    # a citation written in a plain text answer opens the clause too
    text_answer = ask(page, "第九条原文")
    inline = text_answer.locator("button.cite.inline").first
    assert inline.inner_text() == "第（九）条"
    inline.click()
    expect(dialog.locator("#clause-title")).to_have_text(re.compile(r"^第（九）条 "))
    page.locator("#clause-close").click()
    assert not page.errors


def test_the_self_check_is_a_checklist_with_the_near_miss_and_the_next_question_as_buttons(
    page,
    chat_url,
    artifacts,
    policy,
):
    master = item(policy, "c02-master")
    limit = next(c for c in master["conditions"]["all"] if c["field"] == "age")
    page.goto(chat_url)
    assert axe_violations(page) == []  # the empty page
    age = limit["value"] + 1
    answer = ask(page, f"我今年{age}岁，全日制硕士毕业，准备进事业单位")
    card = answer.locator("article.card-self_check")
    card.wait_for()
    assert card.locator(".headline").inner_text().startswith("自查结果")
    missed = card.locator("section.verdict-not_eligible", has_text=master["name"])
    assert missed.locator(".verdict").inner_text() == "✗ 不符合"
    unmet = missed.locator("li.cond-unmet").inner_text()
    assert f"超过“{limit['label']}”1岁" in unmet, unmet
    assert missed.locator("li.cond-met").count() >= 2  # what is met is shown as met
    page.set_viewport_size({"width": 412, "height": 2400})
    answer.screenshot(path=str(artifacts / "card-self-check.png"))
    page.set_viewport_size({"width": 412, "height": 860})
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
    # the open question's answers are buttons; one sends its answer and the check goes on
    question = card.locator(".next-question")
    if question.count():
        quick = answer.locator(".quick-replies button")
        assert quick.count() >= 2
        title = quick.first.inner_text()
        n = page.locator("#messages .msg.bot").count()
        quick.first.click()
        page.locator("#messages .msg.bot").nth(n).wait_for(timeout=60_000)
        assert page.locator("#messages .msg.user").last.inner_text() == title
        assert quick.first.is_disabled()
    assert not page.errors


def test_quick_replies_ask_the_natural_next_question(page, chat_url, artifacts, policy):
    phd = item(policy, "c02-phd")
    page.goto(chat_url)
    answer = ask(page, "博士来了给多少钱")
    quick = answer.locator(".quick-replies button")
    titles = quick.all_inner_texts()
    assert {"怎么发", "谁出钱", "找哪个部门", "原文", "自查"} <= set(titles), titles
    answer.locator(".quick-replies").screenshot(path=str(artifacts / "card-quick-replies.png"))
    n = page.locator("#messages .msg.bot").count()
    answer.locator(".quick-replies button", has_text="谁出钱").click()
    page.locator("#messages .msg.bot").nth(n).wait_for(timeout=60_000)
    page.locator("#typing").wait_for(state="hidden", timeout=60_000)
    payer = page.locator("#messages .msg.bot").last.inner_text()
    assert phd["payer"]["name"] in payer and "第（二）条" in payer, payer
    expect(page.locator("#announce")).to_have_text(re.compile(r"^助手：.*" + phd["payer"]["name"]))  # announced
    n = page.locator("#messages .msg.bot").count()
    page.locator("#messages .msg.bot").last.locator(".quick-replies button", has_text="原文").click()
    page.locator("#messages .msg.bot").nth(n).wait_for(timeout=60_000)
    page.locator("#typing").wait_for(state="hidden", timeout=60_000)
    assert policy.clause(2)["text"][:20] in page.locator("#messages .msg.bot").last.inner_text()
    assert not page.errors
