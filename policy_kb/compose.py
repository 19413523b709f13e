"""The one composer of Chinese sentences: a structured Reply (policy_kb/reply.py) built from the knowledge base and
the engine, every line citing its clause; policy_kb/render_text.py turns it into the chat's, the CLI's and the
report's text.

Nothing here states a fact of its own: amounts, conditions, units and quotes come from the item dicts
(policy_kb/data/clauses), the read model (policy_kb/reader.py) and the engine's results. The `*_reply` functions
return a Reply; `text(...)` renders one.
"""

from __future__ import annotations

from .eligibility import ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED, ItemResult, Report
from .load import clause_citation, clause_label
from .money import describe_amount
from .reader import reader as kb
from .render_text import GAP, render_text
from .reply import (
    MET,
    TO_CONFIRM,
    UNMET,
    Amount,
    Citation,
    Condition,
    ItemAnswer,
    Payment,
    Reply,
    Silence,
    Suggestion,
)
from .schedule import schedule

HINT = "回复“详细”看全部条件，“原文”看条文，“自查”测算您能享受哪些。"
EXAMPLE = "例如：博士能拿多少补贴、第九条原文、区卫生健康局负责哪些条款、我34岁，全日制硕士。"
SCOPE = "我只解答东川区人才政策（{doc}）的问题：补贴金额、申请条件、发放方式、责任单位和条款原文，也可以帮您自查、预填申请表。"
STATUS = {"met": MET, "unmet": UNMET, "unknown": TO_CONFIRM}


def text(reply: Reply) -> str:
    return render_text(reply)


# ---------------------------------------------------------------------------------------------------------------
# Pieces: citations, amounts, schedules, conditions — each from an item dict


def clause_number(item: dict) -> int:
    return item["clause"]


def cite(item_or_number) -> str:
    n = item_or_number if isinstance(item_or_number, int) else clause_number(item_or_number)
    return clause_citation(n)


def citation(number: int, quote: str = "") -> Citation:
    """A clause cited, with `quote`'s offsets when the span stands verbatim in the clause's text."""
    c = Citation(number, clause_citation(number), quote)
    if quote:
        at = kb().clause_text(number).find(quote)
        if at >= 0:
            c.start, c.end = at, at + len(quote)
    return c


def conditions_text(node: dict) -> str:
    """The condition tree in words: all-groups joined by '；', any-groups by '或'."""
    if "all" in node:
        return "；".join(conditions_text(c) for c in node["all"])
    if "any" in node:
        return "（" + "或".join(conditions_text(c) for c in node["any"]) + "）"
    return node["label"]


def condition_leaves(node: dict) -> list[dict]:
    if "all" in node or "any" in node:
        return [leaf for c in node.get("all", node.get("any", [])) for leaf in condition_leaves(c)]
    return [node]


def amount_text(item: dict) -> str:
    return describe_amount(item.get("amount"), item.get("beneficiary", "person"))


# Schedules worth saying beside the amount: yearly shares (每年5万元，共5年) and monthly sums (一年合计1.2万元);
# for one-off and yearly amounts the schedule only repeats the amount.
INFORMATIVE = ("yearly_share", "monthly")


def _informative(item: dict, count: int | None) -> bool:
    rule = (item.get("payment") or {}).get("rule")
    basis = (item.get("amount") or {}).get("basis")
    return (basis == "per_head" and count is not None) or rule in INFORMATIVE or basis == "per_month"


def schedule_text(item: dict, always: bool = False, count: int | None = None) -> str:
    """The payment schedule worth saying; with a head count, the per-head sum (rate × count, capped)."""
    s = schedule(item.get("amount"), item.get("payment"), count)
    if not s:
        return ""
    return s.text if always or _informative(item, count) else ""


def extra_discretion(item: dict, already: str) -> list[str]:
    """Discretion flags not yet said by the amount or schedule text (工作实绩突出, 经认定后 …)."""
    return [d["flag"] for d in item.get("discretion") or [] if d["flag"] not in already]


def payer_of(item: dict) -> str:
    return (item.get("payer") or {}).get("name") or item.get("payer_note") or ""


