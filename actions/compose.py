"""Replies composed from knowledge-base items: the direct answer first and short, details on request.

Nothing here states a fact of its own: amounts, conditions, units and quotes come from the item dicts
(policy_kb/data/clauses) and the engine's results.
"""

from __future__ import annotations

from policy_kb.load import clause_citation
from policy_kb.money import describe_amount
from policy_kb.schedule import schedule

from .kb import kb, policy

HINT = "回复“详细”看全部条件，“原文”看条文，“自查”测算您能享受哪些。"


def clause_number(item: dict) -> int:
    return int(item["id"][1:3])


def cite(item_or_number) -> str:
    n = item_or_number if isinstance(item_or_number, int) else clause_number(item_or_number)
    return clause_citation(n)


def conditions_text(node: dict) -> str:
    """The condition tree in words: all-groups joined by '；', any-groups by '或'."""
    if "all" in node:
        return "；".join(conditions_text(c) for c in node["all"])
    if "any" in node:
        return "（" + "或".join(conditions_text(c) for c in node["any"]) + "）"
    return node["label"]


def amount_text(item: dict) -> str:
    return describe_amount(item.get("amount"), item.get("beneficiary", "person"))


# Schedules worth saying beside the amount: yearly shares (每年5万元，共5年) and monthly sums (一年合计1.2万元);
# for one-off and yearly amounts the schedule only repeats the amount.
INFORMATIVE = ("yearly_share", "monthly")


def schedule_text(item: dict, always: bool = False, count: int | None = None) -> str:
    """The payment schedule worth saying; with a head count, the per-head sum (rate × count, capped)."""
    s = schedule(item.get("amount"), item.get("payment"), count)
    if not s:
        return ""
    rule = (item.get("payment") or {}).get("rule")
    basis = (item.get("amount") or {}).get("basis")
    counted = basis == "per_head" and count is not None
    return s.text if always or counted or rule in INFORMATIVE or basis == "per_month" else ""


def extra_discretion(item: dict, already: str) -> list[str]:
    """Discretion flags not yet said by the amount or schedule text (工作实绩突出, 经认定后 …)."""
    return [d["flag"] for d in item.get("discretion") or [] if d["flag"] not in already]


def item_line(item: dict, with_schedule: bool = True) -> str:
    """'<第（N）条> <item name>：<amount>（<schedule>），须“<discretion>”', every part from the item."""
    head = f"{cite(item)} {item['name']}"
    money = amount_text(item)
    if not money:
        measure = (item.get("measure") or {}).get("text") or (item.get("target") or {}).get("text", "")
        note = "原文未写明金额。" if item["kind"] == "benefit" else ""
        return f"{head}：{measure}{'。' if measure and not measure.endswith('。') else ''}{note}"
    sched = schedule_text(item) if with_schedule else ""
    said = money + sched
    flags = extra_discretion(item, said)
    tail = f"（{sched}）" if sched and sched != money else ""
    cond = f"，须“{'”“'.join(flags)}”" if flags else ""
    return f"{head}：{money}{tail}{cond}"


def units_line(numbers: list[int]) -> str:
    units: list[str] = []
    for n in numbers:
        for u in policy().clause(n)["units"]:
            if u not in units:
                units.append(u)
    return f"责任单位：{'、'.join(units)}。" if units else ""


def amount_reply(items: list[dict], limit: int = 3) -> str:
    items = items[:limit]
    lines = [item_line(i) for i in items]
    first = items[0]
    if "conditions" in first:
        lines.append(f"条件（{cite(first)}）：{conditions_text(first['conditions'])}。")
    lines.append(units_line(sorted({clause_number(i) for i in items})))
    lines.append(HINT)
    return "\n".join(x for x in lines if x)


def conditions_reply(items: list[dict], about_age: bool = False) -> str:
    lines = []
    for item in items[:3]:
        if "conditions" not in item:
            quote = (item.get("measure") or {}).get("quote")
            said = f"原文：“{quote}”。" if quote else ""
            lines.append(f"{cite(item)} {item['name']}：原文未列出申请条件，对象为{item['target']['text']}。{said}")
            continue
        money = amount_text(item)
        line = (
            f"{cite(item)} {item['name']}"
            + (f"（{money}）" if money else "")
            + f"的条件：{conditions_text(item['conditions'])}。"
        )
        if about_age and not _has_field(item["conditions"], "age"):
            line += "原文未写明年龄限制。"
        lines.append(line)
        for amb in item.get("ambiguities") or []:
            if about_age and ("年龄" in amb["note"]):
                lines.append(f"说明：{amb['note']}")
    return "\n".join(lines)


