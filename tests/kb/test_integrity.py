"""Would these tests catch a wrong knowledge base? Each checks the YAML against the verbatim document itself."""

import hashlib
import re
from pathlib import Path

import pytest

from policy_kb.paths import SOURCE
from tests.citations import CITATIONS
from tests.text_amounts import WRITTEN_AMOUNT, amounts_written_in, in_yuan

SHARED_COPY = Path(__file__).resolve().parents[3] / "shared" / "policy" / "dongfa-2022-26.txt"
ITEM_KINDS = {"benefit", "service", "target"}
BASES = {"per_person", "per_year", "per_month", "one_off", "per_head", "budget"}


def quotes_in(node, path=""):
    """Every (path, quote) in an item, however deeply nested."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "quote":
                yield path, v
            else:
                yield from quotes_in(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from quotes_in(v, f"{path}[{i}]")


def leaves(node):
    if "all" in node or "any" in node:
        for child in node.get("all", []) + node.get("any", []):
            yield from leaves(child)
    else:
        yield node


def test_source_is_the_published_file(policy):
    if not SHARED_COPY.exists():
        pytest.skip("the published copy in ../shared is not beside this checkout")
    assert (
        hashlib.sha256(policy.source_text.encode()).hexdigest() == hashlib.sha256(SHARED_COPY.read_bytes()).hexdigest()
    )


def test_source_is_pinned_by_the_hash_committed_in_document_yml(policy):
    """Checked without ../shared: the verbatim file in policy_kb/source hashes to the value committed beside the KB
    (the hash of the published file, f9821ed0…, the same as ../shared/policy's copy when it is there)."""
    source = SOURCE.parent / policy.document["source_file"]
    assert source == SOURCE
    assert policy.document["source_sha256"] == "f9821ed0301fcfb5cacd9ad35903d30fd895b929196096648824aee7a57e3a76"
    assert hashlib.sha256(source.read_bytes()).hexdigest() == policy.document["source_sha256"]


def test_the_build_refuses_an_altered_source(policy, tmp_path, monkeypatch):
    import dataclasses

    from policy_kb import build as build_module

    altered = dataclasses.replace(policy, source_text=policy.source_text.replace("25万元", "35万元", 1))
    monkeypatch.setattr(build_module, "load_policy", lambda: altered)
    with pytest.raises(ValueError, match="source_sha256"):
        build_module.build(tmp_path / "kb.sqlite")
    assert not (tmp_path / "kb.sqlite").exists()


def test_stored_text_hashes_to_the_source(policy, kb):
    assert kb.document()["sha256"] == hashlib.sha256(policy.source_text.encode()).hexdigest()
    assert kb.source_text() == policy.source_text


def test_document_metadata_stands_in_the_text(policy):
    doc, text = policy.document, policy.source_text
    assert doc["doc_number"] == "东发〔2022〕26号" and doc["doc_number"] in text
    assert all(issuer in text for issuer in doc["issuers"])
    assert str(doc["date"]) == "2022-10-14" and doc["date_quote"] in text
    assert doc["status"] == "试行" and doc["status_quote"] in text
    assert doc["end_date"] is None
    assert doc["publication_quote"] in text


def test_parts_and_clause_titles_as_in_the_text(policy):
    text = policy.source_text
    for part in policy.document["parts"]:
        assert f"{part['number']}、{part['title']}" in text
        for n in part["clauses"]:
            assert policy.clause(n)["part"] == part["number"]
    for c in policy.clauses:
        assert f"第{c['label']}条" == CITATIONS[c["number"]]
        assert f"{c['label']}{c['title']}" in text


def test_clause_texts_are_verbatim_and_cover_the_body(policy):
    text = policy.source_text
    body = text[text.index("一、实施高层次紧缺人才招引计划") :]
    position = 0
    for c in policy.clauses:
        at = body.find(c["text"], position)
        assert at >= 0, f"clause {c['number']} text is not verbatim"
        between = body[position:at]
        # between two clause texts there is only a title line (and perhaps a part heading)
        assert len(re.sub(r"\s", "", between)) <= 60, between
        position = at + len(c["text"])
    assert body[position:].strip() == ""


def test_every_quote_is_verbatim(policy):
    for c in policy.clauses:
        assert c["units_quote"] in c["text"]
        for item in c["items"]:
            for path, quote in quotes_in(item):
                assert quote and quote in c["text"], f"{item['id']}{path}: {quote!r} is not in clause {c['number']}"


def test_every_stated_amount_is_captured_with_its_value(policy):
    """Each amount the text states (found by pattern, not from a typed list) belongs to an item of its clause."""
    found = 0
    for c in policy.clauses:
        for m in WRITTEN_AMOUNT.finditer(c["text"]):
            value = in_yuan(m.group(0))
            found += 1
            covering = []
            for item in c["items"]:
                amount = item.get("amount") or {}
                quote = amount.get("quote")
                if not quote:
                    continue
                for q in re.finditer(re.escape(quote), c["text"]):
                    if q.start() <= m.start() and m.end() <= q.end():
                        covering.append(item)
            values = {v for item in covering for v in (item["amount"].get(k) for k in ("min", "max", "rate"))}
            assert value in values, f"clause {c['number']}: {m.group(0)} is not captured by an item"
    assert found == 26  # the amounts written in the fourteen clauses (the notice itself names none)


def test_no_item_states_an_amount_its_quote_does_not(policy):
    for c in policy.clauses:
        for item in c["items"]:
            amount = item.get("amount")
            if not amount:
                continue
            stated = set(amounts_written_in(amount["quote"]))
            for key in ("min", "max", "rate"):
                if amount.get(key) is not None:
                    assert amount[key] in stated, f"{item['id']}: {key}={amount[key]} not in {amount['quote']!r}"


def test_responsible_units_equal_the_texts_list(policy):
    known = {u["name"] for u in policy.units}
    for c in policy.clauses:
        m = re.search(r"[（(〔]责任单位：(.+?)[）)〕]$", c["text"])
        assert m, f"clause {c['number']} has no 责任单位 list"
        listed = re.split(r"[、，]", m.group(1))
        assert c["units"] == listed
        assert set(listed) <= known


def test_items_are_well_formed(policy):
    ids = [i["id"] for i in policy.items]
    assert len(ids) == len(set(ids))
    for c in policy.clauses:
        assert c["items"], f"clause {c['number']} has no items"
        for item in c["items"]:
            assert item["id"].startswith(f"c{c['number']:02d}-")
            assert item["kind"] in ITEM_KINDS
            assert item.get("name") and item.get("target", {}).get("text")
            amount = item.get("amount")
            if amount:
                assert amount["basis"] in BASES, item["id"]
                for key in ("min", "max", "rate"):
                    assert amount.get(key) is None or isinstance(amount[key], int), item["id"]
            if item["kind"] == "benefit" and item.get("beneficiary") != "administration":
                assert "payer" in item, f"{item['id']}: say the payer, or null with a payer_note"
                if item["payer"] is None:
                    assert item.get("payer_note")


# The operators each kind of field takes (policy_kb/conditions.py relies on it: a set is held, a number compared).
OPERATORS = {
    "int": {"eq", "ne", "in", "le", "lt", "ge", "gt"},
    "number": {"eq", "ne", "in", "le", "lt", "ge", "gt"},
    "ordinal": {"eq", "ne", "in", "le", "lt", "ge", "gt"},
    "enum": {"eq", "ne", "in"},
    "bool": {"eq", "ne"},
    "set": {"has", "has_any"},
}


def test_every_number_field_names_the_unit_its_gap_is_told_in(policy):
    # “36岁，超过“35周岁及以下”1岁”: a number without its unit would read as a bare figure
    numbers = {name: spec for name, spec in policy.profile.items() if spec["type"] in ("int", "number")}
    assert numbers and all(spec.get("unit") for spec in numbers.values()), numbers
    assert set(OPERATORS) == {spec["type"] for spec in policy.profile.values()}


def test_conditions_use_the_profile_vocabulary(policy):
    fields = policy.profile
    for item in policy.items:
        if "conditions" not in item:
            continue
        ids = []
        for leaf in leaves(item["conditions"]):
            ids.append(leaf["id"])
            assert leaf["field"] in fields, f"{item['id']}: unknown field {leaf['field']}"
            spec = fields[leaf["field"]]
            assert leaf.get("label"), item["id"]
            assert leaf["op"] in OPERATORS[spec["type"]], f"{item['id']}: {leaf['op']} on a {spec['type']} field"
            values = leaf["value"] if isinstance(leaf["value"], list) else [leaf["value"]]
            if spec["type"] in ("enum", "ordinal", "set"):
                for v in values:
                    assert v in spec["values"], f"{item['id']}: {v} is not a value of {leaf['field']}"
        assert len(ids) == len(set(ids)), f"{item['id']}: leaf ids repeat"


def test_money_benefits_cover_the_documents_benefit_amounts(policy):
    """The amounts a person can get, as the public sample questions ask them, are in the KB."""
    money = {v for i in policy.items for v in ((i.get("amount") or {}).get(k) for k in ("min", "max", "rate")) if v}
    for value in (
        500000,
        300000,
        250000,
        100000,
        50000,
        30000,
        20000,
        5000,
        200000,
        1000,
        1500,
        8000,
        2000,
        4000,
        6000,
        100,
    ):
        assert value in money
