"""TEMPORARY (issue #19, until #13's reply model lands: policy_kb/reply.py on branch `structure`): the structured reply of an answer, built in ONE place from
what today's actions already decided — the topic they set (items, clause, aspects, verdicts) and the profile.

The dict is the JSON form of #13's `Reply` (/work/coord/reply_model.md: `Reply.to_json()`, empty fields left out)
with `schema` added — docs/reply.schema.json — and travels as the message's `custom` beside its unchanged text; the chat
page draws it as cards, WeChat as compact text (bot/channels/reply_render.py). Every value is read from policy_kb
(items, clauses, the engine's report); nothing is typed here. When the composer of #13 returns a reply model,
`attach()` is replaced by `{"schema": SCHEMA, **reply.to_json()}` in its one utter(), and this module goes.
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


STATUS = {"met": "met", "unmet": "unmet", "unknown": "to_confirm"}


def _compact(value):
    """As policy_kb/reply.py's Reply.to_json(): None, "", [] and False are left out."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v not in (None, "", [], False)}
    if isinstance(value, (list, tuple)):
        return [_compact(v) for v in value]
    return value


def _citation(number: int, quote: str = "") -> dict:
    """A clause cited, with the offsets of `quote` in its verbatim text when it stands there as written."""
    c: dict = {"clause": number, "citation": clause_citation(number), "quote": quote}
    at = policy().clause(number)["text"].find(quote) if quote else -1
    if at >= 0:
        c |= {"start": at, "end": at + len(quote)}
    return c


def _item(item: dict, result=None, count: int | None = None) -> dict:
    number = int(item["id"][1:3])
    amount = item.get("amount")
    payment = item.get("payment") or {}
    sched = schedule(amount, payment, count)
    status, explanations = {}, {}
    if result is not None:
        for leaf in result.met + result.failed + result.missing:
            status[leaf.id] = STATUS[leaf.status]
            if leaf in result.failed:
                explanations[leaf.id] = leaf.explain()
    payer = (item.get("payer") or {}).get("name") or item.get("payer_note")
    return {
        "item": item["id"],
        "name": item["name"],
        "kind": item["kind"],
        "citation": _citation(number),
        "verdict": result.verdict if result is not None else None,
        "amount": {
            "text": describe_amount(amount, item.get("beneficiary", "person")),
            **{k: amount.get(k) for k in ("min", "max", "rate", "basis")},
            "ceiling": bool(amount.get("ceiling")),
            "quote": _citation(number, amount["quote"]) if amount.get("quote") else None,
        }
        if amount
        else None,
        "payment": {
            "text": sched.text,
            "rule": payment.get("rule"),
            "per_year": sched.per_year,
            "years": sched.years,
            "total": sched.total,
            "payer": payer,
            "quote": _citation(number, payment["quote"]) if payment.get("quote") else None,
        }
        if sched
        else None,
        "conditions": [
            {
                "label": leaf["label"],
                "status": status.get(leaf.get("id")),
                "explanation": explanations.get(leaf.get("id"), ""),
                "quote": _citation(number, leaf["quote"]) if leaf.get("quote") else None,
                "id": leaf.get("id"),
                "field": leaf.get("field"),
            }
            for leaf in _leaves(item.get("conditions") or {})
        ]
        if item.get("conditions")
        else [],
        "target": (item.get("target") or {}).get("text", ""),
        "measure": (item.get("measure") or {}).get("text", ""),
        "discretion": [d["flag"] for d in item.get("discretion") or []],
        "notes": [a["note"] for a in item.get("ambiguities") or []],
        "near_misses": [m.text for m in result.near_misses] if result is not None else [],
        "units": list(policy().clause(number)["units"]),
    }


def _leaves(node: dict) -> list[dict]:
    if "all" in node or "any" in node:
        return [leaf for c in node.get("all", node.get("any")) for leaf in _leaves(c)]
    return [node] if node else []


