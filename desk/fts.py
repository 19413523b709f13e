"""Chinese queries → FTS5 expressions, segmented exactly as the knowledge base index is.

The index (policy_kb/build.py) stores `" ".join(cut(text))` for every passage; the KB search
(policy_kb.query.KB.search) cuts the normalized question with the same `cut`, drops stop words, expands synonyms
and ORs the quoted words. These functions do the same for the desk, so `make search q=…` and the desk agree.
Every word is quoted (policy_kb.query.fts_phrase): FTS5 operators typed by a user (NEAR, AND, *, ", ^) are
plain text here, and an empty query becomes `""`, which matches nothing instead of raising.
"""

from __future__ import annotations

from policy_kb.normalize import normalize
from policy_kb.query import STOPWORDS, fts_phrase
from policy_kb.refs import parse_clause_ref
from policy_kb.segment import cut, expand

NOTHING = '""'  # an empty FTS5 phrase: valid, matches no row
MAX_WORDS = 32
MAX_TERMS = 64


def query_words(text: str | None) -> list[str]:
    """The words of a query as the KB search sees them: normalized, cut, stop words out, single characters out
    when longer words exist."""
    words = [w for w in cut(normalize(text or "")) if w not in STOPWORDS]
    longer = [w for w in words if len(w) > 1]
    return (longer or words)[:MAX_WORDS]


def match_any(text: str | None) -> str:
    """The KB search's expression: every word and synonym, ORed (rank with bm25 to put the best first)."""
    terms = expand(query_words(text))[:MAX_TERMS]
    return " OR ".join(fts_phrase(t) for t in terms) or NOTHING


def match_all(text: str | None) -> str:
    """Every word must occur, or one of its synonyms: `("博士" OR "博士研究生" …) AND ("补贴" OR …)`. For filtering.

    Only the longest words count (jieba's search mode also yields 退休, 名师 inside 退休名师; the index holds all
    three for the same text), so a synonym of the whole word (退休教师返聘) is enough to match."""
    words = query_words(text)
    whole = [w for w in words if not any(w != o and w in o for o in words)]
    groups = []
    for word in whole:
        terms = expand([word])[:MAX_TERMS]
        groups.append("(" + " OR ".join(fts_phrase(t) for t in terms) + ")")
    return " AND ".join(groups) or NOTHING


def words_text(text: str | None) -> str:
    """The segmented query, for display: 退休 / 名师 / 退休名师."""
    return " / ".join(query_words(text))


def clause_number(ref: str | None) -> int | None:
    """第九条, 第9条, （九）, 九, 9 … → 9."""
    return parse_clause_ref(str(ref or "")) if ref not in (None, "") else None


def warm_up() -> None:
    """Load jieba and the KB vocabulary once (about a second), before the first visitor."""
    match_all("退休名师")


def unit_name(text: str | None) -> str | None:
    """The responsible unit as the text writes it, for its name or an alias found in `text` (卫健局 → 区卫生健康局),
    longest match first; None if there is none. Same rule as policy_kb.query.KB.resolve_unit."""
    from policy_kb.load import load_policy

    text = normalize(text or "")
    if not text:
        return None
    candidates = [
        (len(name), unit["name"])
        for unit in load_policy().units
        for name in [unit["name"], *(unit.get("aliases") or [])]
        if name and name in text
    ]
    return max(candidates)[1] if candidates else None
