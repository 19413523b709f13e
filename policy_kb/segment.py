"""Chinese word segmentation for the KB index and its queries: jieba, taught the KB's own vocabulary.

The same segmenter cuts the clause text when the index is built and the question when it is searched, so both
sides agree on words such as 社会工作师 or 区卫生健康局. Synonyms from vocabulary.yml, everyday.yml and units.yml
expand a query (社工证 → 社会工作师证, 社会工作师 …).
"""

from __future__ import annotations

import functools
import re

import jieba

from .load import load_policy
from .words import entity_terms

jieba.setLogLevel(60)
_WORD = re.compile(r"[\w\u4e00-\u9fff]+")


def synonym_groups(policy=None) -> list[list[str]]:
    """Each group: a canonical value followed by the words that mean it — read through policy_kb.words, the one
    reader the NLU and the self-check share (vocabulary.yml, everyday.yml, units.yml)."""
    if policy is not None and policy is not load_policy():
        return [forms for _kind, _canonical, forms in policy.vocabulary_forms()] + [
            forms for _name, forms in policy.unit_forms()
        ]
    return [forms for values in entity_terms().values() for forms in values.values()]


def kb_words(policy=None) -> list[str]:
    """Every multi-character word the KB names: vocabulary, units, item names, clause titles."""
    policy = policy or load_policy()
    words = {w for g in synonym_groups(policy) for w in g}
    words |= {t["term"] for t in policy.terms}
    return sorted((w for w in words if len(w) > 1 and _WORD.fullmatch(w)), key=lambda w: (-len(w), w))


@functools.lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    for word in kb_words():
        tok.add_word(word, freq=200000)
    return tok


def cut(text: str) -> list[str]:
    """Words of `text` for indexing or search: jieba's search mode, punctuation and spaces dropped."""
    return [w for w in _tokenizer().cut_for_search(text or "") if _WORD.fullmatch(w)]


@functools.lru_cache(maxsize=1)
def _expansions() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for group in synonym_groups():
        for word in group:
            table.setdefault(word, set()).update(group)
    return table


def expand(words: list[str]) -> list[str]:
    """The words plus every synonym of each, in a stable order, without duplicates."""
    table = _expansions()
    out: list[str] = []
    for w in words:
        for x in [w, *sorted(table.get(w, ()))]:
            if x not in out:
                out.append(x)
    return out