def item_answer(item: dict, result: ItemResult | None = None, count: int | None = None) -> ItemAnswer:
    """The item as data: amount, payment, conditions (with their status when `result` assessed a person)."""
    n = clause_number(item)
    amount = item.get("amount")
    money = amount_text(item)
    sched = schedule(amount, item.get("payment"), count)
    status: dict[str, str | None] = {}
    explanations: dict[str, str] = {}
    if result is not None:
        for leaf in result.met + result.failed + result.missing:
            status[leaf.id] = STATUS.get(leaf.status)
            if leaf in result.failed:
                explanations[leaf.id] = leaf.explain()
    return ItemAnswer(
        item=item["id"],
        name=item["name"],
        kind=item["kind"],
        citation=citation(n),
        verdict=result.verdict if result is not None else None,
        amount=Amount(
            text=money,
            min=amount.get("min"),
            max=amount.get("max"),
            rate=amount.get("rate"),
            basis=amount.get("basis"),
            ceiling=bool(amount.get("ceiling")),
            quote=citation(n, amount["quote"]) if amount.get("quote") else None,
        )
        if amount
        else None,
        payment=Payment(
            text=sched.text,
            rule=(item.get("payment") or {}).get("rule"),
            per_year=sched.per_year,
            years=sched.years,
            total=sched.total,
            payer=payer_of(item) or None,
            quote=citation(n, item["payment"]["quote"]) if (item.get("payment") or {}).get("quote") else None,
            informative=_informative(item, count),
        )
        if sched
        else None,
        conditions=[
            Condition(
                label=leaf["label"],
                status=status.get(leaf.get("id", "")),
                explanation=explanations.get(leaf.get("id", ""), ""),
                quote=citation(n, leaf["quote"]) if leaf.get("quote") else None,
                id=leaf.get("id"),
                field=leaf.get("field"),
            )
            for leaf in condition_leaves(item["conditions"])
        ]
        if "conditions" in item
        else [],
        conditions_text=conditions_text(item["conditions"]) if "conditions" in item else "",
        target=(item.get("target") or {}).get("text", ""),
        measure=(item.get("measure") or {}).get("text", ""),
        discretion=[d["flag"] for d in item.get("discretion") or []],
        notes=[a["note"] for a in item.get("ambiguities") or []],
        near_misses=[m.text for m in result.near_misses] if result is not None else [],
        units=kb().clause_units(n),
    )


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


def units_of(numbers: list[int]) -> list[str]:
    units: list[str] = []
    for n in numbers:
        for u in kb().clause_units(n):
            if u not in units:
                units.append(u)
    return units


def units_line(numbers: list[int]) -> str:
    units = units_of(numbers)
    return f"责任单位：{'、'.join(units)}。" if units else ""


def _clauses(items: list[dict]) -> list[int]:
    return sorted({clause_number(i) for i in items})


def _reply(aspect: str, items: list[dict], lines: list[tuple[str, str]], **fields) -> Reply:
    """A Reply about `items`: their structured answers, their clauses cited, their units."""
    numbers = _clauses(items)
    first = next((t for _k, t in lines if t), "")
    headline = fields.pop("headline", first)
    return Reply(
        aspect=aspect,
        headline=headline,
        items=[item_answer(i) for i in items],
        units=units_of(numbers),
        citations=[citation(n) for n in numbers],
        lines=lines,
        **fields,
    )


def text_reply(aspect: str, body: str, clauses: list[int] | None = None, **fields) -> Reply:
    """A reply whose sentences are already written (a verbatim clause, a found sentence, a silence note)."""
    return Reply(
        aspect=aspect,
        headline=body.split("\n", 1)[0],
        citations=[citation(n) for n in clauses or []],
        lines=[("body", body)],
        **fields,
    )


def join(replies: list[Reply]) -> Reply:
    """The answers to a message's several questions, one reply: a blank line between them."""
    if len(replies) == 1:
        return replies[0]
    lines: list[tuple[str, str]] = []
    for n, r in enumerate(replies):
        lines += ([(GAP, "")] if n else []) + r.lines
    return Reply(
        aspect=replies[0].aspect,
        headline=replies[0].headline,
        items=[i for r in replies for i in r.items],
        units=list(dict.fromkeys(u for r in replies for u in r.units)),
        citations=[c for r in replies for c in r.citations],
        silences=[s for r in replies for s in r.silences],
        next_questions=[s for r in replies for s in r.next_questions],
        lines=lines,
        notes=[x for r in replies for x in r.notes],
    )


def then(reply: Reply, kind: str, line: str) -> Reply:
    """The reply with one more line (a resumed form's question, a hint)."""
    if line:
        reply.lines.append((kind, line))
    return reply


# ---------------------------------------------------------------------------------------------------------------
# Answers about items


def amount_reply(items: list[dict], limit: int = 3) -> Reply:
    items = items[:limit]
    lines = [("item", item_line(i)) for i in items]
    first = items[0]
    if "conditions" in first:
        lines.append(("conditions", f"条件（{cite(first)}）：{conditions_text(first['conditions'])}。"))
    lines.append(("units", units_line(_clauses(items))))
    lines.append(("hint", HINT))
    return _reply("amount", items, lines)


def conditions_reply(items: list[dict], about_age: bool = False) -> Reply:
    lines = []
    for item in items[:3]:
        if "conditions" not in item:
            quote = (item.get("measure") or {}).get("quote")
            said = f"原文：“{quote}”。" if quote else ""
            lines.append(
                (
                    "conditions",
                    f"{cite(item)} {item['name']}：原文未列出申请条件，对象为{item['target']['text']}。{said}",
                )
            )
            continue
        money = amount_text(item)
        line = (
            f"{cite(item)} {item['name']}"
            + (f"（{money}）" if money else "")
            + f"的条件：{conditions_text(item['conditions'])}。"
        )
        if about_age and not _has_field(item["conditions"], "age"):
            line += "原文未写明年龄限制。"
        lines.append(("conditions", line))
        for amb in item.get("ambiguities") or []:
            if about_age and ("年龄" in amb["note"]):
                lines.append(("note", f"说明：{amb['note']}"))
    return _reply("conditions", items[:3], lines)


