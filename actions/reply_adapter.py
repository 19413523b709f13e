"""TEMPORARY (issue #19, until #13's reply model lands): the structured reply of an answer, built in ONE place from
what today's actions already decided — the topic they set (items, clause, aspects, verdicts) and the profile.

The dict follows docs/reply.schema.json and travels as the message's `custom` beside its unchanged text; the chat
page draws it as cards, WeChat as compact text (bot/channels/reply_render.py). Every value is read from policy_kb
(items, clauses, the engine's report); nothing is typed here. When the composer of #13 returns a reply model,
`attach()` is replaced by serialising that model, and this module goes.
"""

from __future__ import annotations

from policy_kb.eligibility import ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED, assess
from policy_kb.load import clause_citation
from policy_kb.money import describe_amount
from policy_kb.schedule import schedule

from .kb import policy

SCHEMA = "dongchuan-reply/1"
# The natural next questions after each aspect: (button title, what it sends). Follow-ups the dialogue already
# understands in the context of the topic (actions/compose.py HINT says 原文 and 自查).
FOLLOW_UPS = {
    "payment": ("怎么发", "怎么发放"),
    "payer": ("谁出钱", "资金由谁出"),
    "units": ("找哪个部门", "找哪个部门"),
    "clause_text": ("原文", "原文"),
    "self_check": ("自查", "自查"),
    "amount": ("能拿多少", "能拿多少钱"),
}
NEXT_BY_ASPECT = {
    "amount": ("payment", "payer", "units", "clause_text", "self_check"),
    "year_total": ("payment", "payer", "units", "clause_text", "self_check"),
    "payment": ("payer", "units", "clause_text", "self_check"),
    "conditions": ("amount", "payment", "units", "clause_text", "self_check"),
    "eligibility": ("amount", "payment", "units", "clause_text", "self_check"),
    "units": ("amount", "payment", "clause_text", "self_check"),
    "payer": ("payment", "units", "clause_text", "self_check"),
    "clause_text": ("amount", "payment", "units", "self_check"),
    "detail": ("payment", "units", "clause_text", "self_check"),
}
VERDICT = {ELIGIBLE: "eligible", NOT_ELIGIBLE: "not_eligible", UNDETERMINED: "undetermined"}


def _schedule(item: dict, count: int | None = None) -> dict | None:
    amount, payment = item.get("amount"), item.get("payment") or {}
    s = schedule(amount, payment, count)
    if s is None:
        return None
    rule, basis = payment.get("rule"), (amount or {}).get("basis")
    out: dict = {"text": s.text, "after_assessment": bool(payment.get("after_assessment"))}
    if payment.get("quote"):
        out["quote"] = payment["quote"]
    if rule == "yearly_share" and s.years and s.per_year:
        out |= {"kind": "yearly_share", "share": payment["share"], "years": s.years, "per_year": s.per_year}
        out["instalments"] = [s.per_year] * s.years
        out["total"] = s.total
    elif basis == "per_month" and s.per_year:
        out |= {"kind": "monthly", "per_month": amount["max"], "per_year": s.per_year}
    elif basis == "per_year" and s.per_year:
        out |= {"kind": "yearly", "per_year": s.per_year}
    else:
        out |= {"kind": "other"}
        if s.total is not None:
            out["total"] = s.total
    out["ceiling"] = bool((amount or {}).get("ceiling"))
    return out


def _leaves(node: dict) -> list[dict]:
    if "all" in node or "any" in node:
        return [leaf for c in node.get("all", node.get("any")) for leaf in _leaves(c)]
    return [node]


