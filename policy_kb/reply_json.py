"""A Reply as the `custom` of its message (docs/reply.schema.json): its JSON form, the schema's name, and the quick
replies a card or WeChat offers after it.

The quick replies are the natural next questions after each aspect (怎么发 / 谁出钱 / 找哪个部门 / 原文 / 自查) —
原文 of the clause the answer rests on — or, when a self-check asks for a fact, that fact's answers (from
profile.yml) and 不知道. They ride in `custom` only: the message's text and buttons, which every channel and the
answer evaluation read, stay what the composer wrote. A reply that already has next questions (the fallback's
“您是想问…” clauses) keeps them: they are its buttons.
"""

from __future__ import annotations

from typing import Any

from .load import clause_citation, load_policy
from .reply import Reply

SCHEMA = "dongchuan-reply/1"
# (button title, what it sends), by what the button asks next
FOLLOW_UPS = {
    "amount": ("能拿多少", "能拿多少钱"),
    "payment": ("怎么发", "怎么发放"),
    "payer": ("谁出钱", "资金由谁出"),
    "units": ("找哪个部门", "找哪个部门"),
    "clause_text": ("原文", "原文"),
    "self_check": ("自查", "自查"),
}
# after an answer about X, what one naturally asks next
NEXT_BY_ASPECT = {
    "amount": ("payment", "payer", "units", "clause_text", "self_check"),
    "year_total": ("payment", "payer", "units", "clause_text", "self_check"),
    "payment": ("payer", "units", "clause_text", "self_check"),
    "conditions": ("amount", "payment", "units", "clause_text", "self_check"),
    "eligibility": ("amount", "payment", "units", "clause_text", "self_check"),
    "detail": ("payment", "units", "clause_text", "self_check"),
    "units": ("amount", "payment", "clause_text", "self_check"),
    "payer": ("payment", "units", "clause_text", "self_check"),
    "clause_text": ("amount", "payment", "units", "self_check"),
}
DONT_KNOW = "不知道"


def _asked_field(reply: Reply) -> str | None:
    """The profile field whose question the reply asks (a self-check's next fact), found by its question's words."""
    asked = [t for kind, t in reply.lines if kind == "question"]
    for name, spec in load_policy().profile.items():
        if any(spec["question"] in line for line in asked):
            return name
    return None


def follow_ups(reply: Reply) -> list[dict[str, str]]:
    """The quick replies after this reply: the open question's answers, else the next questions for its aspect."""
    field = _asked_field(reply)
    if field:
        spec = load_policy().profile[field]
        values = spec.get("values") or (["是", "否"] if spec["type"] == "bool" else [])
        return [{"title": v, "payload": v} for v in values] + [{"title": DONT_KNOW, "payload": DONT_KNOW}]
    if reply.aspect == "self_check":
        return []
    clause = reply.items[0].citation.clause if reply.items else (reply.citations[0].clause if reply.citations else None)
    if clause is None:
        return []
    out = []
    for aspect in NEXT_BY_ASPECT.get(reply.aspect, ()):
        title, payload = FOLLOW_UPS[aspect]
        if aspect == "clause_text":  # the clause of this answer, whatever the conversation's topic becomes
            payload = clause_citation(clause) + payload
        out.append({"title": title, "payload": payload})
    return out


def custom(reply: Reply) -> dict[str, Any]:
    """The message's `custom`: the reply's JSON form with `schema`, and its quick replies."""
    data: dict[str, Any] = {"schema": SCHEMA, **reply.to_json()}
    if not reply.next_questions:
        quick = follow_ups(reply)
        if quick:
            data["next_questions"] = quick
    return data