def _has_field(node: dict, field: str) -> bool:
    return any(leaf.get("field") == field for leaf in condition_leaves(node))


def payment_reply(items: list[dict]) -> Reply:
    lines = []
    for item in items[:3]:
        sched = schedule_text(item, always=True)
        payer = payer_of(item)
        if not sched:
            lines.append(("item", f"{cite(item)} {item['name']}：原文未写明发放方式。"))
            continue
        quote = (item.get("payment") or {}).get("quote")
        lines.append(
            (
                "item",
                f"{cite(item)} {item['name']}：{sched}。"
                + (f"原文：“{quote}”。" if quote else "")
                + (f"资金：{payer}" if payer else ""),
            )
        )
    return _reply("payment", items[:3], lines)


def detail_reply(items: list[dict]) -> Reply:
    lines = []
    for item in items[:3]:
        lines.append(("item", item_line(item)))
        lines.append(("body", f"  对象：{item['target']['text']}（原文：“{item['target']['quote']}”）"))
        if "conditions" in item:
            lines.append(("conditions", f"  条件：{conditions_text(item['conditions'])}"))
        payer = payer_of(item)
        if payer:
            lines.append(("body", f"  资金：{payer}"))
        for d in item.get("discretion") or []:
            lines.append(("note", f"  注意：原文写有“{d['flag']}”（“{d['quote']}”）"))
        for amb in item.get("ambiguities") or []:
            lines.append(("note", f"  说明：{amb['note']}"))
    lines.append(("units", units_line(_clauses(items[:3]))))
    return _reply("detail", items[:3], lines)


def items_reply(aspect: str, items: list[dict], lead: tuple[str, ...] = (), with_units: bool = False) -> Reply:
    """Lead sentences (a silence, a note), then one line per item; `with_units`: the units line after them."""
    lines = [("note", x) for x in lead] + [("item", item_line(i)) for i in items]
    if with_units:
        lines.append(("units", units_line(_clauses(items))))
    return _reply(aspect, items, lines)


# ---------------------------------------------------------------------------------------------------------------
# Answers about clauses, units and the document


def clause_reply(number: int, read_aloud: bool = True) -> str:
    c = kb().clause(number)
    if c is None:
        raise KeyError(number)
    body = c.text
    if read_aloud:  # one sentence a line, so it can be read to a caller
        body = body.replace("。", "。\n").replace("；", "；\n").strip()
    return f"{c.citation} {c.title}\n{body}"


def clauses_reply(numbers: list[int]) -> Reply:
    return text_reply("clause_text", "\n".join(clause_reply(n) for n in numbers), numbers)


def _quoted(names: list[str], joiner: str) -> str:
    """“甲”“乙” (joiner '') or “甲”或“乙”."""
    return joiner.join(f"“{n}”" for n in names)


def unit_lines(text_or_unit: str) -> list[str]:
    res = kb().unit(text_or_unit)
    if res.unit is None:
        return []
    lines = [f"{res.unit}是以下条款的责任单位："]
    lines += [f"{c.citation} {c.title}" for c in res.clauses]
    if res.collective:
        lines.append(
            "另："
            + "、".join(c.citation for c in res.collective)
            + f"的责任单位写作{_quoted(kb().collective_units(), '')}，也可能涉及该单位。"
        )
    return lines


def unit_reply(text_or_unit: str) -> str:
    """The clauses a unit is responsible for ('' when the text names no unit)."""
    return "\n".join(unit_lines(text_or_unit))


def no_such_clause_text(query: str, count: int) -> str:
    """The desk asked for a clause the document does not have: how many it has, how to name one."""
    return f"没有找到“{query}”对应的条款（本文件共{clause_label(count)[1:-1]}条，可写作：第九条、第9条、（九））。"


def metadata_reply() -> str:
    d = kb().document()
    return (
        f"文号：{d['doc_number']}；标题：《{d['title']}》；印发：{'、'.join(d['issuers'])}，{d['date_quote']}；"
        f"状态：{d['status']}（{d['end_date_note'].rstrip('。')}）；{d['publication_quote'].strip('（）')}。"
    )


def structure_reply() -> str:
    """The document's parts and their clauses, as document.yml lists them."""
    parts = kb().parts()
    lines = [f"{kb().doc_number}共{len(parts)}部分、{kb().clause_count()}条："]
    for part in parts:
        numbers = part["clauses"]
        span = cite(numbers[0]) if len(numbers) == 1 else f"{cite(numbers[0])}至{cite(numbers[-1])}"
        lines.append(f"{part['number']}、{part['title']}（{span}）")
    return "\n".join(lines)