def _item(item: dict, result=None, count: int | None = None) -> dict:
    number = int(item["id"][1:3])
    money = describe_amount(item.get("amount"), item.get("beneficiary", "person"))
    out: dict = {"id": item["id"], "name": item["name"], "clause": number, "citation": clause_citation(number)}
    if money:
        amount = item["amount"]
        out["amount"] = {"text": money, "quote": amount.get("quote", "")}
        out["amount"] |= {k: amount[k] for k in ("min", "max", "rate", "basis", "ceiling") if k in amount}
    sched = _schedule(item, count)
    if sched and money:
        out["schedule"] = sched
    payer = (item.get("payer") or {}).get("name") or item.get("payer_note")
    if payer:
        out["payer"] = payer
    out["discretion"] = [{"flag": d["flag"], "quote": d["quote"]} for d in item.get("discretion") or []]
    out["units"] = list(policy().clause(number)["units"])
    if result is None:
        out["conditions"] = (
            [
                {"label": leaf["label"], "status": None, "quote": leaf["quote"]}
                for leaf in _leaves(item.get("conditions") or {})
            ]
            if item.get("conditions")
            else []
        )
        return out
    out["verdict"] = VERDICT[result.verdict]
    decided = {leaf.id: leaf for leaf in result.failed + result.missing}
    out["conditions"] = []
    for leaf in result.met + list(decided.values()):
        out["conditions"].append(
            {"label": leaf.label, "status": leaf.status, "quote": leaf.quote}
            | ({"explain": leaf.explain()} if leaf.status == "unmet" else {})
        )
    out["near_misses"] = [m.text for m in result.near_misses]
    return out


def _citations(items: list[dict], clause: int | None) -> list[dict]:
    by_clause: dict[int, list[str]] = {}
    for i in items:
        quotes = by_clause.setdefault(i["clause"], [])
        for q in [(i.get("amount") or {}).get("quote"), (i.get("schedule") or {}).get("quote")] + [
            c["quote"] for c in i.get("conditions") or []
        ]:
            if q and q not in quotes:
                quotes.append(q)
    if clause and clause not in by_clause:
        by_clause[clause] = []
    out = []
    for number, quotes in by_clause.items():
        c = policy().clause(number)
        out.append({"clause": number, "citation": clause_citation(number), "title": c["title"], "quotes": quotes})
    return out


def _suggestions(aspect: str, next_field: str | None, clause: int | None = None) -> list[dict]:
    if next_field:
        spec = policy().profile[next_field]
        values = spec.get("values") or (["是", "否"] if spec["type"] == "bool" else [])
        return [{"title": v, "payload": v} for v in values] + [{"title": "不知道", "payload": "不知道"}]
    out = [{"title": FOLLOW_UPS[a][0], "payload": FOLLOW_UPS[a][1]} for a in NEXT_BY_ASPECT.get(aspect, ())]
    for s in out:  # 原文 of the clause this answer rests on, whatever the conversation's topic becomes
        if s["title"] == FOLLOW_UPS["clause_text"][0] and clause:
            s["payload"] = clause_citation(clause) + s["payload"]
    return out


SILENT = ("原文未", "原文没有")


def _silences(text: str) -> list[str]:
    """What the answer says the text does not say: the document's silences it quotes, then its own lines that
    say so (原文未写明发放方式), so a card never drops them."""
    notes = [s["note"] for s in policy().document.get("silences", [])]
    notes += [n["note"].rstrip("：") for n in policy().document.get("not_in_text", [])]
    found = [n for n in notes if n in text]
    for line in text.split("\n"):
        line = line.strip()
        if any(w in line for w in SILENT) and not any(n in line for n in found) and line not in found:
            found.append(line)
    return found


