"""The application as data: the JSON the office's systems receive and the only input of the DOCX renderer, so the
two always say the same thing.

Every policy fact in it (item names, citations, amounts, schedules, payers, units, condition labels and quotes,
discretion, ambiguities, silences) is copied from the eligibility engine's results and the knowledge base.
"""

from __future__ import annotations

import datetime as dt

from policy_kb.compose import field_lines
from policy_kb.eligibility import ELIGIBLE, VERDICT_LABELS, ItemResult
from policy_kb.load import load_policy
from policy_kb.profile import fields as profile_fields

from .applicant import FIELDS
from .validate import format_date

SCHEMA = "dongchuan-talent-prefill/1"
TITLE = "东川区人才政策待遇申请预填表"
NOTICE = (
    "本表是东川人才政策助手根据申请人自述信息生成的预填表，仅供申请人核对、签字后提交，不是审批结果，"
    "也不代表已受理。所列待遇、金额和条件摘自政策原文；能否享受、享受金额及发放以责任单位审核认定为准。"
    "申报材料、申报时间和受理方式以责任单位规定为准。"
)
DECLARATION = (
    "本人承诺以上信息真实有效，所自述的条件与本人实际情况相符，并同意责任单位为审核本申请核实上述信息。"
    "如有虚假，本人愿承担相应责任。"
)
SILENCE_TOPICS = ("materials", "deadline", "where_to_apply", "procedure")


def display(key: str, value) -> str:
    """An applicant value as the form prints it."""
    if value is None or value == "":
        return ""
    if key == "birth_date":
        return format_date(dt.date.fromisoformat(value))
    if key == "age":
        return f"{value}周岁"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def applicant_rows(applicant: dict) -> list[dict]:
    """[{key, label, value, text}] in form order: the applicant table of the DOCX, row by row."""
    rows = []
    for f in FIELDS:
        text = display(f.key, applicant.get(f.key))
        if f.key == "title_level" and applicant.get("title_name"):
            text = f"{text}（{applicant['title_name']}）"
        rows.append({"key": f.key, "label": f.label, "value": applicant.get(f.key), "text": text})
        if f.key == "birth_date":
            rows.append(
                {
                    "key": "age",
                    "label": profile_fields()["age"]["label"],
                    "value": applicant.get("age"),
                    "text": display("age", applicant.get("age")),
                }
            )
    return rows


def declared(leaf) -> str:
    """What the applicant said about a condition's fact: 38岁 · 是 · 博士 · 在岗乡村医生."""
    spec = profile_fields()[leaf.field]
    value = leaf.actual
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (set, frozenset, list, tuple)):
        return "、".join(sorted(value)) or "无"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}{spec.get('unit', '')}"


def _leaf(leaf, with_answer: bool) -> dict:
    out = {"id": leaf.id, "field": leaf.field, "label": leaf.label, "quote": leaf.quote}
    if with_answer:
        out["declared"] = declared(leaf)
    else:
        out["question"] = profile_fields()[leaf.field]["question"]
    return out


def item_entry(r: ItemResult) -> dict:
    item = load_policy().item(r.item_id)
    return {
        "item_id": r.item_id,
        "name": r.name,
        "clause": r.clause,
        "citation": r.citation,
        "status": r.verdict,
        "status_label": VERDICT_LABELS[r.verdict],
        "amount_text": r.amount_text,
        "amount_max": r.amount_max,
        "amount_quote": (item.get("amount") or {}).get("quote"),
        "schedule": (
            {
                "text": r.schedule.text,
                "per_year": r.schedule.per_year,
                "years": r.schedule.years,
                "total": r.schedule.total,
            }
            if r.schedule
            else None
        ),
        "payment_quote": (item.get("payment") or {}).get("quote"),
        "payer": r.payer,
        "payer_note": r.payer_note,
        "units": list(r.units),
        "units_quote": load_policy().clause(r.clause).get("units_quote"),
        "target": (item.get("target") or {}).get("text"),
        "target_quote": r.target_quote,
        "discretion": [dict(d) for d in r.discretion],
        "ambiguities": [dict(a) for a in r.ambiguities],
        "conditions_declared": [_leaf(leaf, True) for leaf in r.met],
        "conditions_to_confirm": [_leaf(leaf, False) for leaf in r.missing],
    }


def _jsonable_profile(profile: dict) -> dict:
    return {k: sorted(v) if isinstance(v, (set, frozenset)) else v for k, v in profile.items()}


def build_payload(
    *,
    reference: str,
    applicant: dict,
    profile: dict,
    results: list[ItemResult],
    generated_at: dt.datetime,
    expires_at: dt.datetime | None = None,
) -> dict:
    """The application as one JSON-serialisable dict."""
    policy = load_policy()
    doc = policy.document
    silences = {s["topic"]: s["note"] for s in doc.get("silences", [])}
    notes = [silences[t] for t in SILENCE_TOPICS if t in silences]
    if len(results) > 1 and "combine" in silences:
        notes.append(silences["combine"])
    units = []
    for r in results:
        units += [u for u in r.units if u not in units]
    return {
        "schema": SCHEMA,
        "title": TITLE,
        "reference": reference,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "generated_date": format_date(generated_at.date()),
        "expires_at": expires_at.isoformat(timespec="seconds") if expires_at else None,
        "prefill_notice": NOTICE,
        "policy": {
            "doc_number": doc["doc_number"],
            "title": doc["title"],
            "issuers": list(doc["issuers"]),
            "date": str(doc["date"]),
            "status": doc.get("status"),
        },
        "applicant": dict(applicant),
        "applicant_rows": applicant_rows(applicant),
        "self_check_profile": _jsonable_profile(profile),
        "items": [item_entry(r) for r in results],
        "all_eligible": all(r.verdict == ELIGIBLE for r in results),
        "responsible_units": units,
        "policy_silences": notes,
        "declaration": DECLARATION,
    }


def summary_fields(applicant: dict, profile: dict | None = None) -> list[tuple[str, str]]:
    """(label, value) of the fields so far, in the form's order: ID and phone masked (5301**********1234,
    138****8000)."""
    from .applicant import known_values
    from .validate import mask_id, mask_phone

    known = known_values(applicant, profile)
    out = []
    for f in FIELDS:
        if f.key not in known:
            continue
        value = known[f.key]
        if f.key == "id_number":
            text = mask_id(value)
        elif f.key == "phone":
            text = mask_phone(value)
        else:
            text = display(f.key, value)
            if f.key == "title_level" and known.get("title_name"):
                text = f"{text}（{known['title_name']}）"
        out.append((f.label, text))
    return out


def chat_summary(applicant: dict, profile: dict | None = None) -> str:
    """The fields so far, one per line, for a chat reply (the composer's field lines)."""
    return "\n".join(line for _kind, line in field_lines(summary_fields(applicant, profile)))
