"""Numbers in what people type → integer values (cn2an), without touching the text.

Entities keep their offsets in the message; only their `value` is normalized (三十五岁 → "35", 十万 → "100000",
第（九）条 → "9"). cn2an rejects a numeral with its unit (三十岁), so the unit is stripped first.
"""

from __future__ import annotations

import re
from typing import Optional

from policy_kb.shapes import AGE_UNITS, AMOUNT_UNITS, CN_NUM_CHARS, DAY_UNITS, YEAR_UNITS, value_limits

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_CN = re.compile(rf"[{CN_NUM_CHARS}]+")
_UNIT_SUFFIX = re.compile(
    "(" + "|".join(sorted(YEAR_UNITS + AGE_UNITS + DAY_UNITS + AMOUNT_UNITS, key=len, reverse=True)) + ")$"
)


def to_number(numeral: str) -> Optional[float]:
    """'三十五' → 35, '十万' → 100000, '一万五' → 15000 (and Arabic digits with 万); None when it is not a number."""
    import cn2an

    numeral = numeral.strip()
    if not numeral:
        return None
    try:
        value = cn2an.cn2an(numeral, "smart")
    except Exception:  # cn2an raises ValueError and others on anything unexpected
        return None
    return float(value)


def _as_int_string(value: Optional[float]) -> Optional[str]:
    if value is None or value != int(value):
        return None
    return str(int(value))


def parse_quantity(text: str, etype: str) -> Optional[str]:
    """The value of an age/years/days/amount/clause entity from its surface text, as an integer string."""
    text = re.sub(r"\s+", "", text)
    if etype == "clause":
        m = _DIGITS.search(text) or _CN.search(text)
        value = to_number(m.group(0)) if m else None
    elif etype == "amount":
        m = re.fullmatch(
            rf"(?P<n>\d+(?:\.\d+)?|[{CN_NUM_CHARS}]+)" r"(?P<u>万元|万块|万|千元|千块|千|元|块钱|块)?",
            text,
        )
        if not m:
            return None
        value = to_number(m.group("n"))
        unit = m.group("u") or ""
        if value is not None:
            if unit.startswith("万"):
                value *= 10000
            elif unit.startswith("千"):
                value *= 1000
        value = round(value, 6) if value is not None else None
    else:
        numeral = _UNIT_SUFFIX.sub("", text)
        value = to_number(numeral)
    result = _as_int_string(value)
    if result is None:
        return None
    lo, hi = value_limits().get(etype, (0, float("inf")))
    return result if lo <= int(result) <= hi else None
