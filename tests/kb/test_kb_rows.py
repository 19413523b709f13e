"""The built knowledge base holds each item's own amount, as the text gives it, in the columns the hotline desk and
the query API read (items.amount_min/max/rate …) — checked against the reading of the text in tests/text_amounts.py."""

import json
import sqlite3

import pytest

from tests.text_amounts import TEXT_AMOUNTS


@pytest.fixture(scope="module")
def rows(kb_path):
    with sqlite3.connect(kb_path) as db:
        db.row_factory = sqlite3.Row
        return {r["id"]: dict(r) for r in db.execute("select * from items")}


def test_every_item_with_money_has_its_own_amount_in_the_kb(rows, kb):
    for item_id, ((low, high), rate, _) in TEXT_AMOUNTS.items():
        row = rows[item_id]
        assert (row["amount_min"], row["amount_max"], row["amount_rate"]) == (low, high, rate), item_id
        item = kb.item(item_id)
        assert (item.amount_min, item.amount_max, item.amount_rate) == (low, high, rate), item_id
    assert all(
        row["amount_max"] is None and row["amount_min"] is None
        for item_id, row in rows.items()
        if item_id not in TEXT_AMOUNTS
    )


@pytest.mark.parametrize(
    "item_id, expected",
    [
        (
            "c02-phd",
            {
                "clause": 2,
                "kind": "benefit",
                "beneficiary": "person",
                "name": "全日制博士研究生生活补贴",
                "target": "40周岁及以下全日制普通高校博士研究生",
                "target_quote": "引进40周岁及以下全日制普通高校博士研究生",
                "amount_basis": "per_person",
                "amount_ceiling": 0,
                "amount_text": "每人25万元",
                "amount_quote": "区级财政分别给予每人25万元、10万元、5万元生活补贴",
                "payment_rule": "yearly_share",
                "payment_share": 0.2,
                "payment_after_assessment": 1,
                "payment_quote": "经考核合格每年按20%逐年发放",
                "payer": "区级财政",
                "payer_quote": "区级财政分别给予每人25万元、10万元、5万元生活补贴",
                "payer_note": None,
                "discretion": ["经考核合格"],
                "measure": None,
                "measure_quote": None,
            },
        ),
        (
            "c01-full-time-high-level",
            {"amount_ceiling": 1, "amount_text": "每人最高50万元", "amount_basis": "per_person"},
        ),
        (
            "c07-labour-cooperative",
            {
                "amount_basis": "per_head",
                "amount_text": "一次性100元/人，最高不超过30万元",
                "beneficiary": "organisation",
            },
        ),
        (
            "c10-township-health-senior",
            {"amount_basis": "per_month", "amount_text": "每人每月1500元", "payer": "市、区两级财政"},
        ),
        (
            "c11-social-worker-intermediate",
            {
                "amount_text": "一次性4000元",
                "payer": None,
                "payment_rule": "one_off",
                "payment_share": None,
                "payment_after_assessment": 0,
            },
        ),
        ("c13-talent-apartment", {"kind": "service", "amount_text": None, "amount_basis": None, "amount_ceiling": 0}),
    ],
)
def test_item_rows(rows, item_id, expected):
    row = rows[item_id]
    got = {k: (json.loads(row[k]) if k == "discretion" else row[k]) for k in expected}
    assert got == expected
    data = json.loads(row["data"])
    assert data["id"] == item_id and row["id"] == item_id


def test_a_service_row_holds_its_measure(rows):
    measure = [r for r in rows.values() if r["kind"] == "service" and r["measure"]]
    assert measure and all(r["measure_quote"] for r in measure)


def test_rows_read_as_the_desk_shows_them(rows):
    """The desk shows the columns as stored: Chinese, not \\u escapes; an organisation's amount without 每人; the note
    where the text names no payer."""
    phd = rows["c02-phd"]
    assert "经考核合格" in phd["discretion"] and "全日制博士研究生生活补贴" in phd["data"]
    assert rows["c12-key-discipline"]["amount_text"] == "最高50万元"
    assert rows["c11-social-worker-intermediate"]["payer_note"].startswith("原文未写明")
