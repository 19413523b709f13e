"""Read the YAML source of the knowledge base (policy_kb/data) into plain Python structures.

Nothing here interprets the policy: it reads, and checks the shape just enough to fail early with a clear message.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import yaml

from .paths import DATA, SOURCE

CLAUSE_LABELS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四"]


def _read(path) -> Any:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


@dataclass(frozen=True)
class Policy:
    """The whole knowledge base as read from YAML."""

    source_text: str
    document: dict
    clauses: list  # ordered by number; each a dict with an `items` list
    units: list
    vocabulary: dict
    terms: list
    profile: dict

    def clause(self, number: int) -> dict:
        return self.clauses[number - 1]

    @property
    def items(self) -> list:
        return [item for c in self.clauses for item in c["items"]]

    def item(self, item_id: str) -> dict:
        for item in self.items:
            if item["id"] == item_id:
                return item
        raise KeyError(item_id)

    def vocabulary_forms(self) -> list[tuple[str, str, list[str]]]:
        """(entity type, canonical value, its written forms) for every vocabulary.yml entry, in file order; the
        forms are the canonical value first, then its synonyms, without repeats. Every reader of the vocabulary
        (search synonyms, the NLU exports, the rule-based entity backstop) starts here."""
        out = []
        for kind, values in self.vocabulary.items():
            for canonical, synonyms in (values or {}).items():
                forms = list(dict.fromkeys([str(canonical)] + [str(s) for s in synonyms or []]))
                out.append((str(kind), str(canonical), forms))
        return out

    def unit_forms(self) -> list[tuple[str, list[str]]]:
        """(unit name, its written forms: the name first, then its aliases) for every unit of units.yml."""
        return [(u["name"], list(dict.fromkeys([u["name"]] + list(u.get("aliases") or [])))) for u in self.units]

    def clause_of(self, item_id: str) -> dict:
        for c in self.clauses:
            if any(i["id"] == item_id for i in c["items"]):
                return c
        raise KeyError(item_id)


@functools.lru_cache(maxsize=1)
def load_policy() -> Policy:
    source_text = SOURCE.read_text(encoding="utf-8")
    clauses = [_read(p) for p in sorted((DATA / "clauses").glob("c*.yml"))]
    document = _read(DATA / "document.yml")
    numbers = [c["number"] for c in clauses]
    expected = [n for part in document["parts"] for n in part["clauses"]]  # the clauses the parts list
    if numbers != expected:
        raise ValueError(f"expected clauses {expected} (document.yml parts) in policy_kb/data/clauses, found {numbers}")
    for c in clauses:
        c["items"] = c.get("items") or []
        for item in c["items"]:
            item["clause"] = c["number"]  # the clause an item belongs to, stored once (ids are names, not data)
    return Policy(
        source_text=source_text,
        document=document,
        clauses=clauses,
        units=_read(DATA / "units.yml"),
        vocabulary=_read(DATA / "vocabulary.yml"),
        terms=_read(DATA / "terms.yml"),
        profile=_read(DATA / "profile.yml")["fields"],
    )


def clause_label(number: int) -> str:
    """1 → （一）"""
    return f"（{CLAUSE_LABELS[number - 1]}）"


def clause_citation(number: int) -> str:
    """1 → 第（一）条, the form every answer cites."""
    return f"第{clause_label(number)}条"
