"""The knowledge base, opened once per action-server process and kept."""

from __future__ import annotations

import functools
import os

from policy_kb.load import clause_citation, load_policy
from policy_kb.paths import DEFAULT_DB
from policy_kb.query import KB


@functools.lru_cache(maxsize=1)
def kb() -> KB:
    return KB(os.environ.get("POLICY_KB_DB", DEFAULT_DB))


def policy():
    return load_policy()


def silence(topic: str) -> str:
    """What the document says it does not say (materials, deadlines …), from document.yml."""
    return next(s["note"] for s in policy().document.get("silences", []) if s["topic"] == topic)


def silence_cited(topic: str) -> str:
    """The silence's note, with the clause its quote comes from (found in the text, not typed)."""
    entry = next(s for s in policy().document.get("silences", []) if s["topic"] == topic)
    quote = entry.get("quote")
    clause = next((c for c in policy().clauses if quote and quote in c["text"]), None)
    return entry["note"] + (f"（{clause_citation(clause['number'])}）" if clause else "")
