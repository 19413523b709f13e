"""The hotline desk through Datasette's own test client (in-process, no browser): canned queries, Chinese search,
facets, clause pages, Chinese labels, and the read-only setting. Every answer is checked against the KB's query
API (policy_kb.query.KB), so the desk and `make search` / `make unit` cannot drift apart."""

from __future__ import annotations

import asyncio
import hashlib
import re
import subprocess

import pytest

import desk
from desk import fts
from tests.citations import CITATIONS

ROOT = desk.ROOT
QUERIES = {"search", "clause_text", "unit_clauses", "benefits_by_amount", "one_off", "monthly", "group_items"}


@pytest.fixture(scope="module")
def ds(kb_path):
    return desk.datasette(kb_path)


def get(ds, path: str):
    async def run():
        return await ds.client.get(path, follow_redirects=True)

    return asyncio.run(run())


def rows(ds, path: str) -> list[dict]:
    sep = "&" if "?" in path else "?"
    r = get(ds, f"{path}{sep}_shape=array")
    assert r.status_code == 200, r.text
    return r.json()


def citation(n: int, kb) -> str:
    """The citation as the text labels the clause (tests/citations.py), not as the KB computes it."""
    return CITATIONS[n]


# --- canned queries ---------------------------------------------------------------------------------------


def test_the_canned_queries_are_there_with_chinese_titles(ds):
    queries = asyncio.run(ds.get_canned_queries("kb", None))
    assert QUERIES <= set(queries)
    titles = {q["title"] for q in queries.values()}
    assert {"某单位负责的条款", "按金额排序的补贴项目", "一次性补助", "按月发放的补助"} <= titles
    for q in queries.values():
        assert re.search(r"[\u4e00-\u9fff]", q["title"]) and q.get("description")


@pytest.mark.parametrize(
    "unit, alias",
    [("区卫生健康局", "卫健局"), ("区教育体育局", "教体局"), ("区人社局", "人社局"), ("区民政局", "区民政局")],
)
def test_unit_clauses_lists_the_clauses_of_a_unit_by_name_or_alias(ds, kb, unit, alias):
    expected = kb.unit(unit)
    for query in (unit, alias):
        found = rows(ds, f"/kb/unit_clauses.json?unit={query}")
        direct = [r["条款"] for r in found if r["说明"].startswith("责任单位名单中直接写明")]
        collective = [r["条款"] for r in found if r["说明"].startswith("列为集体责任单位")]
        assert direct == [c.citation for c in expected.clauses]
        assert collective == [c.citation for c in expected.collective]
        assert all(r["责任单位"] == unit for r in found[: len(direct)])


def test_the_health_bureau_is_named_in_six_clauses(ds, kb):
    found = rows(ds, "/kb/unit_clauses.json?unit=区卫生健康局")
    direct = [r["条款"] for r in found if r["说明"].startswith("责任单位名单中直接写明")]
    assert direct == [citation(n, kb) for n in (1, 2, 3, 10, 12, 13)]


def test_unit_clauses_of_an_unknown_unit_is_empty_not_an_error(ds):
    assert rows(ds, "/kb/unit_clauses.json?unit=公安局") == []
    assert rows(ds, "/kb/unit_clauses.json?unit=") == []


def test_benefits_by_amount_are_sorted_from_the_highest(ds, kb):
    found = rows(ds, "/kb/benefits_by_amount.json")
    amounts = [r["金额上限（元）"] for r in found]
    assert amounts == sorted(amounts, reverse=True) and amounts[0] == 500000
    with_amount = [i for i in kb.items(kind="benefit") if (i.amount_max or i.amount_min) is not None]
    assert len(found) == len(with_amount)
    phd = next(r for r in found if r["项目"] == "全日制博士研究生生活补贴")
    assert phd["金额"] == "每人25万元" and phd["条款"] == citation(2, kb) and phd["计发方式"] == "每人（总额）"


def test_one_off_grants_are_exactly_the_one_off_items(ds, kb):
    found = rows(ds, "/kb/one_off.json")
    expected = [
        i
        for i in kb.items()
        if i.data.get("amount", {}).get("basis") == "one_off" or (i.data.get("payment") or {}).get("rule") == "one_off"
    ]
    assert sorted(r["项目"] for r in found) == sorted(i.name for i in expected)
    assert all("一次性" in r["金额"] for r in found)
    texts = {r["金额"] for r in found}
    assert {"一次性3万元", "一次性2万元", "一次性5000元", "一次性8000元", "一次性2000元", "一次性6000元"} <= texts


def test_monthly_grants_are_the_township_health_allowances(ds, kb):
    found = rows(ds, "/kb/monthly.json")
    assert [(r["条款"], r["每月金额（元）"]) for r in found] == [(citation(10, kb), 1000), (citation(10, kb), 1500)]
    assert all(r["金额"].startswith("每人每月") for r in found)


