"""Is a message written in a language other than Chinese? For the fallback reply "请用中文提问" (with an example).

English questions about the policy are trained (nlu_data/*: "How much does a PhD get?" → ask_amount with
degree=博士), so most reach the right answer; a message the NLU cannot place (nlu_fallback) and that has no
Chinese in it should get `ASK_IN_CHINESE` rather than a generic fallback.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")

ASK_IN_CHINESE = "请用中文提问，例如：“博士能拿多少补贴？”（Please ask in Chinese, e.g. “博士能拿多少补贴？”）"


def is_foreign(text: str) -> bool:
    """True when the text has Latin letters and no Chinese character (PhD来东川 is Chinese)."""
    text = text or ""
    return bool(_LATIN.search(text)) and not _CJK.search(text)
