"""A scripted working week of the assistant: 50 conversations through the REST channel, with what each one must
leave in the console — the clause and benefit asked about, the self-check verdicts, the near-misses, the messages
it could not answer. The expected figures below are what this script sends, counted by hand from SCRIPT."""

from __future__ import annotations

from collections import Counter

from bot.serve import post
from tests.e2e.flows import NEW_PHONE, OLD_PHONE, TEST_ID, fill_application

# (messages, clause asked about, benefit asked about) — one conversation each, repeated `times`.
QUESTIONS = [
    (["博士能拿多少补贴"], 2, "c02-phd", 4),
    (["硕士研究生的生活补贴是多少"], 2, "c02-master", 3),
    (["返聘的退休名校长生活补贴最高多少"], 9, "c09-retired-famous-educators", 3),
    (["乡镇卫生院中级职称每月补多少"], 10, "c10-township-health-intermediate", 3),
    (["拿到高级社会工作师证有多少补助"], 11, "c11-social-worker-senior", 2),
    (["第十一条原文"], 11, None, 1),
    (["在职读了硕士拿到双证补多少"], 6, "c06-master-double-certificate", 2),
]
# The policy is silent on deadlines: "the text does not say".
SILENT = [(["申请截止时间是什么时候"], 2)]  # (messages, times)
# (messages, the latest self-check's verdicts {item: 符合/不符合/尚需确认}, near-misses [(condition, gap, item)], times)
SELF_CHECKS = [
    (["我36岁，全日制硕士"], {"c02-master": "不符合"}, [("35周岁及以下", 1, "c02-master")], 5),
    (["我37岁，全日制硕士研究生"], {"c02-master": "不符合"}, [("35周岁及以下", 2, "c02-master")], 3),
    (
        ["我41岁，全日制博士研究生"],
        {"c02-phd": "不符合", "c01-flexible-talent": "尚需确认"},
        [("40周岁及以下", 1, "c02-phd")],
        2,
    ),
    (
        ["我39岁，全日制博士研究生，打算去东川的医院工作"],
        {"c02-phd": "尚需确认", "c01-flexible-talent": "尚需确认"},
        [],
        3,
    ),
    # a correction: the latest check counts, and the correction goes to the inbox
    (["我34岁，全日制硕士", "我说错了，是36岁"], {"c02-master": "不符合"}, [("35周岁及以下", 1, "c02-master")], 2),
]
# Messages the assistant cannot understand (fallback) or that are out of scope.
FALLBACKS = [("火星上有补贴吗", 3), ("我想吃火锅", 3)]
OUT_OF_SCOPE = [("帮我订一张去北京的机票", 2), ("股票怎么买", 2)]
# A village doctor's self-check and application with an ID number and a phone (corrected once).
APPLICATIONS = 5
APPLICATION_VERDICTS = {"c10-village-doctor-assistant-gp": "符合", "c10-village-doctor-physician": "不符合"}
PERSONAL = [TEST_ID, OLD_PHONE, NEW_PHONE]


def conversations() -> list[list[str]]:
    out = []
    for messages, _clause, _item, times in QUESTIONS:
        out += [messages] * times
    for messages, times in SILENT:
        out += [messages] * times
    for messages, _v, _n, times in SELF_CHECKS:
        out += [messages] * times
    for text, times in FALLBACKS + OUT_OF_SCOPE:
        out += [[text]] * times
    return out


def total() -> int:
    return len(conversations()) + APPLICATIONS


def expected_clauses() -> Counter:
    c = Counter()
    for _m, clause, _item, times in QUESTIONS:
        c[clause] += times
    return c


def expected_benefits() -> Counter:
    c = Counter()
    for _m, _clause, item, times in QUESTIONS:
        if item:
            c[item] += times
    return c


def expected_verdicts() -> Counter:
    c = Counter()
    for _m, verdicts, _n, times in SELF_CHECKS:
        for item, verdict in verdicts.items():
            c[(item, verdict)] += times
    for item, verdict in APPLICATION_VERDICTS.items():
        c[(item, verdict)] += APPLICATIONS
    return c


def expected_near_misses() -> Counter:
    c = Counter()
    for _m, _v, near, times in SELF_CHECKS:
        for key in near:
            c[key] += times
    return c


def expected_unanswered() -> Counter:
    return Counter(
        {
            "未能理解": sum(t for _x, t in FALLBACKS),
            "超出范围": sum(t for _x, t in OUT_OF_SCOPE),
            "政策未写明": sum(t for _x, t in SILENT),
        }
    )


def run(url: str) -> dict:
    """Send the script; returns every reply text by conversation (the download links included)."""
    replies: dict[str, list[str]] = {}

    def asker(sender):
        def ask(text):
            answer = "\n".join(m.get("text") or "" for m in post(url, {"sender": sender, "message": text}))
            replies.setdefault(sender, []).append(answer)
            return answer

        return ask

    for n, messages in enumerate(conversations()):
        ask = asker(f"week-{n:02d}")
        for text in messages:
            ask(text)
    for n in range(APPLICATIONS):
        fill_application(asker(f"apply-{n}"))
    return replies
