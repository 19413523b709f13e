"""The hotline desk in headless Chromium, served as `make desk` serves it (python -m desk, a real Datasette
process on loopback): search from the home page, facet by responsible unit, open a clause page.
Screenshots: build/artifacts/web/desk-*.png."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.servers


def test_search_from_the_home_page_finds_clause_nine(desk_page, desk_url, artifacts):
    page = desk_page
    page.goto(desk_url + "/")
    assert "热线查询台" in page.title()
    page.get_by_placeholder(re.compile("输入词语搜索条款")).fill("退休名师")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r"/kb/search\?q="))
    first = page.locator("table.rows-and-columns tbody tr").first
    assert "（九）" in first.locator("td").first.inner_text()
    assert "退休名师" in first.inner_text()
    page.screenshot(path=str(artifacts / "desk-search.png"), full_page=True)
    # the clause label links to the clause page, which shows the verbatim text
    first.get_by_role("link", name="第（九）条").click()
    page.wait_for_url(re.compile(r"/kb/clauses/9$"))
    assert "第（九）条 促进教师人才队伍壮梁增柱" in page.locator("h1").inner_text()
    assert "退休名师、名校长" in page.locator("#clause-text").inner_text()
    page.screenshot(path=str(artifacts / "desk-clause-9.png"), full_page=True)


def test_the_health_bureau_facet_shows_six_clauses(desk_page, desk_url, artifacts):
    page = desk_page
    page.goto(desk_url + "/kb/clause_units")
    facet = page.locator("#facet-unit")
    assert "责任单位" in facet.locator(".facet-info-name").inner_text()
    facet.get_by_role("link", name="区卫生健康局", exact=True).click()
    page.wait_for_url(re.compile(r"unit=%E5%8C%BA%E5%8D%AB%E7%94%9F%E5%81%A5%E5%BA%B7%E5%B1%80|unit=区卫生健康局"))
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 6
    clauses = [rows.nth(i).locator("td.col-clause").inner_text() for i in range(6)]
    assert [re.search(r"第（.+?）条", c).group(0) for c in clauses] == [
        "第（一）条",
        "第（二）条",
        "第（三）条",
        "第（十）条",
        "第（十二）条",
        "第（十三）条",
    ]
    assert "共 6 条" in page.locator("h3.desk-count").inner_text()
    page.screenshot(path=str(artifacts / "desk-facet-health-bureau.png"), full_page=True)


def test_the_table_search_box_and_canned_queries(desk_page, desk_url, artifacts):
    page = desk_page
    page.goto(desk_url + "/kb/passages")
    page.locator("#_search").fill("退休名师")
    page.locator("#_search").press("Enter")
    page.wait_for_url(re.compile(r"_search="))
    cells = page.locator("table.rows-and-columns tbody td.col-clause").all_inner_texts()
    assert cells and all("（九）" in c for c in cells)
    page.goto(desk_url + "/")
    page.get_by_role("link", name="按月发放的补助").click()
    body = page.locator("table.rows-and-columns").inner_text()
    assert "每人每月1000元" in body and "每人每月1500元" in body
    page.goto(desk_url + "/kb/unit_clauses?unit=卫健局")
    assert page.locator("table.rows-and-columns tbody tr").count() == 8
    page.screenshot(path=str(artifacts / "desk-unit-clauses.png"), full_page=True)