def self_check_reply(text: str, profile: dict, skipped: list[str], next_field: str | None) -> dict:
    """The checklist: what the self-check reply listed, each condition with its status (as report_text picks)."""
    report = assess(profile, skip=skipped)
    count = profile.get("transferred_workers")
    eligible = report.by_verdict(ELIGIBLE)
    likely = [r for r in report.by_verdict(UNDETERMINED) if r.relevant][:3]
    missed = [r for r in report.by_verdict(NOT_ELIGIBLE) if r.relevant][:3]
    items = [_item(policy().item(r.item_id), r, count if r in eligible else None) for r in eligible + likely + missed]
    counts = [(len(eligible), "符合"), (len(likely), "尚需确认"), (len(missed), "不符合")]
    said = "，".join(f"{label}{n}项" for n, label in counts if n)
    question = policy().profile[next_field]["question"] if next_field else None
    return {
        "schema": SCHEMA,
        "aspect": "self_check",
        "headline": f"自查结果：{said}" if said else "自查结果：还没有找到适用的待遇",
        "items": items,
        "citations": _citations(items, None),
        "units": _units(items),
        "silences": _silences(text) + list(report.notes),
        "next_question": {"field": next_field, "text": question} if question else None,
        "suggestions": _suggestions("self_check", next_field),
    }


def _units(items: list[dict]) -> list[str]:
    units: list[str] = []
    for i in items:
        units += [u for u in i["units"] if u not in units]
    return units


def _headline(aspect: str, items: list[dict], clause: int | None, text: str) -> str:
    first_line = text.strip().split("\n", 1)[0]
    if not items:
        return first_line
    i = items[0]
    if aspect in ("amount", "year_total", "detail") and i.get("amount"):
        sched = i.get("schedule") or {}
        tail = ""
        if sched.get("kind") == "yearly_share":
            tail = f" · {sched['text'].split('，即', 1)[-1]}"
        elif sched.get("kind") == "monthly":
            tail = f" · {sched['text'].split('，', 1)[-1]}"
        flags = [d["flag"] for d in i["discretion"] if d["flag"] not in i["amount"]["text"] + tail]
        return f"{i['name']}：{i['amount']['text']}{tail}" + (f"，须“{'”“'.join(flags)}”" if flags else "")
    if aspect == "payment" and i.get("schedule"):
        return f"{i['name']}：{i['schedule']['text']}"
    if aspect == "payer" and i.get("payer"):
        return f"{i['name']}：资金由{i['payer']}"
    if aspect == "units":
        return f"{i['citation']} 责任单位：{'、'.join(i['units'])}"
    return first_line


def question_reply(text: str, topic: dict) -> dict | None:
    """The structure of an answer about the policy, from the topic the answer set."""
    ids = topic.get("items") or []
    aspects = list(topic.get("aspects") or [])
    clause = topic.get("clause")
    if not ids and not clause:
        return None
    aspect = next((a for a in aspects if a in NEXT_BY_ASPECT), aspects[0] if aspects else "amount")
    items = [_item(policy().item(i)) for i in ids[:3]]
    if aspect == "clause_text" and clause:
        items = []
    return {
        "schema": SCHEMA,
        "aspect": aspect,
        "headline": _headline(aspect, items, clause, text),
        "items": items,
        "citations": _citations(items, clause),
        "units": _units(items) or (list(policy().clause(clause)["units"]) if clause else []),
        "silences": _silences(text),
        "next_question": None,
        "suggestions": _suggestions(aspect, None, items[0]["clause"] if items else clause),
    }


def attach(dispatcher, events: list) -> None:
    """Put the structured reply on the answer's message (the last text the action uttered) as `custom`."""
    texts = [m for m in dispatcher.messages if m.get("text")]
    if not texts or texts[-1].get("custom"):
        return
    set_slots = {e["name"]: e["value"] for e in events if isinstance(e, dict) and e.get("event") == "slot"}
    topic = set_slots.get("topic")
    if not isinstance(topic, dict):
        return
    message = texts[-1]
    if topic.get("intent") == "self_check" and isinstance(set_slots.get("profile"), dict):
        stored = set_slots["profile"]
        facts = {k: v for k, v in stored.items() if not k.startswith("_")}
        reply = self_check_reply(
            message["text"], facts, list(stored.get("_skipped", [])), set_slots.get("requested_field")
        )
    else:
        reply = question_reply(message["text"], topic)
    if reply:
        message["custom"] = reply