@pytest.mark.parametrize("ref", ["第九条", "第9条", "（九）", "九", "9", "第（九）条"])
def test_clause_text_is_verbatim_for_any_way_of_naming_it(ds, kb, ref):
    (row,) = rows(ds, f"/kb/clause_text.json?ref={ref}")
    clause = kb.clause(9)
    assert row["条款"] == clause.citation and row["原文"] == clause.text and row["标题"] == clause.title


def test_group_items_finds_the_items_of_a_group(ds):
    names = {r["项目"] for r in rows(ds, "/kb/group_items.json?group=博士")}
    assert "全日制博士研究生生活补贴" in names
    names = {r["项目"] for r in rows(ds, "/kb/group_items.json?group=乡村医生")}
    assert {"在岗乡村医生注册为执业医师一次性补助", "在岗乡村医生注册为助理全科医师一次性补助"} <= names


# --- search -----------------------------------------------------------------------------------------------


def test_search_finds_retired_famous_teachers_in_clause_nine(ds, kb):
    found = rows(ds, "/kb/search.json?q=退休名师")
    assert found[0]["条款"] == citation(9, kb)
    assert "退休名师" in found[0]["命中原文"]


@pytest.mark.parametrize("q", ["退休名师", "社工证", "乡村医生", "博士 补贴", "人才公寓", "卫健局", "頭雁人才"])
def test_search_ranks_clauses_as_the_kb_search_does(ds, kb, q):
    found = rows(ds, f"/kb/search.json?q={q}")
    hits = kb.search(q, limit=10)
    assert found and found[0]["条款"] == hits[0].clause.citation
    assert {r["条款"] for r in found} == {h.clause.citation for h in hits}


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "NEAR(博士 补贴)",
        "博士 OR",
        "*",
        '博士" OR "硕士',
        "^退休",
        "(",
        "AND",
        "'); drop table clauses; --",
        "😀",
        " ",
        "x" * 2000,
    ],
)
def test_search_never_passes_fts_syntax_through(ds, q):
    from urllib.parse import quote

    for path in (
        f"/kb/search.json?q={quote(q)}",
        f"/kb/passages.json?_search={quote(q)}",
        f"/kb/group_items.json?group={quote(q)}",
    ):
        r = get(ds, path + "&_shape=array")
        assert r.status_code == 200, (path, r.text)


def test_the_table_search_box_segments_chinese(ds):
    # Datasette's own ?_search= goes through escape_fts, which the desk plugin replaces with jieba_match
    found = rows(ds, "/kb/passages.json?_search=退休名师")
    assert found and {r["clause"] for r in found} == {9}
    assert rows(ds, "/kb/passages.json?_search=区卫生健康局")  # a word the raw text holds unsegmented


def test_the_sql_functions_segment_like_the_index(ds):
    (row,) = rows(
        ds,
        "/kb.json?sql=" + "select jieba_words('退休名师') as w, jieba_match('卫健局') as m, "
        "clause_number('第十四条') as n, unit_name('卫健局管什么') as u, zh('kind', 'benefit') as k",
    )
    assert row["w"] == "退休 / 名师 / 退休名师"
    assert '"区卫生健康局"' in row["m"]
    assert row["n"] == 14 and row["u"] == "区卫生健康局" and row["k"] == "待遇（资金）"
    assert fts.match_all("") == fts.NOTHING and fts.match_any(None) == fts.NOTHING


# --- facets -----------------------------------------------------------------------------------------------


def facets(ds, path: str) -> dict:
    r = get(ds, path)
    assert r.status_code == 200, r.text
    return r.json()["facet_results"]


def test_clause_units_facet_by_unit_shows_six_health_bureau_clauses(ds, kb):
    results = facets(ds, "/kb/clause_units.json")
    unit = {v["value"]: v["count"] for v in results["unit"]["results"]}
    assert unit["区卫生健康局"] == 6
    found = rows(ds, "/kb/clause_units.json?unit=区卫生健康局&_labels=on")
    assert sorted(r["clause"]["value"] for r in found) == [1, 2, 3, 10, 12, 13]
    assert all(r["clause"]["label"] == citation(r["clause"]["value"], kb) for r in found)


def test_items_facet_by_clause_target_group_and_type(ds):
    results = facets(ds, "/kb/items.json")
    assert {"clause", "kind", "beneficiary", "target", "amount_basis", "payment_rule"} <= set(results)
    kinds = {v["value"]: v["count"] for v in results["kind"]["results"]}
    assert set(kinds) == {"benefit", "service", "target"} and sum(kinds.values()) == 85
    targets = {v["value"]: v["count"] for v in results["target"]["results"]}
    assert targets.get("乡村教师") == 2
    clauses = {v["label"] for v in results["clause"]["results"]}
    assert "第（九）条" in clauses


