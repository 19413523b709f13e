"""Each item's own amount, as a reader of the text finds it — not any amount the document states.

The amounts below were typed while reading policy_kb/source (never read back from the knowledge base). Where one
sentence gives several groups their amounts with 分别 (“分别给予每人25万元、10万元、5万元”), the n-th group named
gets the n-th amount: the table names the groups in the words of the text, and the test checks that those words stand
in the clause in that order, before the amounts, so a swap of two items' amounts fails here, in the engine's result
and in the rendered answer line.
"""

import pytest

from policy_kb import compose
from policy_kb.eligibility import assess
from tests.text_amounts import DISTRIBUTIVE, TEXT_AMOUNTS, amounts_written_in, derived_amounts, in_yuan, own_amounts


def test_the_reading_of_written_amounts():
    assert [in_yuan(x) for x in ("25万元", "0.5万元", "1000元", "500万元", "2万元")] == [
        250000,
        5000,
        1000,
        5000000,
        20000,
    ]


def test_every_item_with_money_is_read_here_and_nothing_else(policy):
    assert {i["id"] for i in policy.items if i.get("amount")} == set(TEXT_AMOUNTS)


@pytest.mark.parametrize("clause, groups, sentence, item_ids", DISTRIBUTIVE, ids=[d[3][0] for d in DISTRIBUTIVE])
def test_the_nth_group_of_a_fenbie_sentence_gets_the_nth_amount(policy, clause, groups, sentence, item_ids):
    text = policy.clause(clause)["text"]
    assert sentence in text
    positions = [text.find(g) for g in groups]
    assert -1 not in positions and positions == sorted(positions), "the groups are not named in this order"
    assert positions[-1] < text.index(sentence)
    amounts = amounts_written_in(sentence)
    assert len(amounts) == len(groups) == len(item_ids)
    for item_id, amount in zip(item_ids, amounts):
        assert TEXT_AMOUNTS[item_id][0][1] == amount
        item = policy.item(item_id)
        assert (item["amount"]["min"], item["amount"]["max"]) == (amount, amount), item_id


@pytest.mark.parametrize("item_id", sorted(TEXT_AMOUNTS))
def test_each_item_holds_its_own_amount_and_its_quote_states_it(policy, item_id):
    (low, high), rate, words = TEXT_AMOUNTS[item_id]
    clause_text = policy.clause_of(item_id)["text"]
    assert words in clause_text
    assert own_amounts(item_id) <= set(amounts_written_in(words))
    amount = policy.item(item_id)["amount"]
    assert (amount.get("min"), amount.get("max"), amount.get("rate")) == (low, high, rate)
    assert own_amounts(item_id) <= set(amounts_written_in(amount["quote"]))


@pytest.mark.parametrize("item_id", sorted(TEXT_AMOUNTS))
def test_the_answer_line_and_the_engine_say_only_the_items_own_amount(policy, item_id):
    """What a person reads: the item's line says its own amount (and what follows from it: ×12 a year, 20% a year),
    never a sibling's."""
    item = policy.item(item_id)
    (low, high), rate, _ = TEXT_AMOUNTS[item_id]
    own, derived = own_amounts(item_id), derived_amounts(item)
    said = set(amounts_written_in(compose.item_line(item)))
    assert own & said, compose.item_line(item)
    assert said <= derived, compose.item_line(item)
    if "conditions" in item:
        result = assess({}, item_ids=[item_id]).result(item_id)
        assert result.amount_max == high
        assert own <= set(amounts_written_in(result.amount_text)) | ({rate} if rate else set())
        assert set(amounts_written_in(result.amount_text)) <= derived