def overview_reply(payment: bool = False) -> Reply:
    """The document in one look: its size, then every money benefit with its clause and amount (`payment`: and
    how it is paid)."""
    head = "各项资金待遇的发放方式：" if payment else "面向个人和单位的资金待遇有："
    lines = [("body", f"{kb().doc_number}共{len(kb().parts())}部分{kb().clause_count()}条。{head}")]
    money = [i for i in kb().items(("benefit",)) if i.get("amount")]
    for item in money:
        said = (schedule_text(item, always=True) or amount_text(item)) if payment else amount_text(item)
        lines.append(("item", f"· {cite(item)} {item['name']}：{said}"))
    lines.append(("hint", "可以问“博士能拿多少补贴”，或直接说“我34岁，全日制硕士”做自查。"))
    reply = _reply("overview", money, lines, headline=lines[0][1])
    reply.units = []
    return reply


# ---------------------------------------------------------------------------------------------------------------
# Silences, scope, hand-off, a form's open question


def silence(topic: str) -> Silence:
    number = kb().silence_clause(topic)
    return Silence(topic, kb().silence(topic), citation(number) if number else None)


OUT_OF_SCOPE = "抱歉，这个问题不在本助手的范围内。"
ASK_IN_CHINESE = "请用中文提问。"
NOTHING_TYPED = "您好像没有输入内容。"
NOTHING_FOUND = "抱歉，没有在政策中找到相关内容。"
SELF_CHECK_START = (
    "好的，我们来做个自查。请告诉我您的情况，可以一次说几项，例如：我34岁，全日制硕士研究生，拟到事业单位工作。"
)
LEFT_APPLICATION = "好的，已停止填写申请表，刚才填写的内容已清除。需要时说“申请”可以重新开始。"
LEFT_SELF_CHECK = "好的，已结束自查，刚才提供的情况已清除。需要时说“自查”可以重新开始。"


def unreadable_answer_text(question: str, choices: list[str] | None) -> str:
    """A self-check answer that could not be read: the question again, with its choices."""
    return f"抱歉，没能读懂这个回答。{question}" + (f"（可选：{'、'.join(choices)}）" if choices else "")


def out_of_scope_text(latin: bool, handoff: str) -> str:
    return (ASK_IN_CHINESE if latin else OUT_OF_SCOPE) + scope_text() + "\n" + handoff


def scope_text() -> str:
    return SCOPE.format(doc=kb().doc_number) + EXAMPLE


def handoff_text(contact: str = "") -> str:
    """The human channel: the configured contact; otherwise the units the policy names."""
    if contact:
        return f"人工服务：{contact}"
    return f"人工服务：请联系您所问条款的责任单位。{kb().silence_cited('procedure')}"


def resume_text(form: str | None, question: str | None) -> str:
    """Mid application or self-check, the reminder of the question still open."""
    if not question:
        return ""
    return ("\n我们继续填写申请表：" if form == "application" else "\n我们继续自查：") + question


def suggestions(hits) -> list[Suggestion]:
    """Search hits as next questions: the clause's citation and title shown, '…原文' sent."""
    return [Suggestion(f"{h.clause.citation} {h.clause.title}", f"{h.clause.citation}原文") for h in hits]


# ---------------------------------------------------------------------------------------------------------------
# The self-check result (chat) and the hotline report (CLI)


def _result_line(r: ItemResult, count: int | None = None) -> str:
    item = kb().item(r.item_id)
    sched_text = schedule_text(item, count=count)
    flags = extra_discretion(item, f"{r.amount_text}{sched_text}")
    money = f"：{r.amount_text}" if r.amount_text else ""
    sched = f"（{sched_text}）" if sched_text else ""
    cond = f"，须“{'”“'.join(flags)}”" if flags else ""
    return f"{r.citation} {r.name}{money}{sched}{cond}"


def measure_lines(measures: list[dict]) -> list[tuple[str, str]]:
    """What the text says of measures the person asked of in a self-check (进编, 人才公寓): items the engine cannot
    decide, having no conditions to check; each with the people it is for and its discretion, and who decides."""
    if not measures:
        return []
    lines = [("measure", "您问到的措施，原文写的是（此项没有可自查的条件，是否适用由责任单位认定）：")]
    for item in measures:
        target = (item.get("target") or {}).get("text")
        flags = extra_discretion(item, "")
        whom = f"对象：{target}。" if target else ""
        cond = f"须“{'”“'.join(flags)}”。" if flags else ""
        lines.append(("measure", f"{item_line(item)}{whom}{cond}"))
    return lines


