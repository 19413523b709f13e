"""How an item's money is paid, computed from its amount and payment rule: 25万元 → 每年5万元，共5年."""

from __future__ import annotations

from dataclasses import dataclass

from .money import yuan


@dataclass
class Schedule:
    text: str  # '经考核合格每年按20%逐年发放，即每年5万元，共5年'
    per_year: int | None = None  # the (maximum) yearly payment, where the text fixes one
    years: int | None = None
    total: int | None = None  # the (maximum) total for one person, where it is computable


def schedule(amount: dict | None, payment: dict | None, count: int | None = None) -> Schedule | None:
    """The payment schedule of an item, or None for items without money."""
    if not amount:
        return None
    payment = payment or {}
    lo, hi, rate = amount.get("min"), amount.get("max"), amount.get("rate")
    rule, basis = payment.get("rule"), amount.get("basis")
    ceiling = "最高" if amount.get("ceiling") else ""
    prefix = "经考核合格" if payment.get("after_assessment") else ""
    if rule == "yearly_share" and hi:
        share = payment["share"]
        years = round(1 / share)
        per_year = int(round(hi * share))
        return Schedule(
            f"{prefix}每年按{share:.0%}逐年发放，即每年{ceiling}{yuan(per_year)}，共{years}年",
            per_year=per_year,
            years=years,
            total=hi,
        )
    if basis == "per_month" and hi:
        return Schedule(f"按月发放，每月{ceiling}{yuan(hi)}，一年合计{ceiling}{yuan(hi * 12)}", per_year=hi * 12)
    if basis == "per_year" and hi:
        span = f"最低{yuan(lo)}、最高{yuan(hi)}" if lo and lo != hi else f"{ceiling}{yuan(hi)}"
        return Schedule(f"按年给予，每年{span}", per_year=hi)
    if basis == "per_head" and rate:
        if count is not None:
            product = rate * count
            if hi and product > hi:  # the product is not said: it is no sum anyone gets
                return Schedule(
                    f"一次性补助：{rate}元/人 × {count}人，超过“最高不超过{yuan(hi)}”的上限，" f"按{yuan(hi)}计",
                    total=hi,
                )
            capped = f"（未超过最高{yuan(hi)}的上限）" if hi else ""
            return Schedule(f"一次性补助：{rate}元/人 × {count}人 = {yuan(product)}{capped}", total=product)
        return Schedule(f"一次性补助，按{rate}元/人计算" + (f"，最高不超过{yuan(hi)}" if hi else ""), total=hi)
    if basis == "one_off" or rule == "one_off":
        value = hi if hi is not None else lo
        assert value is not None, amount
        return Schedule(f"一次性发放{ceiling}{yuan(value)}", total=value)
    if basis == "budget":
        value = hi if hi is not None else lo
        assert value is not None, amount
        qualifier = ceiling or ("至少" if amount.get("floor") else "")
        return Schedule(f"{'每年' if amount.get('period') == 'per_year' else ''}安排经费{qualifier}{yuan(value)}")
    if hi:
        return Schedule(f"{prefix}{ceiling}{yuan(hi)}", total=hi)
    return None
