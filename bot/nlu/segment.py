"""Chinese word segmentation shared by the Rasa tokenizer and the spaCy pipeline.

jieba (with the KB user dictionary) cuts the text; then tokens are split wherever a number meets its unit or a
clause reference meets the words around it. jieba alone merges across those boundaries (`60天够`, `第（六）条说`,
`三十五岁`), and an entity that does not start and end on a token boundary cannot be learnt by DIET ("Misaligned
entity annotation") nor matched by a token pattern. Whitespace tokens are dropped (mixed Chinese/English text).

Both the Rasa tokenizer (bot.nlu.tokenizer) and the spaCy pipeline (bot.nlu.spacy_pipeline) call `split_points`, so
the two always agree on token boundaries.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import re
from typing import Iterable, List, Set, Tuple

from policy_kb.shapes import CLAUSE_NUMERAL, CN_NUM_CHARS, CN_SMALL, NUM

logger = logging.getLogger(__name__)

SEGMENTER_VERSION = "2"  # bump when the splitting rules change (part of the tokenizer fingerprint)

CN_NUM = CN_NUM_CHARS
_NUM = NUM
UNITS = ["个年头", "万元", "万块", "千元", "千块", "块钱", "周岁", "岁", "年", "天", "日", "万", "千", "元", "块"]
_UNIT = "|".join(UNITS)

# Each alternative: named groups mark the parts that must start/end on a token boundary.
_ATOMS = [
    # clause references: 第九条 第9条 第（九）条 第(9)条 第九款
    re.compile(rf"(?P<a>第)\s*(?P<lp>[（(])?\s*(?P<n>{CLAUSE_NUMERAL})\s*(?P<rp>[）)])?\s*(?P<u>条|款)"),
    # 条款九
    re.compile(rf"(?P<a>条款)\s*(?P<n>{CLAUSE_NUMERAL})"),
    # （九） — the label form of a clause
    re.compile(rf"(?P<lp>[（(])(?P<n>[{CN_SMALL}]{{1,3}})(?P<rp>[）)])"),
    # 九条 (no 第)
    re.compile(rf"(?<![第\d{CN_SMALL}])(?P<n>[{CN_SMALL}]{{1,3}})(?P<u>条)(?!款)"),
    # a number and its unit: 35岁 三十五周岁 5年 60天 10万元 两万元 0.5万
    re.compile(rf"(?P<n>{_NUM})\s*(?P<u>{_UNIT})"),
    # a Chinese amount without a unit: 十万 两万 五千 一万五
    re.compile(r"(?P<n>[一二两三四五六七八九十百]+[万千][一二两三四五六七八九]?)"),
    # a bare Arabic number (a phone or ID number included)
    re.compile(r"(?P<n>\d+(?:\.\d+)?[Xx]?)"),
]


def split_points(text: str) -> Set[int]:
    """Character offsets at which a token boundary must fall."""
    points: Set[int] = set()
    for rx in _ATOMS:
        for m in rx.finditer(text):
            for name, value in m.groupdict().items():
                if value is None:
                    continue
                points.add(m.start(name))
                points.add(m.end(name))
    return points


def split_tokens(tokens: Iterable[Tuple[str, int]], points: Set[int]) -> List[Tuple[str, int]]:
    """Split (word, start) tokens at the given offsets; drop whitespace-only pieces."""
    out: List[Tuple[str, int]] = []
    for word, start in tokens:
        end = start + len(word)
        cuts = sorted(p for p in points if start < p < end)
        bounds = [start] + cuts + [end]
        for a, b in zip(bounds, bounds[1:]):
            piece = word[a - start : b - start]
            if piece.strip():
                # strip surrounding spaces from a piece but keep its offset right
                lead = len(piece) - len(piece.lstrip())
                out.append((piece.strip(), a + lead))
    return out


def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


_LOADED: Set[str] = set()


def load_user_dictionaries(directory: str) -> None:
    """Load every file of a directory as a jieba user dictionary (once per content)."""
    jieba = _jieba()
    for path in sorted(glob.glob(os.path.join(str(directory), "*"))):
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if digest in _LOADED:
            continue
        jieba.load_userdict(path)
        _LOADED.add(digest)


def directory_hash(directory: str) -> str:
    h = hashlib.sha256()
    for path in sorted(glob.glob(os.path.join(str(directory), "**", "*"), recursive=True)):
        if os.path.isfile(path):
            h.update(os.path.relpath(path, str(directory)).encode())
            with open(path, "rb") as f:
                h.update(f.read())
    return h.hexdigest()[:16]


def tokenize(text: str) -> List[Tuple[str, int]]:
    """(word, start offset) pairs: jieba, then number/unit and clause-reference splits, no whitespace tokens."""
    if not text:
        return []
    jieba = _jieba()
    raw = [(w, s) for (w, s, _e) in jieba.tokenize(text)]
    return split_tokens(raw, split_points(text))