def self_check_reply(
    report: Report,
    count: int | None = None,
    question: str | None = None,
    person: str | None = None,
    measures: list[dict] | None = None,
) -> Reply:
    """The self-check result; `count`: the head count told (组织转移并稳定就业人数), for per-head sums;
    `question`: the engine's next question, asked after the result; `person`: whom it is for, where not the
    speaker (您母亲); `measures`: items without conditions the person asked of (进编), said first."""
    eligible = report.by_verdict(ELIGIBLE)
    likely = [r for r in report.by_verdict(UNDETERMINED) if r.relevant][:3]
    missed = [r for r in report.by_verdict(NOT_ELIGIBLE) if r.relevant][:3]
    headline = f"自查结果（依据{kb().doc_number}，最终以责任单位审核认定为准）："
    lines = measure_lines(measures or []) + [("headline", headline)]
    if person:
        lines.insert(0, ("note", f"（以下按{person}的情况）"))
    for r in eligible:
        lines.append(("verdict", f"✓ 符合 {_result_line(r, count)}。责任单位：{'、'.join(r.units)}。"))
    for r in likely:
        lines.append(
            ("verdict", f"？可能符合 {_result_line(r)}。还需满足：{'；'.join(leaf.label for leaf in r.missing)}。")
        )
        # what the person said already fails one way in (市级重点实验室 for “省级及以上”)
        lines += [("reason", f"  已不满足：{leaf.explain()}（原文：“{leaf.quote}”）") for leaf in r.ruled_out]
    for r in missed:
        reasons = "；".join(f"{leaf.explain()}（原文：“{leaf.quote}”）" for leaf in r.failed)
        amount = f"（{r.amount_text}）" if r.amount_text else ""
        lines.append(("verdict", f"✗ 不符合 {r.citation} {r.name}{amount}：{reasons}。"))
        lines += [("near_miss", f"  提示：{m.text}") for m in r.near_misses]
    # the readings a verdict rests on (a limit reached exactly, an open reading), each citing terms.yml or the clause
    lines += [("note", f"说明：{note}") for r in eligible + likely + missed for note in r.readings]
    if not any(kind == "verdict" for kind, _text in lines):
        lines.append(("verdict", "根据目前的信息，还没有找到适用的待遇。"))
    lines += [("note", f"说明：{note}") for note in report.notes]
    if question:
        lines.append(("question", f"为进一步判断，{question}（不清楚可回复“不知道”）"))
    elif eligible:
        lines.append(("hint", "需要的话，回复“申请”可预填申请表。"))
    else:
        lines.append(("hint", "如还有职称、证书、岗位等情况，可以继续告诉我。"))
    shown = eligible + likely + missed
    numbers = sorted({r.clause for r in shown} | {clause_number(i) for i in measures or []})
    return Reply(
        aspect="self_check",
        headline=headline,
        items=[item_answer(i) for i in measures or []] + [item_answer(kb().item(r.item_id), r, count) for r in shown],
        units=units_of(numbers),
        citations=[citation(n) for n in numbers],
        lines=lines,
        notes=list(report.notes) + [note for r in shown for note in r.readings],
    )


def persons_reply(replies: list[tuple[str, Reply]]) -> Reply:
    """One self-check result per person the message describes (我爸…，我妈…), each under the person's name."""
    lines: list[tuple[str, str]] = []
    for label, reply in replies:
        lines.append(("headline", f"【{label}】"))
        lines += list(reply.lines)
    first = replies[0][1]
    return Reply(
        aspect="self_check",
        headline=first.headline,
        items=[item for _label, reply in replies for item in reply.items],
        units=list(dict.fromkeys(u for _label, reply in replies for u in reply.units)),
        citations=list({c.clause: c for _label, reply in replies for c in reply.citations}.values()),
        lines=lines,
        notes=list(dict.fromkeys(n for _label, reply in replies for n in reply.notes)),
    )


def _report_money(r: ItemResult) -> list[tuple[str, str]]:
    lines = []
    if r.amount_text:
        lines.append(("amount", f"    金额：{r.amount_text}"))
    if r.schedule:
        lines.append(("payment", f"    发放：{r.schedule.text}"))
    if r.payer or r.payer_note:
        lines.append(("payer", f"    资金：{r.payer or r.payer_note}"))
    return lines


def _report_result(r: ItemResult) -> list[tuple[str, str]]:
    lines = [("item", f"  {r.citation} {r.name}")]
    if r.verdict == NOT_ELIGIBLE:
        for leaf in r.failed:
            lines.append(("reason", f"    原因：{leaf.explain()}。原文：“{leaf.quote}”"))
        for miss in r.near_misses:
            lines.append(("near_miss", f"    提示：{miss.text}"))
        return lines
    lines += _report_money(r)
    if r.met:
        lines.append(("conditions", "    已满足：" + "；".join(f"“{leaf.label}”" for leaf in r.met)))
    if r.missing:
        lines.append(("conditions", "    还需满足：" + "；".join(f"“{leaf.label}”" for leaf in r.missing)))
    lines.append(("units", f"    责任单位：{'、'.join(r.units)}"))
    flags = [d["flag"] for d in r.discretion]
    if flags:
        lines.append(("note", f"    注意：原文写有“{'”“'.join(flags)}”，金额或发放以考核认定为准"))
    for amb in r.ambiguities:
        lines.append(("note", f"    说明：{amb['note']}"))
    return lines


