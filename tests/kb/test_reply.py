"""The structured reply (policy_kb/reply.py) a card renderer reads: the same facts as the text, each quote standing
verbatim in the clause it cites, and a JSON form that round-trips."""

import json

from policy_kb import compose
from policy_kb.eligibility import assess
from policy_kb.reader import reader
from policy_kb.reply import MET, TO_CONFIRM, UNMET, Reply


def test_an_amount_reply_carries_amount_schedule_conditions_units_and_citations(policy):
    reply = compose.amount_reply([policy.item("c02-phd")])
    phd = reply.items[0]
    assert phd.citation.citation == "第（二）条" and phd.amount.max == 250000 and phd.amount.text == "每人25万元"
    assert (phd.payment.per_year, phd.payment.years, phd.payment.total) == (50000, 5, 250000)
    assert phd.payment.payer == "区级财政"
    assert any(c.field == "age" and c.status is None for c in phd.conditions)  # listed, not evaluated
    assert reply.units == reader().clause_units(2) and [c.clause for c in reply.citations] == [2]
    said = compose.text(reply)
    assert said.splitlines()[0] == reply.headline and "25万元" in said and "责任单位" in said


def test_every_quote_stands_at_its_offsets_in_the_clause_it_cites(policy):
    for item in policy.items:
        answer = compose.item_answer(item)
        quotes = [q for q in [answer.amount and answer.amount.quote, answer.payment and answer.payment.quote] if q]
        quotes += [c.quote for c in answer.conditions if c.quote]
        for q in quotes:
            if q.start is not None:
                assert reader().clause_text(q.clause)[q.start : q.end] == q.quote
            assert q.clause == item["clause"]


def test_a_self_check_reply_says_each_condition_met_unmet_or_to_confirm():
    report = assess({"age": 36, "degree": "硕士", "full_time": True})
    reply = compose.self_check_reply(report)
    master = next(i for i in reply.items if i.item == "c02-master")
    assert master.verdict == "not_eligible"
    age = next(c for c in master.conditions if c.field == "age")
    assert age.status == UNMET and age.explanation == "36岁，超过“35周岁及以下”1岁"
    assert any(c.status == MET for c in master.conditions)
    report = assess({"age": 30, "degree": "硕士", "full_time": True})
    master = next(i for i in compose.self_check_reply(report).items if i.item == "c02-master")
    assert master.verdict == "undetermined" and any(c.status == TO_CONFIRM for c in master.conditions)


def test_the_json_form_round_trips_and_leaves_out_what_is_empty(policy):
    reply = compose.join(
        [compose.amount_reply([policy.item("c10-village-doctor-assistant-gp")]), compose.clauses_reply([9])]
    )
    data = json.loads(json.dumps(reply.to_json(), ensure_ascii=False))
    assert "None" not in json.dumps(data) and "null" not in json.dumps(data)
    back = Reply.from_json(data)
    assert compose.text(back) == compose.text(reply)
    assert back.items[0].amount.max == reply.items[0].amount.max and [c.clause for c in back.citations] == [10, 9]
    assert "\n\n第（九）条" in compose.text(reply)  # the answers to two questions, a blank line between them