def _has_field(node: dict, field: str) -> bool:
    if "all" in node or "any" in node:
        return any(_has_field(c, field) for c in node.get("all", node.get("any", [])))
    return node.get("field") == field


def payment_reply(items: list[dict]) -> str:
    lines = []
    for item in items[:3]:
        sched = schedule_text(item, always=True)
        payer = (item.get("payer") or {}).get("name") or item.get("payer_note") or ""
        if not sched:
            lines.append(f"{cite(item)} {item['name']}：原文未写明发放方式。")
            continue
        quote = (item.get("payment") or {}).get("quote")
        lines.append(
            f"{cite(item)} {item['name']}：{sched}。"
            + (f"原文：“{quote}”。" if quote else "")
            + (f"资金：{payer}" if payer else "")
        )
    return "\n".join(lines)


def detail_reply(items: list[dict]) -> str:
    lines = []
    for item in items[:3]:
        lines.append(item_line(item))
        lines.append(f"  对象：{item['target']['text']}（原文：“{item['target']['quote']}”）")
        if "conditions" in item:
            lines.append(f"  条件：{conditions_text(item['conditions'])}")
        payer = (item.get("payer") or {}).get("name") or item.get("payer_note")
        if payer:
            lines.append(f"  资金：{payer}")
        for d in item.get("discretion") or []:
            lines.append(f"  注意：原文写有“{d['flag']}”（“{d['quote']}”）")
        for amb in item.get("ambiguities") or []:
            lines.append(f"  说明：{amb['note']}")
    lines.append(units_line(sorted({clause_number(i) for i in items[:3]})))
    return "\n".join(lines)


def clause_reply(number: int, read_aloud: bool = True) -> str:
    c = kb().clause(number)
    text = c.text
    if read_aloud:  # one sentence a line, so it can be read to a caller
        text = text.replace("。", "。\n").replace("；", "；\n").strip()
    return f"{c.citation} {c.title}\n{text}"


def unit_reply(text: str) -> str:
    res = kb().unit(text)
    if res.unit is None:
        return ""
    lines = [f"{res.unit}是以下条款的责任单位："]
    lines += [f"{c.citation} {c.title}" for c in res.clauses]
    if res.collective:
        lines.append(
            "另："
            + "、".join(c.citation for c in res.collective)
            + "的责任单位写作“区属各单位（部门）”“各乡镇（街道）”，也可能涉及该单位。"
        )
    return "\n".join(lines)


def metadata_reply() -> str:
    d = kb().document()
    doc = policy().document
    return (
        f"文号：{d['doc_number']}；标题：《{d['title']}》；印发：{'、'.join(d['issuers'])}，{doc['date_quote']}；"
        f"状态：{d['status']}（{d['end_date_note'].rstrip('。')}）；{doc['publication_quote'].strip('（）')}。"
    )


def structure_reply() -> str:
    """The document's parts and their clauses, as document.yml lists them."""
    doc = policy().document
    lines = [f"{doc['doc_number']}共{len(doc['parts'])}部分、{len(policy().clauses)}条："]
    for part in doc["parts"]:
        numbers = part["clauses"]
        span = cite(numbers[0]) if len(numbers) == 1 else f"{cite(numbers[0])}至{cite(numbers[-1])}"
        lines.append(f"{part['number']}、{part['title']}（{span}）")
    return "\n".join(lines)


def overview_reply(payment: bool = False) -> str:
    """The document in one look: its size, then every money benefit with its clause and amount (`payment`: and
    how it is paid)."""
    doc = policy().document
    head = "各项资金待遇的发放方式：" if payment else "面向个人和单位的资金待遇有："
    lines = [f"{doc['doc_number']}共{len(doc['parts'])}部分{len(policy().clauses)}条。{head}"]
    for item in policy().items:
        if item["kind"] == "benefit" and item.get("amount"):
            said = (schedule_text(item, always=True) or amount_text(item)) if payment else amount_text(item)
            lines.append(f"· {cite(item)} {item['name']}：{said}")
    lines.append("可以问“博士能拿多少补贴”，或直接说“我34岁，全日制硕士”做自查。")
    return "\n".join(lines)