def report_reply(report: Report, doc_number: str, materials: str, show_all: bool = False) -> Reply:
    """The hotline's self-check report: eligible and likely items in full; not-eligible ones with the reason
    (those the profile speaks to; `show_all`: every item). `materials`: the text's silence on materials."""
    headline = f"自查结果（依据{doc_number}；最终以责任单位审核认定为准）"
    lines = [("headline", headline)]
    sections = [
        ("符合：", [r for r in report.results if r.verdict == ELIGIBLE]),
        ("可能符合，尚需确认：", [r for r in report.results if r.verdict == UNDETERMINED and (r.relevant or show_all)]),
        ("不符合：", [r for r in report.results if r.verdict == NOT_ELIGIBLE and (r.relevant or show_all)]),
    ]
    shown = []
    for title, results in sections:
        if results:
            lines.append(("section", title))
            for r in results:
                lines += _report_result(r)
            shown += results
    if len(lines) == 1:
        lines.append(("verdict", "根据目前提供的信息，还不能判断适用哪一项。"))
    lines += [("note", f"说明：{note}") for note in report.notes]
    if report.next_question:
        lines.append(("question", f"下一步：{report.next_question}"))
    lines.append(("silence", f"申报材料与时间：{materials}"))
    numbers = sorted({r.clause for r in shown})
    return Reply(
        aspect="self_check",
        headline=headline,
        citations=[citation(n) for n in numbers],
        silences=[Silence("materials", materials)],
        lines=lines,
        notes=list(report.notes),
    )


# ---------------------------------------------------------------------------------------------------------------
# The hotline desk's lookups (policy_kb/cli.py): search hits, a clause, a unit's clauses, a group's items


def _desk_item(item) -> str:
    return "  · " + "：".join([item.name] + ([item.amount_text] if item.amount_text else []))


def _clause_head(c) -> str:
    return f"{c.citation} {c.title}（{'、'.join(c.units)}）"


def search_reply(query: str, hits) -> Reply:
    if not hits:
        return text_reply("fallback", f"没有找到与“{query}”相关的条款。可以换个说法，或按条款号查询（如：第九条）。")
    lines: list[tuple[str, str]] = []
    for n, h in enumerate(hits):
        lines += ([(GAP, "")] if n else []) + [("item", _clause_head(h.clause))]
        lines += [("quote", f"    “{q}”") for q in h.quotes[:2]]
        lines += [("item", _desk_item(i)) for i in h.items]
    return Reply(
        aspect="sentences",
        headline=lines[0][1],
        citations=[Citation(h.clause.number, h.clause.citation, q) for h in hits for q in h.quotes[:2]],
        lines=lines,
    )


def clause_card_reply(c) -> Reply:
    lines = [("item", _clause_head(c)), ("quote", c.text)]
    money = [i for i in c.items if i.amount_text]
    if money:
        lines.append(("section", "金额："))
        lines += [("item", _desk_item(i)) for i in money]
    return Reply(
        aspect="clause_text",
        headline=lines[0][1],
        units=list(c.units),
        citations=[Citation(c.number, c.citation, c.text, 0, len(c.text))],
        lines=lines,
    )


def unit_clauses_reply(query: str, res) -> Reply:
    if res.unit is None:
        return text_reply("units", f"没有找到名为“{query}”的责任单位。")
    lines = [("headline", f"{res.unit} 是以下条款的责任单位：")]
    lines += [("item", f"  {c.citation} {c.title}") for c in res.clauses] or [("item", "  （无）")]
    if res.collective:
        lines.append(("note", f"另：以下条款的责任单位写作{_quoted(kb().collective_units(), '或')}，可能包括该单位："))
        lines += [("item", f"  {c.citation} {c.title}") for c in res.collective]
    return Reply(
        aspect="unit_clauses",
        headline=lines[0][1],
        units=[res.unit],
        citations=[Citation(c.number, c.citation) for c in res.clauses + res.collective],
        lines=lines,
    )


def group_reply(query: str, items) -> Reply:
    if not items:
        return text_reply("fallback", f"没有找到面向“{query}”的待遇或措施。")
    lines = [("item", f"{clause_citation(i.clause)} {_desk_item(i).strip()}") for i in items]
    return Reply(
        aspect="amount",
        headline=lines[0][1],
        citations=[Citation(n, clause_citation(n)) for n in sorted({i.clause for i in items})],
        lines=lines,
    )


# ---------------------------------------------------------------------------------------------------------------
# The application form in the chat (actions/apply.py): what it asks, records and makes

NEED_SELF_CHECK = (
    "申请前需要先做个自查，确定可以申请哪些待遇。请告诉我您的情况，例如：我34岁，全日制硕士研究生，拟到事业单位工作。"
)
PREFILL_NOTICE = "本表为预填，申报材料以责任单位要求为准；核对签字后交责任单位。"


