"""The office console in headless Chromium, served as `make console` serves it, over the scripted week
(tests/console/session.py): the login is required, the inbox lists a fallback a real conversation produced, a
review is saved, and the charts render with the script's counts. Screenshots: build/artifacts/web/console-*.png."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.console import session
from tests.console.conftest import PASSWORD, USER

pytestmark = [pytest.mark.model, pytest.mark.servers, pytest.mark.browser]


def login(page, url):
    page.goto(url + "/-/login")
    page.fill("#username", USER)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(url + "/")


def test_the_console_asks_for_the_login_first(console_page, console_url, artifacts):
    url, _db = console_url
    page = console_page
    response = page.goto(url + "/events/inbox")
    assert response.status == 403
    assert "请先登录" in page.locator("h1").inner_text()
    assert page.locator("table.rows-and-columns").count() == 0  # no row of the inbox before the login
    page.get_by_role("link", name="登录").click()
    page.fill("#username", USER)
    page.fill("#password", "wrong password")
    page.get_by_role("button", name="登录").click()
    assert "用户名或密码不正确" in page.content()
    page.screenshot(path=str(artifacts / "console-login.png"), full_page=True)
    login(page, url)
    assert page.goto(url + "/events/inbox").status == 200


def test_the_inbox_lists_a_real_fallback_and_a_review_is_saved(console_page, console_url, artifacts):
    url, db = console_url
    page = console_page
    login(page, url)
    page.goto(url + "/events/inbox?status=待审&reason=未能理解")
    row = page.locator("table.rows-and-columns tbody tr", has_text="我想吃火锅").first
    assert "nlu_fallback" in row.inner_text()
    page.screenshot(path=str(artifacts / "console-inbox.png"), full_page=True)
    row.locator("a.review-link").click()
    page.wait_for_url(re.compile(r"/-/review/\d+$"))
    assert page.locator("#text").inner_text() == "我想吃火锅"
    page.get_by_label("需要更正（填写下面的正确内容）").check()
    page.select_option("#intent", "out_of_scope")
    page.fill("#amounts", "不在本助手的范围内")
    page.fill("#note", "问吃饭，不是政策问题")
    page.get_by_role("button", name="保存审核").click()
    page.wait_for_url(re.compile(r"saved=1"))
    assert "已保存审核" in page.locator("#saved").inner_text()
    assert USER in page.locator("#reviews").inner_text() and "out_of_scope" in page.locator("#reviews").inner_text()
    page.screenshot(path=str(artifacts / "console-review.png"), full_page=True)
    conn = sqlite3.connect(db)
    [(reviewer, verdict, intent, text)] = conn.execute("select reviewer, verdict, intent, text from reviews").fetchall()
    conn.close()
    assert (reviewer, verdict, intent, text) == (USER, "corrected", "out_of_scope", "我想吃火锅")


def test_the_charts_render_with_the_scripts_counts(console_page, console_url, artifacts):
    url, _db = console_url
    page = console_page
    login(page, url)
    page.goto(url + "/-/dashboards/policy")
    # the bar chart of questions per clause: one bar per clause, its value in the mark's accessible label
    chart = page.locator("#chart-clauses-chart svg")
    chart.wait_for()
    page.wait_for_function("document.querySelectorAll('#chart-clauses-chart svg .mark-rect path').length > 0")
    labels = page.locator("#chart-clauses-chart svg .mark-rect path").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    bars = {}
    for label in labels:
        clause = re.search(r"条款: (第（.+?）条)", label).group(1)
        bars[clause] = bars.get(clause, 0) + int(re.search(r"次数: (\d+)", label).group(1))
    expected = {
        f"第（{n}）条": c
        for n, c in zip(
            [{2: "二", 6: "六", 9: "九", 10: "十", 11: "十一"}[k] for k in session.expected_clauses()],
            session.expected_clauses().values(),
        )
    }
    assert bars == expected
    # the numbers beside it: the table chart of the same figures
    page.wait_for_function("document.querySelectorAll('#chart-clauses-table table tbody tr').length > 0")
    table = page.locator("#chart-clauses-table table").inner_text()
    assert "第（二）条" in table and "\t7" in table.replace(" ", "\t")
    # verdicts: the 不符合 bar of the master's allowance holds 10 people
    page.wait_for_function("document.querySelectorAll('#chart-verdicts-chart svg .mark-rect path').length > 0")
    verdicts = page.locator("#chart-verdicts-chart svg .mark-rect path").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert any("全日制硕士研究生生活补贴" in v and "不符合" in v and "人数: 10" in v for v in verdicts), verdicts
    page.screenshot(path=str(artifacts / "console-dashboard.png"), full_page=True)
    assert not page.errors, page.errors
