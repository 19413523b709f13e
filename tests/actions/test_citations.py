"""Every substantive answer cites its clause — checked where replies are made (the composer and the actions), not only
end to end. The citation is the text's own label (tests/citations.py), and the clause it names really holds the item:
its target and amount quotes stand in that clause of the source text."""

import re

import pytest

from actions.answers import AnswerAmount, AnswerConditions, AnswerPayment, ClauseText, Detail
from actions.base import ERROR_REPLY, SafeAction
from policy_kb import compose
from policy_kb.eligibility import assess
from policy_kb.load import load_policy
from tests.citations import CITATIONS

ITEMS = load_policy().items


def source_clause(policy, number):
    """The clause's text cut from the source document by its own label, not read from the KB's clause files."""
    text = policy.source_text
    start = text.index(CITATIONS[number][1:-1])
    end = text.index(CITATIONS[number + 1][1:-1]) if number < 14 else len(text)
    return text[start:end]


def number_of(item):
    return item["clause"]


@pytest.mark.parametrize("item", ITEMS, ids=[i["id"] for i in ITEMS])
def test_each_item_line_starts_with_the_citation_of_the_clause_that_holds_it(policy, item):
    n = number_of(item)
    held = source_clause(policy, n)
    assert item["target"]["quote"] in held
    if item.get("amount"):
        assert item["amount"]["quote"] in held
    line = compose.item_line(item)
    assert line.startswith(CITATIONS[n] + " " + item["name"]), line
    for reply in (compose.conditions_reply([item]), compose.payment_reply([item]), compose.detail_reply([item])):
        said = compose.text(reply)
        assert said.startswith(CITATIONS[n] + " "), said
        assert [c.citation for c in reply.citations] == [CITATIONS[n]] and reply.items[0].citation.clause == n


def test_amount_replies_cite_every_line_and_the_conditions(policy):
    for group in (
        ["c11-social-worker-junior", "c11-social-worker-intermediate", "c11-social-worker-senior"],
        ["c02-phd", "c01-flexible-talent"],
        ["c10-township-health-senior"],
    ):
        items = [policy.item(i) for i in group]
        lines = compose.text(compose.amount_reply(items)).splitlines()
        for item, line in zip(items, lines):
            assert line.startswith(CITATIONS[number_of(item)] + " " + item["name"] + "："), line
        conditions = next(line for line in lines if line.startswith("条件"))
        assert conditions.startswith(f"条件（{CITATIONS[number_of(items[0])]}）："), conditions


QUESTIONS = [
    (AnswerAmount, "博士能拿多少补贴", "ask_amount", 2),
    (AnswerAmount, "拿到中级社会工作师证有多少补助", "ask_amount", 11),
    (AnswerAmount, "乡村医生注册为执业医师有多少补助", "ask_amount", 10),
    (AnswerAmount, "退休名校长返聘补贴多少", "ask_amount", 9),
    (AnswerAmount, "劳务合作社转移就业补助", "ask_amount", 7),
    (AnswerConditions, "硕士的补贴要什么条件", "ask_conditions", 2),
    (AnswerPayment, "博士补贴怎么发", "ask_payment", 2),
    (Detail, "详细说说", "ask_detail", 1),
]


@pytest.mark.parametrize("action, question, intent, number", QUESTIONS, ids=[q[1] for q in QUESTIONS])
def test_action_replies_open_with_the_citation(chat, action, question, intent, number):
    if action is Detail:
        chat.say(AnswerAmount(), "柔性引进的专家有什么补贴", "ask_amount")
    reply = chat.say(action(), question, intent)
    assert reply != ERROR_REPLY
    assert reply.startswith(CITATIONS[number]), reply
    # every line that states an amount (not an indented quote or note under one) names its clause
    money = [line for line in reply.splitlines() if re.search(r"\d+(?:\.\d+)?万?元", line) and not line.startswith(" ")]
    assert money and all(re.match(r"(条件（)?第（[一二三四五六七八九十]+）条", line) for line in money), money


def test_self_check_results_cite_their_clause():
    report = assess(
        {"age": 35, "degree": "硕士", "full_time": True, "public_institution_post": True, "contract_years": 5}
    )
    assert report.result("c02-master").citation == CITATIONS[2]
    for r in report.results:
        assert r.citation == CITATIONS[r.clause]
        for miss in r.near_misses:
            assert miss.text.endswith(f"（{CITATIONS[r.clause]}）"), miss.text


# --- the error path: exactly the apology, and only when something did break --------------------------------------


class Broken(SafeAction):
    def name(self):
        return "action_broken"

    def answer(self, dispatcher, tracker, domain):
        raise RuntimeError("the knowledge base is gone")


def test_a_failing_action_says_exactly_the_apology(chat):
    assert chat.say(Broken(), "博士能拿多少补贴", "ask_amount", may_fail=True) == ERROR_REPLY
    assert [m["text"] for m in chat.messages] == [ERROR_REPLY]


def test_a_missing_knowledge_base_gives_the_apology_not_silence(chat, tmp_path, monkeypatch):
    import actions.kb

    monkeypatch.setenv("POLICY_KB_DB", str(tmp_path / "gone.sqlite"))
    actions.kb.kb.cache_clear()
    assert chat.say(ClauseText(), "第（二）条原文", "ask_clause_text", may_fail=True) == ERROR_REPLY
