"""The one read model of the knowledge base for the action server (and anything else that answers questions).

Two stores stay behind it, each for what it is good at: the YAML as loaded (policy_kb/load.py: items as dicts with
their conditions, amounts, quotes and the clause each belongs to) and the built SQLite (policy_kb/query.py: clause
text and units as the desk shows them, full-text search over jieba words, sentence frequencies). Callers ask this
facade; they do not pick a store.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from .load import Policy, clause_citation, load_policy
from .paths import DEFAULT_DB
from .query import KB, Clause, Hit, Sentence, UnitClauses


class PolicyReader:
    def __init__(self, db_path: Path | str = DEFAULT_DB, policy: Policy | None = None):
        self._kb = KB(db_path)
        self._policy = policy or load_policy()

    # --- the document ---------------------------------------------------------------------------------------
    def document(self) -> dict:
        """document.yml (parts, quotes, silences, not_in_text) with the built row's fields (status, issuers …)."""
        return {**self._policy.document, **self._kb.document()}

    @property
    def doc_number(self) -> str:
        return self._policy.document["doc_number"]

    def source_text(self) -> str:
        return self._policy.source_text

    def clause_count(self) -> int:
        return len(self._policy.clauses)

    def parts(self) -> list[dict]:
        return self._policy.document["parts"]

    def not_in_text(self) -> list[dict]:
        return self._policy.document.get("not_in_text") or []

    # --- silences: where the text says nothing -----------------------------------------------------------------
    def silence(self, topic: str) -> str:
        """What the document says it does not say (materials, deadlines …), from document.yml."""
        return self._silence_entry(topic)["note"]

    def silence_clause(self, topic: str) -> int | None:
        """The clause the silence's quote stands in (found in the text, not typed), if it has a quote."""
        quote = self._silence_entry(topic).get("quote")
        return next((c["number"] for c in self._policy.clauses if quote and quote in c["text"]), None)

    def silence_cited(self, topic: str) -> str:
        """The silence's note, with the clause its quote comes from."""
        number = self.silence_clause(topic)
        return self.silence(topic) + (f"（{clause_citation(number)}）" if number else "")

    def _silence_entry(self, topic: str) -> dict:
        return next(s for s in self._policy.document.get("silences", []) if s["topic"] == topic)

    # --- clauses and items ----------------------------------------------------------------------------------
    def items(self, kinds=None) -> list[dict]:
        """Every item as loaded (each knows its `clause`), in clause order; `kinds`: only these kinds."""
        return [i for i in self._policy.items if kinds is None or i["kind"] in kinds]

    def item(self, item_id: str) -> dict:
        return self._policy.item(item_id)

    def clause_items(self, number: int) -> list[dict]:
        return self._policy.clause(number)["items"]

    def clause_text(self, number: int) -> str:
        """The clause's verbatim text (the quotes of its items stand in it)."""
        return self._policy.clause(number)["text"]

    def clause_units(self, number: int) -> list[str]:
        return list(self._policy.clause(number)["units"])

    def clause(self, ref: int | str) -> Clause | None:
        """A clause (verbatim text, title, units, items as rows) by number or by any common reference (第九条 …)."""
        return self._kb.clause(ref)

    def clauses(self) -> list[Clause]:
        return self._kb.clauses()

    def profile_fields(self) -> dict:
        return self._policy.profile

    def vocabulary_words(self) -> set[str]:
        """Every written form of every vocabulary entry."""
        return {w for _k, _c, forms in self._policy.vocabulary_forms() for w in forms}

    # --- units ----------------------------------------------------------------------------------------------
    def resolve_unit(self, text: str) -> str | None:
        return self._kb.resolve_unit(text)

    def unit(self, text: str) -> UnitClauses:
        return self._kb.unit(text)

    def collective_units(self) -> list[str]:
        return self._kb.collective_units()

    # --- search ---------------------------------------------------------------------------------------------
    def search(self, text: str, limit: int = 5) -> list[Hit]:
        return self._kb.search(text, limit=limit)

    def sentences(self, text: str, limit: int = 3) -> list[Sentence]:
        return self._kb.sentences(text, limit=limit)

    def sentence_frequency(self, word: str) -> int:
        return self._kb.sentence_frequency(word)

    def mentions(self, word: str) -> list[Sentence]:
        return self._kb.mentions(word)


@functools.lru_cache(maxsize=1)
def reader() -> PolicyReader:
    """The read model of the built knowledge base (POLICY_KB_DB, else build/kb.sqlite), opened once and kept."""
    return PolicyReader(os.environ.get("POLICY_KB_DB", DEFAULT_DB))
