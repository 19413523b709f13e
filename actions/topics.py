"""Which items a message is about: its entities, a clause it names, the previous topic, or a KB search."""
from __future__ import annotations

from rasa_sdk import Tracker

from policy_kb.refs import parse_clause_ref
from policy_kb.topics import facts_from_message, items_about, strongest

from .base import entities_of, facts_from_json, text_of, topic_of
from .kb import kb, policy

MONEY_FIRST = {"benefit": 0, "service": 1, "target": 2}


def clause_named(tracker: Tracker) -> int | None:
    value = next((e["value"] for e in entities_of(tracker) if e.get("entity") == "clause"), None)
    if value is not None:
        try:
            n = int(value)
            return n if 1 <= n <= 14 else None
        except ValueError:
            return parse_clause_ref(str(value))
    text = text_of(tracker)
    return parse_clause_ref(text) if any(ch in text for ch in "第条（(") else None


def _clause_items(number: int, kinds) -> list[dict]:
    items = [i for i in policy().clause(number)["items"] if i["kind"] in kinds]
    return sorted(items, key=lambda i: (MONEY_FIRST[i["kind"]], not i.get("amount")))


def search_items(text: str, kinds) -> list[dict]:
    for hit in kb().search(text, limit=3):
        items = [policy().item(i.id) for i in hit.items]
        items = [i for i in items if i["kind"] in kinds]
        if items:
            return sorted(items, key=lambda i: (MONEY_FIRST[i["kind"]], not i.get("amount")))
    return []


def topic_items(tracker: Tracker, kinds) -> list[dict]:
    ids = topic_of(tracker).get("items") or []
    return [policy().item(i) for i in ids if policy().item(i)["kind"] in kinds]


def resolve(tracker: Tracker, kinds=("benefit", "service"), context_first: bool = False,
            facts: dict | None = None, search: bool = True) -> tuple[list[dict], dict]:
    """(items, facts) for the message. `context_first`: a bare follow-up question (有年龄限制吗, 怎么发)
    is about the previous topic before it is a search. `search`: fall back to a full-text search."""
    facts = facts if facts is not None else facts_from_message(text_of(tracker), entities_of(tracker))
    if facts:
        items = [i for i in strongest(items_about(facts, kinds))]
        if items:
            return items, facts
    number = clause_named(tracker)
    if number:
        return _clause_items(number, kinds), facts
    if context_first:
        items = topic_items(tracker, kinds)
        if items:
            return items, facts_from_json(topic_of(tracker).get("facts"))
    items = search_items(text_of(tracker), kinds) if search else []
    if items:
        return items, facts
    return ([] if context_first else topic_items(tracker, kinds)), facts
