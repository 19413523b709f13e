"""Amounts as the document writes them: integer yuan in, "25万元" / "1000元" out, and item amounts described."""

from __future__ import annotations

import re

# A money amount as written in the text: 50万元, 0.5万元, 1000元, 100元/人.
MONEY_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)(万元|元)")


def parse_money(number: str, unit: str) -> int:
    """("0.5", "万元") → 5000"""
    value = float(number) * (10000 if unit == "万元" else 1)
    return int(round(value))


def yuan(value: int) -> str:
    """250000 → 25万元; 5000 → 5000元; 1500 → 1500元; 12000 → 1.2万元."""
    value = int(value)
    if value >= 10000:
        wan = value / 10000
        text = f"{wan:.4f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    return f"{value}元"


BASIS_LABELS = {
    "per_person": "每人",
    "per_year": "每人每年",
    "per_month": "每人每月",
    "one_off": "一次性",
    "per_head": "按人数",
    "budget": "经费",
}


def describe_amount(amount: dict | None, beneficiary: str = "person") -> str:
    """A short Chinese statement of an item's amount that keeps 最高/最低: '每人最高50万元', '每人每年最低2万元、最高30万元'.
    For an organisation, 每人 is not said."""
    if not amount:
        return ""
    lo, hi, rate = amount.get("min"), amount.get("max"), amount.get("rate")
    basis = amount.get("basis", "")
    prefix = BASIS_LABELS.get(basis, "")
    if beneficiary != "person":
        prefix = prefix.replace("每人", "")
    if basis == "budget":
        prefix = {"per_year": "每年", "initial": "初始"}.get(amount.get("period") or "", "")
    if rate is not None:
        text = f"{rate}元/{amount.get('rate_unit', '人')}"
        if hi is not None:
            text += f"，最高不超过{yuan(hi)}"
        return ("一次性" if basis in ("one_off", "per_head") else "") + text
    if lo is not None and hi is not None and lo != hi:
        return f"{prefix}最低{yuan(lo)}、最高{yuan(hi)}"
    value = hi if hi is not None else lo
    if value is None:
        return ""
    ceiling = "最高" if amount.get("ceiling") else ""
    floor = ("至少" if basis == "budget" else "最低") if amount.get("floor") and not ceiling else ""
    return f"{prefix}{ceiling}{floor}{yuan(value)}"
