"""What hotline staff get from the lookup: by words, by clause number in any form, by unit, by target group."""

import json
import subprocess
import sys

import pytest

from policy_kb.cli import main as cli_main
from policy_kb.refs import parse_clause_ref


def clauses_of(hits):
    return [h.clause.number for h in hits]


def amounts_of(hit):
    return {v for i in hit.items for v in (i.amount_min, i.amount_max, i.amount_rate) if v}


def test_retired_teachers_are_found_in_clause_nine_with_their_ceiling(kb):
    hits = kb.search("退休名师")
    assert hits[0].clause.number == 9
    assert any("退休名师" in q for q in hits[0].quotes)
    assert 200000 in amounts_of(hits[0])


def test_social_worker_certificate_finds_clause_eleven_with_all_three_amounts(kb):
    hits = kb.search("社工证")
    assert hits[0].clause.number == 11
    assert {2000, 4000, 6000} <= amounts_of(hits[0])


@pytest.mark.parametrize("ref", ["第十四条", "第14条", "（十四）", "(十四)", "十四", "第（十四）条", "14", "第１４条"])
def test_clause_fourteen_in_every_common_form(kb, ref):
    clause = kb.clause(ref)
    assert clause.number == 14 and clause.title == "坚持党管人才原则建设人才聚集区"
    assert clause.text.startswith("加快对已承诺和明文规定的人才政策的兑现落实")


@pytest.mark.parametrize("ref", ["第十五条", "第0条", "第99条", "", "条", "博士"])
def test_references_to_no_clause_give_none(kb, ref):
    assert kb.clause(ref) is None


def test_education_bureau_is_named_in_six_clauses_and_covered_by_two_collective_lists(kb):
    res = kb.unit("区教育体育局")
    assert [c.number for c in res.clauses] == [1, 2, 3, 8, 9, 13]
    assert [c.number for c in res.collective] == [6, 14]


@pytest.mark.parametrize("alias", ["卫健局", "区卫健局", "卫生健康局", "区卫生健康局负责哪些"])
def test_health_bureau_by_any_of_its_names(kb, alias):
    assert [c.number for c in kb.unit(alias).clauses] == [1, 2, 3, 10, 12, 13]


def test_collective_designations_are_units_too(kb):
    assert [c.number for c in kb.unit("区属各单位（部门）").clauses] == [6, 14]
    assert [c.number for c in kb.unit("各乡镇").clauses] == [6, 14]


def test_unknown_unit_is_said_plainly(kb):
    assert kb.unit("区公安局").unit is None


def test_target_group_lookup_lists_the_groups_items(kb):
    items = kb.by_target("乡村医生")
    assert {i.clause for i in items} == {10}
    assert {5000, 8000} <= {i.amount_max for i in items}


def test_traditional_characters_find_what_simplified_find(kb):
    assert clauses_of(kb.search("博士補貼")) == clauses_of(kb.search("博士补贴"))
    assert clauses_of(kb.search("碩士補貼")) == clauses_of(kb.search("硕士补贴"))
    assert 2 in clauses_of(kb.search("碩士補貼"))


@pytest.mark.parametrize(
    "odd",
    [
        "",
        "   ",
        "\x00\x01",
        '"',
        "'",
        '"博士',
        "NEAR",
        "NEAR(博士 补贴)",
        "博士 AND",
        "OR OR",
        "*",
        "博士*",
        "^博士",
        "博士 NOT 硕士",
        "col:博士",
        "tokens:博士",
        "'); drop table items; --",
        "😀😀😀",
        "博士😀补贴",
        "ｐｈｄ",
        "３５岁硕士",
        "博" * 5000,
        "a" * 5000,
        "\u202e博士",
        "%",
        "_",
        "\\",
    ],
)
def test_odd_input_never_crashes_a_search(kb, odd):
    hits = kb.search(odd)
    assert isinstance(hits, list)
    for h in hits:
        assert 1 <= h.clause.number <= 14


def test_operators_inside_a_query_are_words_not_syntax(kb):
    assert clauses_of(kb.search('博士 AND "'))[0] == clauses_of(kb.search("博士"))[0]


def test_full_width_digits_are_read_as_digits():
    assert parse_clause_ref("第９条") == 9


def run_cli(*args):
    proc = subprocess.run([sys.executable, "-m", "policy_kb", *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_cli_search_prints_clause_quote_and_amounts(kb_path):
    out = run_cli("--db", str(kb_path), "search", "退休名师")
    assert "第（九）条" in out and "退休名师" in out and "20万元" in out


def test_cli_clause_prints_the_clause_verbatim(kb_path, kb):
    out = run_cli("--db", str(kb_path), "clause", "第14条")
    assert "第（十四）条" in out
    assert "".join(out.split()).find("".join(kb.clause(14).text.split())) >= 0


def test_cli_json_is_machine_readable(kb_path):
    data = json.loads(run_cli("--db", str(kb_path), "unit", "区教育体育局", "--json"))
    assert [c["number"] for c in data["clauses"]] == [1, 2, 3, 8, 9, 13]


def test_cli_says_no_match_plainly(kb_path, capsys):
    assert cli_main(["--db", str(kb_path), "search", "护照"]) == 0
    assert "没有找到" in capsys.readouterr().out