def _citations(items: list[dict], clause: int | None) -> list[dict]:
    """Every clause the reply cites, each quoted span once (the clause as a whole when nothing is quoted)."""
    out: list[dict] = []
    for i in items:
        spans = [(i.get("amount") or {}).get("quote"), (i.get("payment") or {}).get("quote")]
        spans += [c.get("quote") for c in i.get("conditions") or []]
        for span in [i["citation"]] + [q for q in spans if q]:
            if span not in out:
                out.append(span)
    if clause and not any(c["clause"] == clause for c in out):
        out.append(_citation(clause))
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


def _silences(text: str) -> list[dict]:
    """What the answer says the text does not say: the document's silences it says, then its own lines that say
    so (原文未写明发放方式), so a card never drops them."""
    known = [(s["topic"], s["note"]) for s in policy().document.get("silences", [])]
    known += [(n["topic"], n["note"].rstrip("：")) for n in policy().document.get("not_in_text", [])]
    found = [{"topic": t, "note": n} for t, n in known if n in text]
    for line in text.split("\n"):
        line = line.strip()
        if any(w in line for w in SILENT) and not any(f["note"] in line for f in found):
            found.append({"topic": "answer", "note": line})
    return found


def _reply(aspect: str, headline: str, items: list[dict], clause: int | None, text: str, **fields) -> dict:
    units = _units(items) or (list(policy().clause(clause)["units"]) if clause else [])
    reply = {
        "aspect": aspect,
        "headline": headline,
        "items": items,
        "units": units,
        "citations": _citations(items, clause),
        "silences": _silences(text),
        **fields,
    }
    return {"schema": SCHEMA, **_compact(reply)}


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
    return _reply(
        "self_check",
        f"自查结果：{said}" if said else "自查结果：还没有找到适用的待遇",
        items,
        None,
        text,
        notes=list(report.notes),
        next_questions=_suggestions("self_check", next_field),
        lines=[("question", question)] if question else [],
    )


def _units(items: list[dict]) -> list[str]:
    units: list[str] = []
    for i in items:
        units += [u for u in i["units"] if u not in units]
    return units


def _headline(aspect: str, items: list[dict], text: str) -> str:
    first_line = text.strip().split("\n", 1)[0]
    if not items:
        return first_line
    i = items[0]
    pay = i.get("payment") or {}
    if aspect in ("amount", "year_total", "detail") and i.get("amount"):
        tail = ""
        if pay.get("rule") == "yearly_share" or i["amount"].get("basis") == "per_month":
            said = pay["text"]  # 每年5万元，共5年 / 每月1000元，一年合计1.2万元: what follows the rule's name
            tail = f" · {said.split('，即', 1)[1] if '，即' in said else said.split('，', 1)[-1]}"
        flags = [f for f in i["discretion"] if f not in i["amount"]["text"] + tail]
        return f"{i['name']}：{i['amount']['text']}{tail}" + (f"，须“{'”“'.join(flags)}”" if flags else "")
    if aspect == "payment" and pay:
        return f"{i['name']}：{pay['text']}"
    if aspect == "payer" and pay.get("payer"):
        return f"{i['name']}：资金由{pay['payer']}"
    if aspect == "units":
        return f"{i['citation']['citation']} 责任单位：{'、'.join(i['units'])}"
    return first_line


def question_reply(text: str, topic: dict) -> dict | None:
    """The structure of an answer about the policy, from the topic the answer set."""
    ids = topic.get("items") or []
    aspects = list(topic.get("aspects") or [])
    clause = topic.get("clause")
    if not ids and not clause:
        return None
    aspect = next((a for a in aspects if a in NEXT_BY_ASPECT), aspects[0] if aspects else "amount")
    items = [] if aspect == "clause_text" and clause else [_item(policy().item(i)) for i in ids[:3]]
    main = items[0]["citation"]["clause"] if items else clause
    return _reply(
        aspect, _headline(aspect, items, text), items, clause, text, next_questions=_suggestions(aspect, None, main)
    )


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
