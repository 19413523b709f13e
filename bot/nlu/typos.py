"""Common pinyin-input and look-alike typos of the policy's key words, fixed before the parse.

Only same-length replacements, so entity offsets stay valid; each wrong form is a non-word, so a correct message is
never changed. Misspelt unit names are aliases in policy_kb/data/units.yml, not fixes here. Applied by bot.nlu.normalizer after policy_kb.normalize.normalize.
"""

from __future__ import annotations

import re
from typing import Dict

TYPOS: Dict[str, str] = {
    # words of the policy
    "职业医师": "执业医师",
    "执业医生": "执业医师",
    "付高级": "副高级",
    "付高职称": "副高职称",
    "副搞": "副高",
    "正搞": "正高",
    "硕仕": "硕士",
    "博仕": "博士",
    "薄士": "博士",
    "搏士": "博士",
    "博土": "博士",  # 土 for 士: they look alike
    "硕土": "硕士",
    "副高极": "副高级",
    "正高极": "正高级",
    "研究声": "研究生",
    "全日志": "全日制",
    "全日至": "全日制",
    "社工正": "社工证",
    "绿色同道": "绿色通道",
    "头燕": "头雁",
    "编置": "编制",
    "人材": "人才",
    # question words
    "补帖": "补贴",
    "代遇": "待遇",
    "待愚": "待遇",
    "条建": "条件",
    "申情": "申请",
    "职程": "职称",
    "试形": "试行",
}

_RX = re.compile("|".join(re.escape(k) for k in sorted(TYPOS, key=len, reverse=True)))
assert all(len(k) == len(v) for k, v in TYPOS.items()), "typo fixes must keep the length"


def fix_typos(text: str) -> str:
    return _RX.sub(lambda m: TYPOS[m.group(0)], text) if text else text
