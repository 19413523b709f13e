"""Build the SQLite knowledge base from policy_kb/data with sqlite-utils.

Tables: documents, parts, clauses, units, clause_units, items, terms, vocabulary, passages (+ FTS5 over
jieba-segmented text). The build is deterministic: the same YAML gives the same rows.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import sqlite_utils

from .load import clause_citation, clause_label, load_policy
from .money import describe_amount
from .segment import cut

SENTENCE = re.compile(r"[^。；]+[。；]?")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _item_row(clause: dict, item: dict) -> dict:
    amount = item.get("amount") or {}
    payment = item.get("payment") or {}
    payer = item.get("payer") or {}
    target = item.get("target") or {}
    measure = item.get("measure") or {}
    return {
        "id": item["id"],
        "clause": clause["number"],
        "kind": item["kind"],
        "beneficiary": item.get("beneficiary"),
        "name": item["name"],
        "target": target.get("text"),
        "target_quote": target.get("quote"),
        "measure": measure.get("text"),
        "measure_quote": measure.get("quote"),
        "amount_min": amount.get("min"),
        "amount_max": amount.get("max"),
        "amount_rate": amount.get("rate"),
        "amount_basis": amount.get("basis"),
        "amount_ceiling": bool(amount.get("ceiling")),
        "amount_text": describe_amount(amount, item.get("beneficiary", "person")) or None,
        "amount_quote": amount.get("quote"),
        "payment_rule": payment.get("rule"),
        "payment_share": payment.get("share"),
        "payment_after_assessment": payment.get("after_assessment"),
        "payment_quote": payment.get("quote"),
        "payer": payer.get("name"),
        "payer_quote": payer.get("quote"),
        "payer_note": item.get("payer_note"),
        "discretion": json.dumps([d["flag"] for d in item.get("discretion") or []], ensure_ascii=False),
        "data": json.dumps(item, ensure_ascii=False),
    }


def build(out: Path) -> Path:
    policy = load_policy()
    pinned = policy.document.get("source_sha256")
    if pinned != sha256(policy.source_text):
        raise ValueError(
            f"policy_kb/source/{policy.document['source_file']} does not hash to source_sha256 in "
            "document.yml: the verbatim text was changed (or the hash not updated with a new edition)"
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite_utils.Database(tmp)
    doc = policy.document

    db.table("documents").insert(
        {
            "id": 1,
            "doc_number": doc["doc_number"],
            "title": doc["title"],
            "issuers": json.dumps(doc["issuers"], ensure_ascii=False),
            "date": str(doc["date"]),
            "status": doc["status"],
            "end_date": doc.get("end_date"),
            "end_date_note": doc.get("end_date_note"),
            "publication": doc["publication"],
            "sha256": sha256(policy.source_text),
            "text": policy.source_text,
        },
        pk="id",
    )
    db.table("parts").insert_all(
        [
            {"number": p["number"], "position": i + 1, "title": p["title"], "document": 1}
            for i, p in enumerate(doc["parts"])
        ],
        pk="number",
        foreign_keys=[("document", "documents", "id")],
    )
    db.table("clauses").insert_all(
        [
            {
                "number": c["number"],
                "label": clause_label(c["number"]),
                "citation": clause_citation(c["number"]),
                "part": c["part"],
                "title": c["title"],
                "text": c["text"],
                "units_quote": c["units_quote"],
                "sha256": sha256(c["text"]),
            }
            for c in policy.clauses
        ],
        pk="number",
        foreign_keys=[("part", "parts", "number")],
    )
    db.table("units").insert_all(
        [
            {
                "name": u["name"],
                "collective": bool(u.get("collective")),
                "aliases": json.dumps(u.get("aliases") or [], ensure_ascii=False),
            }
            for u in policy.units
        ],
        pk="name",
    )
    db.table("clause_units").insert_all(
        [
            {"clause": c["number"], "unit": name, "position": i + 1}
            for c in policy.clauses
            for i, name in enumerate(c["units"])
        ],
        pk=("clause", "unit"),
        foreign_keys=[("clause", "clauses", "number"), ("unit", "units", "name")],
    )
    db.table("items").insert_all(
        [_item_row(c, it) for c in policy.clauses for it in c["items"]],
        pk="id",
        foreign_keys=[("clause", "clauses", "number")],
    )
    db.table("terms").insert_all(policy.terms, pk="term")
    db.table("vocabulary").insert_all(
        [
            {"entity": entity, "value": str(value), "synonym": str(s)}
            for entity, values in policy.vocabulary.items()
            for value, synonyms in values.items()
            for s in [value, *(synonyms or [])]
        ],
        pk=("entity", "value", "synonym"),
        replace=True,
    )

    passages = []
    for c in policy.clauses:
        passages.append({"clause": c["number"], "item": None, "kind": "title", "text": c["title"]})
        for m in SENTENCE.finditer(c["text"]):
            passages.append({"clause": c["number"], "item": None, "kind": "sentence", "text": m.group(0)})
        for it in c["items"]:
            text = "，".join(x for x in (it["name"], (it.get("target") or {}).get("text")) if x)
            passages.append({"clause": c["number"], "item": it["id"], "kind": "item", "text": text})
    for i, p in enumerate(passages):
        p["id"] = i + 1
        p["tokens"] = " ".join(cut(p["text"]))
    db.table("passages").insert_all(
        passages, pk="id", foreign_keys=[("clause", "clauses", "number"), ("item", "items", "id")]
    )
    db.table("passages").enable_fts(["tokens"], fts_version="FTS5", tokenize="unicode61", create_triggers=False)
    for table, col in (("items", "clause"), ("items", "kind"), ("passages", "clause"), ("clause_units", "unit")):
        db.table(table).create_index([col])
    db.conn.commit()
    db.close()
    tmp.replace(out)
    return out