def test_facet_pages_show_chinese_labels(ds):
    html = get(ds, "/kb/items").text
    for label in ("项目类型", "适用人群", "对象类别", "计发方式", "待遇（资金）", "工作目标（政府）"):
        assert label in html
    html = get(ds, "/kb/clause_units?unit=区卫生健康局").text
    assert "共 6 条" in html and "责任单位 等于 区卫生健康局" in html


# --- pages ------------------------------------------------------------------------------------------------


def test_home_page_is_chinese_and_search_first(ds, kb):
    html = get(ds, "/").text
    assert "东川人才政策热线查询台" in html and 'name="q"' in html and "/kb/search" in html
    for c in kb.clauses():
        assert f'href="/kb/clauses/{c.number}"' in html
    assert "区卫生健康局" in html and "按金额排序的补贴项目" in html


def test_clause_pages_show_the_verbatim_text(ds, kb):
    for c in kb.clauses():
        r = get(ds, f"/kb/clauses/{c.number}")
        assert r.status_code == 200
        text = re.search(r'<div class="desk-clause-text" id="clause-text">(.*?)</div>', r.text, re.S).group(1)
        assert text == c.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
        assert c.citation in r.text and all(u in r.text for u in c.units)
        assert hashlib.sha256(c.text.encode()).hexdigest() in r.text


@pytest.mark.parametrize(
    "path",
    [
        "/kb",
        "/kb/clauses",
        "/kb/items",
        "/kb/passages",
        "/kb/units",
        "/kb/parts",
        "/kb/terms",
        "/kb/vocabulary",
        "/kb/documents",
        "/kb/clause_units",
        "/kb/items/c02-phd",
        "/kb/units/区卫生健康局",
        "/kb/search?q=博士",
        "/kb/benefits_by_amount",
        "/kb/one_off",
        "/kb/monthly",
        "/kb/search",
        "/kb?sql=select+*+from+items",
    ],
)
def test_every_page_renders_in_chinese_without_outside_links(ds, path):
    r = get(ds, path)
    assert r.status_code == 200
    assert re.search(r"[\u4e00-\u9fff]", r.text)
    # nothing is loaded from, or linked to, outside the machine (the test client's host is "localhost")
    outside = [u for u in re.findall(r'(?:src|href)="((?:https?:)?//[^/"]*)', r.text) if not u.endswith("//localhost")]
    assert not outside
    for english in ("Powered by", "row</h3>", "Custom SQL query", "Advanced export", ">Apply<"):
        assert english not in r.text


def test_every_table_and_column_has_a_chinese_title_or_label(ds):
    meta = desk.load_metadata()
    tables = meta["databases"]["kb"]["tables"]
    labels = meta["plugins"]["desk"]["columns"]

    async def run():
        db = ds.get_database("kb")
        return {t: await db.table_columns(t) for t in await db.table_names() if not t.startswith("passages_fts")}

    for table, columns in asyncio.run(run()).items():
        assert tables[table]["title"] and tables[table]["description"], table
        missing = [c for c in columns if c not in labels]
        assert not missing, (table, missing)


# --- read-only --------------------------------------------------------------------------------------------


def test_the_database_is_immutable(ds):
    db = ds.get_database("kb")
    assert db.is_mutable is False


@pytest.mark.parametrize(
    "sql",
    [
        "delete from clauses",
        "update clauses set text = 'x'",
        "insert into units (name) values ('x')",
        "drop table clauses",
        "create table x (a)",
        "select 1; delete from clauses",
        "with gone as (select 1) delete from clauses",
        "attach database '/tmp/x.db' as x",
        "pragma writable_schema = 1",
        "vacuum",
    ],
)
def test_a_write_through_sql_is_refused(ds, kb_path, sql):
    from urllib.parse import quote

    before = hashlib.sha256(kb_path.read_bytes()).hexdigest()
    r = get(ds, f"/kb.json?sql={quote(sql)}")
    assert r.status_code >= 400 and r.json()["ok"] is False, r.text  # 500 for two statements: still refused
    assert hashlib.sha256(kb_path.read_bytes()).hexdigest() == before
    assert rows(ds, "/kb.json?sql=select+count(*)+as+n+from+clauses")[0]["n"] == 14


def test_a_write_through_the_datasette_api_is_refused(ds):
    db = ds.get_database("kb")
    with pytest.raises(AssertionError):  # datasette refuses writes to an immutable database
        asyncio.run(db.execute_write("delete from clauses"))
    assert rows(ds, "/kb.json?sql=select+count(*)+as+n+from+clauses")[0]["n"] == 14


def test_refused_writes_are_explained_in_chinese(ds):
    r = get(ds, "/kb?sql=delete+from+clauses")
    assert r.status_code == 400 and "查询台是只读的" in r.text


# --- the make target --------------------------------------------------------------------------------------


def test_make_desk_is_listed_and_starts_python_m_desk():
    listing = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"make desk\s+.*Datasette", listing)
    dry = subprocess.run(
        ["make", "-n", "desk", "DESK_PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "-m desk" in dry and "--port 8123" in dry