def field_lines(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """'label：value' lines of an application's fields (values already masked where personal)."""
    return [("field", f"{label}：{value}") for label, value in fields]


def cannot_apply_reply(to_confirm: list[ItemResult], has_profile: bool) -> Reply:
    if not has_profile:
        return text_reply("application", NEED_SELF_CHECK)
    said = "根据目前的自查结果，还没有确定符合的待遇，暂时不能预填申请表。"
    if to_confirm:
        said += "还需确认：" + "；".join(f"{r.citation}{r.name}" for r in to_confirm[:3])
    return text_reply("application", said, sorted({r.clause for r in to_confirm[:3]}))


def application_reply(
    eligible: list[ItemResult],
    starting: bool,
    errors: list[str],
    corrected: bool,
    recorded: list[tuple[str, str]],
    question: str | None,
) -> Reply:
    """A step of the application form: what it applies for (at the start), the errors, what was recorded, the
    next field's question."""
    lines: list[tuple[str, str]] = []
    if starting:
        lines.append(
            (
                "headline",
                "好的，为您预填申请表。申请项目：" + "；".join(f"{r.citation}{r.name}" for r in eligible) + "。",
            )
        )
    lines += [("error", e) for e in errors]
    if corrected:
        lines.append(("body", "好的，我们重新填写这一项。"))
    if recorded:
        lines.append(("body", "已记录：\n" + "\n".join(t for _k, t in field_lines(recorded))))
    if question:
        lines.append(("question", question))
    numbers = sorted({r.clause for r in eligible})
    return Reply(
        aspect="application",
        headline=next((t for _k, t in lines if t), ""),
        citations=[citation(n) for n in numbers],
        lines=lines,
    )


def application_made_reply(
    lead: Reply, fields: list[tuple[str, str]], reference: str, url: str, json_url: str, expires: str
) -> Reply:
    """The prefilled document is made: its reference, the fields to check, the links and how long they live."""
    lead.lines.append(
        ("body", f"申请预填表已生成（编号{reference}），请核对：\n" + "\n".join(t for _k, t in field_lines(fields)))
    )
    lead.lines.append(("link", f"下载（Word）：{url}\n数据（JSON）：{json_url}"))
    lead.lines.append(("note", f"链接有效期至{expires}，过期后文件自动删除。{PREFILL_NOTICE}"))
    lead.headline = lead.headline or lead.lines[0][1]
    return lead


# ---------------------------------------------------------------------------------------------------------------
# Answers about one aspect of items (actions/questions.py picks the aspect and the items)

DURATION_FIELDS = ("contract_years", "days_per_year", "service_years")


def payer_reply(items: list[dict]) -> Reply:
    lines = []
    for item in items[:3]:
        payer = item.get("payer") or {}
        if payer.get("name"):
            lines.append(
                ("item", f"{cite(item)} {item['name']}：资金由{payer['name']}承担（原文：“{payer['quote']}”）。")
            )
        else:
            said = item.get("payer_note") or "原文未写明资金由哪一级财政承担。"
            lines.append(("item", f"{cite(item)} {item['name']}：{said}"))
    return _reply("payer", items[:3], lines)


def duration_reply(items: list[dict]) -> Reply | None:
    """How long one must stay or work: the conditions on service years and days, with their quotes (None when no
    item has one)."""
    lines = []
    for item in items[:3]:
        timed = [x for x in condition_leaves(item.get("conditions") or {}) if x.get("field") in DURATION_FIELDS]
        if timed:
            said = "；".join(f"{x['label']}（原文：“{x['quote']}”）" for x in timed)
            lines.append(("conditions", f"{cite(item)} {item['name']}：{said}。"))
    return _reply("duration", items[:3], lines) if lines else None


def ambiguity_notes(items: list[dict], words: tuple[str, ...]) -> list[str]:
    """The items' own notes on what the text leaves open, those that speak of `words`."""
    return [
        f"{cite(i)} {amb['note']}"
        for i in items[:3]
        for amb in i.get("ambiguities") or []
        if any(w in amb["note"] for w in words)
    ]


def verdict_lines(items: list[dict], facts: dict) -> list[str]:
    """The engine's verdict for the facts told, per item: 不符合 with the failing condition and its quote."""
    from .conditions import MET as TRACE_MET
    from .conditions import UNMET as TRACE_UNMET
    from .conditions import evaluate
    from .profile import make_profile

    # the facts told, with the values the person ruled out (_excluded) and their words (_said)
    profile = make_profile({k: sorted(v) if isinstance(v, (set, frozenset)) else v for k, v in facts.items()})
    lines = []
    for item in items[:3]:
        if "conditions" not in item:
            continue
        trace = evaluate(item["conditions"], profile)
        if trace.status == TRACE_UNMET:
            reasons = "；".join(f"{leaf.explain()}（原文：“{leaf.quote}”）" for leaf in trace.failed())
            lines.append(f"不符合 {cite(item)} {item['name']}：{reasons}。")
        elif trace.status == TRACE_MET:
            lines.append(f"符合 {cite(item)} {item['name']}的条件（以责任单位审核认定为准）。")
        else:  # what the person said already fails one way in (市级人才计划 for “省级及以上”); others stay open
            ruled = [leaf for leaf in trace.leaves if leaf.status == TRACE_UNMET]
            if ruled:
                reasons = "；".join(f"{leaf.explain()}（原文：“{leaf.quote}”）" for leaf in ruled)
                lines.append(f"{cite(item)} {item['name']}：{reasons}；其他条件尚需确认。")
    return lines


def number_verdict_lines(items: list[dict], facts: dict) -> list[str]:
    """不符合, with the reason, for the items the facts told fail by a number alone (66岁 for “男63周岁以下”, 3年
    for “5年以上”): said with any answer about them, so that no amount is taken for the person's own. A failure on
    anything else is left to the self-check, which knows the whole person (a question names only some facts)."""
    from .conditions import UNMET as TRACE_UNMET
    from .conditions import evaluate
    from .profile import fields, make_profile

    profile = make_profile({k: sorted(v) if isinstance(v, (set, frozenset)) else v for k, v in facts.items()})
    numbers = {n for n, spec in fields().items() if spec["type"] in ("int", "number")}
    lines = []
    for item in items[:3]:
        if "conditions" not in item:
            continue
        trace = evaluate(item["conditions"], profile)
        failed = trace.failed()
        if trace.status == TRACE_UNMET and failed and all(leaf.field in numbers and leaf.gap for leaf in failed):
            reasons = "；".join(f"{leaf.explain()}（原文：“{leaf.quote}”）" for leaf in failed)
            lines.append(f"不符合 {cite(item)} {item['name']}：{reasons}。")
    return lines


def no_amount_reply(items: list[dict]) -> Reply:
    """What is asked is a sum the text does not give: say so first, with the items' notes, lines and units."""
    items = items[:2]
    lines = [f"原文未写明{cite(i)}{i['name']}的金额或标准。" for i in items]
    lines += ambiguity_notes(items, ("金额", "额度", "标准", "奖金"))
    lines += [item_line(i) for i in items]
    lines.append(units_line(_clauses(items)))
    return _reply("amount", items, [("body", x) for x in dict.fromkeys(x for x in lines if x)])


def units_by_clause_reply(numbers: list[int]) -> Reply:
    """Each clause's responsible units, then where the text says to apply."""
    body = "\n".join(f"{cite(n)}{units_line([n])}" for n in numbers) + kb().silence("where_to_apply")
    reply = text_reply("units", body, numbers)
    reply.units = units_of(numbers)
    return reply


def not_in_text_reply(entry: dict) -> Reply:
    """A commonly asked thing the text never mentions (document.yml not_in_text): its note, then the nearest items."""
    items = [kb().item(i) for i in entry["nearest"]]
    reply = _reply("not_in_text", items, [("silence", entry["note"])] + [("item", item_line(i)) for i in items])
    reply.silences = [Silence(entry["topic"], entry["note"])]
    return reply


def other_programme_text(name: str, group: str, items: list[dict]) -> str:
    """Another programme's amount, which this document does not set; its entrants may be a group it names."""
    cites = "、".join(dict.fromkeys(cite(i) for i in items))
    tail = (
        f"该计划的入选者属于本文件写的“{group}入选者”，来东川工作的待遇见{cites}，可以问“{group}入选者来东川有什么待遇”。"
        if cites
        else ""
    )
    return f"本文件（{kb().doc_number}）不规定“{name}”本身的资助标准，请以该计划的文件为准。{tail}"


def not_mentioned_text(words: list[str]) -> str:
    """The words the text never mentions, said back (each cut short) before the scope."""
    return f"本文件（{kb().doc_number}）没有提到“{'、'.join(words)}”。{scope_text()}"


def out_of_range_text() -> str:
    count = kb().clause_count()
    return (
        f"本文件（{kb().doc_number}）只有第（一）条至{cite(count)}，"
        f"共{count}条，没有您说的那一条。可以说“第九条原文”查看某一条。"
    )


def procedure_reply(notes: list[str], numbers: list[int]) -> Reply:
    """Where the text is silent on procedure: the silences first, then the clauses' units (or who decides)."""
    body = "".join(dict.fromkeys(notes)) + "\n"
    body += "、".join(cite(n) for n in numbers) + units_line(numbers) if numbers else kb().silence_cited("procedure")
    reply = text_reply("procedure", body, numbers)
    reply.units = units_of(numbers)
    return reply


ASK_AN_ITEM = "告诉我您想办理的事项（例如：博士生活补贴找哪个部门），我可以说明对应条款的责任单位。"


def contact_reply(contact: str, asked: str, numbers: list[int]) -> Reply:
    """The text publishes no telephone numbers: say so first, then the configured contact, then the units — of the
    unit the question names (`asked`: its words), of the clauses in context, or of every clause."""
    lines = [("silence", kb().silence("contact"))]
    if contact:
        lines.append(("body", f"咨询渠道：{contact}"))
    named = unit_lines(asked) if asked else []
    if named:
        lines += [("units", line) for line in named]
    elif numbers:
        lines.append(("units", "、".join(cite(n) for n in numbers) + units_line(numbers)))
    else:
        lines.append(("body", "各条款的责任单位如下，可向您所问事项所在条款的单位咨询："))
        lines += [("units", f"{c.citation}：{'、'.join(c.units)}") for c in kb().clauses() if c.units]
        lines.append(("hint", ASK_AN_ITEM))
    return Reply(
        aspect="contact",
        headline=lines[0][1],
        units=units_of(numbers),
        citations=[citation(n) for n in numbers],
        silences=[silence("contact")],
        lines=lines,
    )
