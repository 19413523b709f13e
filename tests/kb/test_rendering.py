"""Every item of the KB renders: its amount, its schedule and its answer line, without error or invented numbers."""
import pytest

from actions import compose
from policy_kb.load import load_policy
from policy_kb.money import MONEY_IN_TEXT, describe_amount, parse_money
from policy_kb.schedule import schedule

ITEMS = load_policy().items


@pytest.mark.parametrize("item", ITEMS, ids=[i["id"] for i in ITEMS])
def test_item_renders_with_the_amounts_of_its_quote(item):
    amount = item.get("amount")
    text = describe_amount(amount, item.get("beneficiary", "person")) + (
        schedule(amount, item.get("payment")).text if amount else "")
    line = compose.item_line(item)
    assert line.startswith(compose.cite(item))
    if amount:
        stated = {parse_money(*m.groups()) for m in MONEY_IN_TEXT.finditer(amount["quote"])}
        derived = stated | {v * 12 for v in stated} | {round(v * (item.get("payment") or {}).get("share", 0))
                                                        for v in stated}
        assert {parse_money(*m.groups()) for m in MONEY_IN_TEXT.finditer(text + line)} <= derived
