"""Every item of the KB renders: its amount, its schedule and its answer line, without error or invented numbers."""

import pytest

from policy_kb import compose
from policy_kb.load import load_policy
from policy_kb.money import describe_amount
from policy_kb.schedule import schedule
from tests.citations import CITATIONS
from tests.text_amounts import amounts_written_in, derived_amounts

ITEMS = load_policy().items


@pytest.mark.parametrize("item", ITEMS, ids=[i["id"] for i in ITEMS])
def test_item_renders_with_the_amounts_of_its_quote(item):
    amount = item.get("amount")
    text = describe_amount(amount, item.get("beneficiary", "person")) + (
        schedule(amount, item.get("payment")).text if amount else ""
    )
    line = compose.item_line(item)
    assert line.startswith(CITATIONS[int(item["id"][1:3])])  # the clause its id names, as the text labels it
    if amount:
        # the item's own amount as the text gives it, not any amount of its (分别) quote
        assert set(amounts_written_in(text + line)) <= derived_amounts(item)
    else:
        assert not amounts_written_in(text + line)
