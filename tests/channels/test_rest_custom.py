"""REST `custom` against the real assistant: the structure of an answer rides on the message whose text says it,
follows docs/reply.schema.json, and its quotes are where it says they are in the clause the REST channel serves
(GET /webhooks/rest/clause/<n>). The text a person or an integrator reads is the message's `text`, as before."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import jsonschema
import pytest

pytestmark = [pytest.mark.model, pytest.mark.servers]
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "reply.schema.json").read_text(encoding="utf-8"))
# Our own phrasings, one per kind of answer: amount, monthly amount, payment, conditions, units, clause text,
# a self-check, a follow-up in its context.
CONVERSATION = [
    "读完博士来东川工作，能领多少生活补贴",
    "这笔钱分几年发",
    "要满足哪些条件",
    "这个找哪个部门办",
    "第十条的原文是什么",
    "我今年33岁，全日制硕士，打算考事业编",
]


def post(url: str, body: dict):
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_each_answer_carries_its_structure_beside_its_text(assistant, policy):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    clause_url = assistant.rsplit("/", 1)[0] + "/clause/"
    structured = 0
    for text in CONVERSATION:
        messages = post(assistant, {"sender": "custom-schema", "message": text})
        assert messages, text
        for m in messages:
            assert m.get("text"), (text, m)  # never a bare JSON message: a person reads every message
            custom = m.get("custom")
            if custom is None:
                continue
            structured += 1
            errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(custom)]
            assert not errors, (text, errors)
            for c in custom.get("citations", []):
                assert c["citation"] in m["text"] or custom["aspect"] == "self_check" or c.get("quote"), (text, c)
                if "quote" in c:
                    status, clause = get(clause_url + str(c["clause"]))
                    assert status == 200 and clause["text"][c["start"] : c["end"]] == c["quote"], c
            for item in custom.get("items", []):
                amount = item.get("amount")
                if amount and "max" in amount:  # the figure is the knowledge base's
                    assert amount["max"] == policy.item(item["item"])["amount"]["max"]
    assert structured >= len(CONVERSATION) - 1, structured


def test_the_clause_view_is_the_verbatim_text_and_refuses_what_is_not_a_clause(assistant, policy):
    base = assistant.rsplit("/", 1)[0] + "/clause/"
    status, clause = get(base + "9")
    assert status == 200
    assert clause == {
        "clause": 9,
        "citation": "第（九）条",
        "title": policy.clause(9)["title"],
        "text": policy.clause(9)["text"],
        "units": policy.clause(9)["units"],
    }
    for bad in ("0", "15", "999999999999"):
        status, body = get(base + bad)
        assert status == 404 and "第（十四）条" in body["error"], bad
