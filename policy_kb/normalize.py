"""Normalize what people type before it is parsed or searched.

Traditional → simplified (OpenCC), full-width → half-width for ASCII letters, digits and common punctuation,
emoji and control characters dropped, whitespace folded, a length cap. Chinese punctuation that the policy itself
uses (，。（）“”) is kept, so quotes still match the verbatim text.
"""

from __future__ import annotations

import functools
import re
import unicodedata

MAX_CHARS = 500

# Full-width ASCII range FF01–FF5E maps to 0021–007E; but keep the CJK brackets and comma the document uses.
_KEEP_FULLWIDTH = set("（），：；！？")
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULLWIDTH}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


@functools.lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC  # opencc-python-reimplemented

    return OpenCC("t2s")


def _is_dropped(ch: str) -> bool:
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in "\n\t":
        return True
    if cat == "So" and ch not in "★":  # emoji and pictographs
        return True
    return cat == "Sk" and ord(ch) >= 0x1F000  # skin-tone modifiers


def normalize(text: str | None, max_chars: int = MAX_CHARS) -> str:
    """Return the text as the parser and the search should see it. Never raises on str or None."""
    if not text:
        return ""
    out = str(text)[: max_chars * 4]
    out = "".join(ch for ch in out if not _is_dropped(ch))
    out = str(_converter().convert(out.translate(_FULLWIDTH)))
    out = re.sub(r"\s+", " ", out).strip()
    return out[:max_chars]
