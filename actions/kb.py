"""The knowledge base, opened once per action-server process and kept."""
from __future__ import annotations

import functools
import os

from policy_kb.load import load_policy
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
