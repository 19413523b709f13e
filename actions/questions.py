"""One path for every question about the policy: what is asked (the aspects) × what it is about (the subject).

The NLU gives both as entities: `aspect` entities (bot/nlu/aspects.yml) say what is asked — amount, payment, payer,
units, conditions, duration, clause text, where, frequency, a list, metadata, procedure, combining, who decides —
and the KB entities (bot/nlu/entities.py) name the subject: profile facts (→ items through their conditions),
clauses, units, head counts. The intent the classifier chose is one more hint for the aspect, never a gate.

A message may hold several questions ("1. … 2. …", "…？…？"): each part is answered in turn. A part that names no
subject is about the previous topic; a part that asks nothing new asks the previous aspect again ("那硕士呢").
When no item answers, the answer is the best sentences of the verbatim text, cited; when the text never mentions
what is asked, saying so is the answer (document.yml `not_in_text`, each item's `ambiguities`); clause buttons
only when nothing in the text scores.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from bot.nlu.aspects import aspects_of
from policy_kb import compose
from policy_kb.load import CLAUSE_LABELS
from policy_kb.money import MONEY_IN_TEXT
from policy_kb.query import STOPWORDS
from policy_kb.refs import parse_clause_ref, parse_clause_refs
from policy_kb.reply import Reply
from policy_kb.segment import cut, expand
from policy_kb.topics import facts_from_message, items_about, strongest

from .base import facts_from_json, intent_of, jsonable_facts, set_topic, topic_of
from .kb import kb

# The intent's hint, used when the message itself names no aspect.
INTENT_ASPECT = {
    "ask_amount": "amount",
    "ask_conditions": "conditions",
    "ask_payment": "payment",
    "ask_unit": "units",
    "ask_clause_text": "clause_text",
    "ask_unit_clauses": "units",
    "ask_metadata": "metadata",
    "ask_procedure": "procedure",
    "ask_detail": "detail",
}
MONEY_ASPECTS = ("amount", "year_total")
# The kinds of item an intent is about, tried first ("每年选派多少干部" asks for an administration target).
INTENT_KINDS = {"ask_admin_target": ("target",), "ask_measure": ("service", "benefit", "target")}
# Aspects whose answer is a sentence of the text rather than a field of an item.
SENTENCE_ASPECTS = ("frequency", "listing", "consequence", "lead", "clause_text")
CLAUSE_WORD = re.compile(r"第\s*[（(]?\s*(\d{1,3}|[一二三四五六七八九十百]{1,4})\s*[）)]?\s*条")
CLAUSE_NUMBERS = (
    {label: i + 1 for i, label in enumerate(CLAUSE_LABELS)}
    | {f"十{d}": 10 + i + 1 for i, d in enumerate("一二三四五六七八九")}
    | {"二十": 20, "十": 10}
)
MONEY_FIRST = {"benefit": 0, "service": 1, "target": 2}
PART_SPLIT = re.compile(r"[？?；;]|(?:^|\s|[，,。：:])(?:\d|[一二三四])\s*[.、．)）]|另外|还有")
NUMERIC_FACTS = ("age", "contract_years", "days_per_year", "transferred_workers")
PROGRAMME = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:支持计划|计划|工程|政策|项目)")
# Words of a question that say nothing of its subject (asking words; the aspect cues are removed too).
FILLER = {
    "那个",
    "这个",
    "一下",
    "请问",
    "政策",
    "文件",
    "规定",
    "东川",
    "东川区",
    "我们",
    "他们",
    "的话",
    "是不是",
    "怎么",
    "什么",
    "哪些",
    "多少",
    "能不能",
    "可以",
    "需要",
    "问问",
    "咨询",
    "知道",
    "告诉",
    "一个",
    "现在",
    "里面",
    "有没有",
    "没有",
    "就是",
    "还是",
    "或者",
    "以及",
    "区里",
    "这里",
    "那里",
    "哪里",
    "补贴",
    "补助",
    "人才",
    "资金",
    "标准",
    "情况",
    "问题",
    "方面",
    "相关",
    "具体",
    "分别",
    "两个",
    "一起",
    "要求",
    "要是",
    "如果",
    "假如",
    "那么",
    "这样",
    "那样",
    "怎样",
    "一样",
    "已经",
    "刚好",
    "正好",
    "今年",
    "明年",
    "打算",
    "准备",
    "想要",
    "希望",
    "应该",
    "大概",
    "一般",
    "比如",
    "例如",
    "每月",
    "每年",
    "每人",
    "一年",
    "一次",
    "多久",
    "帮我",
    "算一下",
    "下来",
    "到底",
    "自查",
    "测算",
    "申请表",
    "预填",
    "助手",
    "机器人",
    "你好",
    "您好",
}


@dataclass
class Part:
    """One question of a message: its text, entities, aspects and what it is about."""

    text: str
    entities: list
    aspects: list[str]
    clauses: list[int]
    unit: str | None
    facts: dict
    headcount: int | None
    out_of_range: bool = False  # names a clause the document does not have (第十五条)
    items: list = field(default_factory=list)
    inherited: bool = False  # the subject is the previous topic's


# ---------------------------------------------------------------------------------------------------------------
# Understanding: split, then for each part the aspects (NLU) and the subject (NLU entities → KB)


def split_parts(text: str, entities: list[dict]) -> list[tuple[str, list[dict]]]:
    """The message's questions, each with the entities inside it; one part unless several parts ask something."""
    cuts = [0] + [m.end() for m in PART_SPLIT.finditer(text)] + [len(text)]
    spans = [(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip(" ，,。？?；;：:、")]
    parts = [(text[a:b], [e for e in entities if a <= e.get("start", a) < b]) for a, b in spans]
    asking = [p for p in parts if _asks(*p)]
    if len(asking) < 2:
        return by_subject(text, entities)
    # a fragment that asks nothing ("问两个：") joins the next part
    merged: list[tuple[str, list[dict]]] = []
    carry_text: str = ""
    carry_entities: list[dict] = []
    for t, ents in parts:
        carry_text, carry_entities = carry_text + t, carry_entities + ents
        if _asks(t, ents):
            merged.append((carry_text, carry_entities))
            carry_text, carry_entities = "", []
    if carry_text and merged:
        merged[-1] = (merged[-1][0] + carry_text, merged[-1][1] + carry_entities)
    return merged


# Entity types of which a question may name several, each its own subject ("硕士和本科的补贴分别多少").
ONE_OF_EACH = ("degree", "title", "cert_level", "skill_level", "study_result")


def by_subject(text: str, entities: list[dict]) -> list[tuple[str, list[dict]]]:
    """One question naming two values of one kind asks about each: one part per value, the rest shared."""
    for kind in ONE_OF_EACH:
        values = [e for e in entities if e.get("entity") == kind]
        if len({str(e.get("value")) for e in values}) > 1:
            others = [e for e in entities if e.get("entity") != kind]
            parts = []
            for e in values:  # the other values are blanked (same length: offsets stay true)
                t = text
                for o in values:
                    if o is not e and "start" in o:
                        t = t[: o["start"]] + "，" * (o["end"] - o["start"]) + t[o["end"] :]
                parts.append((t, sorted(others + [e], key=lambda x: x.get("start", 0))))
            return parts
    return [(text, entities)]


def _asks(text: str, entities: list[dict]) -> bool:
    """A part asks something: it names an aspect, or it names a subject and ends as a question (…的呢, …吗)."""
    if any(e.get("entity") == "aspect" for e in entities):
        return True
    return bool(entities) and bool(re.search(r"[呢吗][\s？?。]*$", text))


def clauses_named(text: str, entities: list[dict]) -> list[int]:
    """Every clause the message names (NLU clause entities, then every reference in the text), in order."""
    numbers = []
    for e in entities:
        if e.get("entity") == "clause":
            try:
                numbers.append(int(e["value"]))
            except (TypeError, ValueError):
                pass
    numbers += parse_clause_refs(text)
    return [n for n in dict.fromkeys(numbers) if 1 <= n <= kb().clause_count()]


def understand(text: str, entities: list[dict], intent: str) -> Part:
    aspects = aspects_of(entities)
    if not aspects and intent in INTENT_ASPECT:
        aspects = [INTENT_ASPECT[intent]]
    unit = next((e["value"] for e in entities if e.get("entity") == "unit"), None) or kb().resolve_unit(text)
    headcount = next((int(e["value"]) for e in entities if e.get("entity") == "headcount"), None)
    facts = facts_from_message(text, entities)
    refs = [int(n) if n.isdigit() else CLAUSE_NUMBERS.get(n, 0) for n in CLAUSE_WORD.findall(text)]
    out_of_range = any(n > kb().clause_count() for n in refs)
    return Part(text, entities, aspects, clauses_named(text, entities), unit, facts, headcount, out_of_range)


# Entities that name a thing (an item's measure, a group) rather than a fact about a person.
NAMING_ENTITIES = ("measure", "talent_group", "unit", "sector")


def content_words(part: Part, without_facts: bool = False) -> list[str]:
    """The words of the part that may name its subject: not aspect cues, not fillers; `without_facts` also drops
    the words the facts came from (博士, 中级职称), leaving the words that name an item beyond them."""
    spans = [
        (e["start"], e["end"])
        for e in part.entities
        if "start" in e and (e.get("entity") == "aspect" or (without_facts and e.get("entity") not in NAMING_ENTITIES))
    ]
    text = part.text
    for a, b in sorted(spans, reverse=True):
        if b <= len(text):
            text = text[:a] + "，" + text[b:]
    words = [w for w in cut(text) if w not in STOPWORDS]
    words += [str(e["value"]) for e in part.entities if e.get("entity") in ("measure", "talent_group")]
    words = QUOTED.findall(part.text) + words  # a term in quotes is asked as written: “大岗位制”
    return [w for w in dict.fromkeys(words) if len(w) > 1 and w not in FILLER and not w.isdigit()]


def rare_words(part: Part, most: int = 4) -> list[str]:
    """Content words the policy writes in at most `most` sentences: words that name a subject (县管校聘, 末位)."""
    return [w for w in content_words(part) if 0 < kb().sentence_frequency(w) <= most]


def _item_text(item: dict) -> str:
    return "，".join(
        x for x in (item["name"], (item.get("target") or {}).get("text"), (item.get("measure") or {}).get("text")) if x
    )


def items_named(words: list[str], kinds) -> list[tuple[dict, float]]:
    """Items whose name, target or measure writes the question's words, rare words weighing more (IDF)."""
    items = [i for i in kb().items() if i["kind"] in kinds]
    texts = {i["id"]: _item_text(i) for i in kb().items()}
    n = len(texts)
    scored = []
    for item in items:
        t = texts[item["id"]]
        score = 0.0
        for w in words:
            forms = expand([w])
            if any(f in t for f in forms):
                score += math.log(1 + n / max(1, sum(1 for x in texts.values() if any(f in x for f in forms))))
        if score:
            scored.append((item, score))
    scored.sort(key=lambda p: (-p[1], MONEY_FIRST[p[0]["kind"]]))
    return scored


ALL_KINDS = ("benefit", "service", "target")


def _named_score(part: Part, item: dict) -> float:
    return next(
        (sc for i, sc in items_named(content_words(part, without_facts=True), ALL_KINDS) if i["id"] == item["id"]), 0.0
    )


def resolve(part: Part, kinds=ALL_KINDS, min_score: float = 4) -> list[dict]:
    """The items the part is about: its facts through the items' conditions, unless the words name an item more
    precisely (企业…职业院校…技能培训 → that item, not every 企业 item); else the clauses named."""
    by_facts = strongest(items_about(part.facts, kinds)) if part.facts else []
    words = content_words(part, without_facts=True)
    named = items_named(words, kinds)
    if named:
        best = named[0][1]
        top = [i for i, s in named if s >= 0.75 * best]
        fact_best = max((s for i, s in named if i in by_facts), default=0.0)
        text = _item_text(named[0][0])
        matched = sum(1 for w in words if any(f in text for f in expand([w])))
        # against the facts, one rare word is not enough (申请 names no item): the words must name it twice
        if len(top) <= 4 and best >= min_score and (not by_facts or (fact_best < 0.4 * best and matched >= 2)):
            return top
    if by_facts:
        return by_facts
    if part.clauses:
        items = [i for n in part.clauses for i in kb().clause_items(n) if i["kind"] in kinds]
        return sorted(items, key=lambda i: (MONEY_FIRST[i["kind"]], not i.get("amount")))
    return []


# ---------------------------------------------------------------------------------------------------------------
# Answers, one per aspect; each cites its clause

QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,12})[”\"」』]")
# Words that mark the sentence answering an aspect: it goes first ("多久评一次" → the sentence with 届).
ANSWER_MARKS = {
    "frequency": ("届", "每年", "每两年", "年度", "一年一", "常态化", "定期"),
    "lead": ("牵头", "审定", "负责", "组织"),
    "consequence": ("不得", "取消", "淘汰", "调整"),
    "listing": ("、",),
    "amount": ("万元", "元"),
}
UNITS_TAIL = re.compile(r"\s*[（〔(]责任单位[^）〕)]*[）〕)]\s*")


def _quote(sentence) -> str:
    text = re.sub(UNITS_TAIL.pattern + "$", "", sentence.text).strip()
    return f"{compose.cite(sentence.clause)}原文：“{text}”"


def sentence_answer(part: Part, limit: int = 2) -> str:
    """The best one or two verbatim sentences for the part's words (and its topic's), cited; '' when none."""
    words = content_words(part)
    if not words:
        return ""
    hits = [
        s
        for s in kb().sentences(part.text, limit=6)
        if any(w in s.text for w in words) and not UNITS_TAIL.fullmatch(s.text)
    ]
    if not hits:
        return ""
    marks = [m for a in part.aspects for m in ANSWER_MARKS.get(a, ())]
    if marks:  # among the sentences about the subject, the one that answers what is asked comes first
        top = hits[0].score
        hits.sort(key=lambda s: (not (s.score >= 0.5 * top and any(m in s.text for m in marks)), -s.score))
    best = hits[0]
    chosen = [best] + [s for s in hits[1:] if s.clause == best.clause and s.score >= 0.5 * best.score][: limit - 1]
    return "\n".join(_quote(s) for s in chosen)


def where_answer(part: Part) -> tuple[str, int | None]:
    """'X 在哪几条': every clause that writes the part's rarest word, with the sentence; (reply, first clause)."""
    words = [w for w in content_words(part) if kb().sentence_frequency(w)]
    if not words:
        return "", None
    quoted = [w for w in QUOTED.findall(part.text) if w in words]
    words.sort(key=lambda w: (w not in quoted, kb().sentence_frequency(w), -len(w)))
    rare = words[0]
    found = [x for x in kb().mentions(rare) if not UNITS_TAIL.fullmatch(x.text)]
    if not found:
        return "", None
    head = f"“{rare}”出现在" + "、".join(compose.cite(s.clause) for s in found) + "："
    return head + "\n" + "\n".join(_quote(s) for s in found[:4]), found[0].clause


def units_answer(part: Part, items: list[dict]) -> Reply | str:
    """The responsible units of the clauses named, or of the items' clauses; a unit named → its clauses."""
    if part.unit and not items and not part.clauses:
        return compose.unit_reply(part.unit)
    numbers = part.clauses or sorted({compose.clause_number(i) for i in items[:3]})
    return compose.units_by_clause_reply(numbers) if numbers else ""


def amount_answer(part: Part, items: list[dict], facts: dict) -> Reply | str:
    money = [i for i in items if compose.amount_text(i)]
    if not money:  # what is asked is a sum the text does not give
        return compose.no_amount_reply(items)
    lines = []
    count = part.headcount or facts.get("transferred_workers")
    for item in money[:3]:
        if count and (item.get("amount") or {}).get("rate") is not None:
            verdict = compose.verdict_lines([item], {**facts, "transferred_workers": count})
            if verdict and verdict[0].startswith("不符合"):
                lines.append(verdict[0])
            else:
                lines.append(f"{compose.cite(item)} {compose.schedule_text(item, count=count)}。")
    if not count:  # 66岁 asking the sum of an item for 63 and under: not his (a head count is told above)
        lines += compose.number_verdict_lines(money, facts)
    if "year_total" in part.aspects:
        for item in money[:3]:
            sched = compose.schedule_text(item, always=True)
            if sched:
                lines.append(f"{compose.cite(item)} {item['name']}：{sched}。")
    reply = compose.amount_reply(money)
    reply.lines[:0] = [("verdict", line) for line in lines]
    return reply


def not_in_text(part: Part) -> Reply | str:
    """A commonly asked thing the text never mentions (document.yml not_in_text): say so, then the nearest items."""
    for entry in kb().not_in_text():
        if any(w in part.text for w in entry["asked_as"]):
            return compose.not_in_text_reply(entry)
    return ""


def other_programme(part: Part) -> str:
    """'兴滇英才支持计划给多少钱': the amount of another programme, which this document does not set. Its entrants
    may be a group this document names (省级人才计划入选者): say so, without an amount."""
    if any(w in part.text for w in ("入选", "我是", "我们", "他是", "她是", "获得", "评上")):
        return ""
    programmes = [e for e in part.entities if e.get("entity") == "talent_programme"]
    if not programmes or not any(a in MONEY_ASPECTS for a in part.aspects):
        return ""
    e = programmes[0]
    m = PROGRAMME.match(part.text, e.get("start", 0))
    if not m or m.group(0) in kb().source_text():
        return ""  # the programme named is one this document writes (省级人才计划)
    items = strongest(items_about({"talent_programme": e["value"]}, ("benefit",)))
    return compose.other_programme_text(m.group(0), e["value"], items)


MAX_ECHO_CHARS = 12  # a word said back is cut short: a pasted wall of text is not repeated to its sender


def unknown_words_answer(part: Part) -> str:
    """The words that name the subject, none of them in the text: say that the text does not mention them."""
    words = content_words(part)
    vocabulary = kb().vocabulary_words()
    surfaces = [part.text[e["start"] : e["end"]] for e in part.entities if "start" in e and e.get("entity") != "aspect"]
    absent = [
        w
        for w in words
        if not kb().sentence_frequency(w)
        and w not in vocabulary
        and not any(w in x for x in surfaces)
        and w[0] not in "万元千百亿"
    ]
    present = [w for w in words if kb().sentence_frequency(w) and kb().sentence_frequency(w) <= 3]
    programme = any(re.search(re.escape(w) + r"[\u4e00-\u9fff]{0,4}(?:计划|工程|政策|项目)", part.text) for w in absent)
    if absent and (not present or programme):
        return compose.not_mentioned_text(
            [w if len(w) <= MAX_ECHO_CHARS else w[:MAX_ECHO_CHARS] + "…" for w in absent[:3]]
        )
    return ""


# ---------------------------------------------------------------------------------------------------------------


def answer_part(part: Part, topic: dict, intent: str) -> tuple[Reply | str, dict]:
    """(reply, topic) for one question; an empty reply when nothing in the knowledge base answers it."""
    aspects = part.aspects
    old_facts = facts_from_json(topic.get("facts"))
    named_subject = bool(part.facts or part.clauses or part.unit or rare_words(part))
    topic_items = [kb().item(i) for i in topic.get("items") or []]
    follow = (
        not aspects
        and topic
        and (
            intent == "follow_up"
            or part.text.rstrip("？?。 ").endswith("呢")
            or not named_subject
            or part.headcount is not None
        )
    )
    if not aspects and topic:
        aspects = list(topic.get("aspects") or [INTENT_ASPECT.get(topic.get("intent") or "", "amount")])
    facts = dict(part.facts)
    if part.headcount is not None:
        facts["transferred_workers"] = part.headcount
    if "cert_level" in {e.get("entity") for e in part.entities} and "certificates" not in facts:
        level = next(e["value"] for e in part.entities if e.get("entity") == "cert_level")
        if any(str(c).startswith("社会工作师") for c in old_facts.get("certificates") or []):
            facts["certificates"] = {f"社会工作师{level}"}  # "高级呢" after a question on the 初级 certificate

    if "metadata" in aspects and not part.facts and not part.clauses:
        return compose.metadata_reply(), {}
    if "structure" in aspects and not any(a in MONEY_ASPECTS for a in aspects):
        return compose.structure_reply(), {}
    trap = not_in_text(part)
    if trap:
        return trap, {"aspects": aspects}
    if part.out_of_range:
        return compose.out_of_range_text(), {}
    other = other_programme(part)
    if other:
        return other, {}
    named_facts = [k for k in part.facts if k not in NUMERIC_FACTS]
    if (
        not named_facts
        and not part.clauses
        and not part.unit
        and not follow
        and not topic_items
        and not topic.get("clause")
    ):
        unknown = unknown_words_answer(part)
        if unknown:
            return unknown, {}
    if "combine" in aspects:
        items = [i for i, _ in items_about(part.facts, ("benefit",))][:4] if part.facts else []
        items = items or resolve(part, ("benefit",)) or topic_items
        lines = [kb().silence("combine")] + [compose.item_line(i) for i in items[:4]]
        return "\n".join(lines), {"items": [i["id"] for i in items[:3]], "aspects": aspects}
    if "units" in aspects and (part.clauses or part.unit):
        reply = units_answer(part, [])
        if reply:
            return reply, {"clause": part.clauses[0] if part.clauses else None, "aspects": aspects}
    if "where" in aspects and part.unit and not part.clauses and not rare_words(part):
        return compose.unit_reply(part.unit), {"aspects": aspects}
    if "where" in aspects and not part.clauses:
        reply, clause = where_answer(part)
        if reply:
            return reply, {"clause": clause, "aspects": aspects}
    if "clause_text" in aspects and part.clauses:
        return "\n".join(compose.clause_reply(n) for n in part.clauses), {"clause": part.clauses[0], "aspects": aspects}
    if "procedure" in aspects:
        # only a subject the message names picks items: generic words (申请, 时间) name none
        named = any(e.get("entity") != "aspect" for e in part.entities)
        items = (resolve(part) if named else []) or topic_items
        numbers = sorted({compose.clause_number(i) for i in items[:3]}) or (
            [topic["clause"]] if topic.get("clause") else []
        )
        notes = [kb().silence("deadline")] if any(w in part.text for w in ("时间", "截止", "什么时候", "期限")) else []
        notes.append(kb().silence("materials"))
        return compose.procedure_reply(notes, numbers), {"items": [i["id"] for i in items[:3]], "aspects": aspects}

    # the subject: the part's own, or (a follow-up, or nothing named) the previous topic's
    kinds = (
        ("benefit",) if any(a in MONEY_ASPECTS + ("payment",) for a in aspects) else ("benefit", "service", "target")
    )
    if follow and facts and topic_items:
        replaced = set(facts) & set(old_facts)
        if not replaced:  # new facts about the same subject: check them against it
            merged = {**old_facts, **facts}
            verdicts = compose.verdict_lines(topic_items, merged)
            if any(v.startswith("不符合") for v in verdicts) or not any(a in MONEY_ASPECTS for a in aspects):
                if verdicts:
                    return "\n".join(verdicts), {**topic, "facts": jsonable_facts(merged)}
            facts = merged
        else:
            facts = {**old_facts, **facts}
    elif "eligibility" in aspects and facts and topic_items:
        verdicts = compose.verdict_lines(topic_items, {**old_facts, **facts})
        if any(v.startswith("不符合") for v in verdicts):
            return "\n".join(verdicts), {**topic, "facts": jsonable_facts({**old_facts, **facts})}
    part.facts = facts
    items = (
        (resolve(part, INTENT_KINDS[intent], min_score=2) if intent in INTENT_KINDS else [])
        or resolve(part, kinds)
        or (resolve(part) if kinds != ("benefit", "service", "target") else [])
    )
    if kinds != ALL_KINDS and items:  # the words may name an item of another kind outright (专项基金初始资金)
        every = resolve(part, ALL_KINDS)
        if every and every[0]["kind"] not in kinds and _named_score(part, every[0]) > 2 * _named_score(part, items[0]):
            items = every
    if not items and (follow or not named_subject) and topic_items:
        items, part.inherited = topic_items, True
        facts = {**old_facts, **facts}
    if not items and not named_subject and topic.get("clause"):
        part.clauses = [int(topic["clause"])]
        if "units" in aspects:
            return units_answer(part, []), {**topic, "aspects": aspects}
        items = [i for i in kb().clause_items(part.clauses[0])]
    new_topic = {
        "items": [i["id"] for i in items[:3]],
        "facts": jsonable_facts(facts),
        "aspects": aspects,
        "clause": compose.clause_number(items[0]) if items else (part.clauses[0] if part.clauses else None),
    }

    if any(a in SENTENCE_ASPECTS for a in aspects) or ("where" in aspects) or not items:
        if (
            "lead" in aspects
            or not items
            or any(a in ("frequency", "consequence") for a in aspects)
            or ("listing" in aspects and not part.facts)
            or ("clause_text" in aspects and not part.clauses)
        ):
            reply = sentence_answer(part if not part.inherited else _with_topic_words(part, items))
            if "lead" in aspects and items:
                notes = compose.ambiguity_notes(items, ("由谁认定", "谁认定", "认定标准", "认定机构", "由谁"))
                flags = [
                    f"{compose.cite(i)} 原文写有“{d['flag']}”，未写明由哪个单位认定。"
                    for i in items[:2]
                    for d in i.get("discretion") or []
                    if "认定" in d["flag"]
                ]
                said = "\n".join(dict.fromkeys(notes or flags))
                if said:
                    reply = said + "\n" + (reply or as_text(units_answer(part, items)))
            if reply:
                if any(a in MONEY_ASPECTS for a in aspects) and not MONEY_IN_TEXT.search(reply):
                    reply = "原文未写明具体金额或标准，相关原文如下：\n" + reply
                new_topic["clause"] = new_topic["clause"] or _first_clause(reply)
                return reply, new_topic
    if not items:
        return "", new_topic
    if "decide" in aspects:  # how a range is settled or by what assessment: the item's own notes on it
        notes = compose.ambiguity_notes(items, ("如何确定", "确定", "考核", "认定", "标准", "由谁"))
        if notes:
            return "\n".join(dict.fromkeys(notes)), new_topic
    if "units" in aspects:
        return units_answer(part, items), new_topic
    if "payer" in aspects:
        return compose.payer_reply(items), new_topic
    if "payment" in aspects:
        return compose.payment_reply(items), new_topic
    if "duration" in aspects:
        reply = compose.duration_reply(items) or sentence_answer(part)
        if reply:
            return reply, new_topic
    if "detail" in aspects:
        return compose.detail_reply(items), new_topic
    if "age" in aspects and "conditions" not in aspects:
        aspects = aspects + ["conditions"]
    if ("conditions" in aspects or "duration" in aspects) and not any("conditions" in i for i in items[:3]):
        reply = sentence_answer(part if not part.inherited else _with_topic_words(part, items))
        if reply:
            return reply, new_topic
    if "conditions" in aspects or ("eligibility" in aspects and not any(a in MONEY_ASPECTS for a in aspects)):
        about_age = "age" in aspects
        if "eligibility" in aspects:
            verdicts = compose.verdict_lines(items, facts) if facts else []
        else:  # not asked whether: said only where the facts told already fail by a number
            verdicts = compose.number_verdict_lines(items, facts)
        reply = compose.conditions_reply(items, about_age)
        reply.lines[:0] = [("verdict", line) for line in verdicts]
        return reply, new_topic
    if (
        items[0]["kind"] != "benefit"
        and not compose.amount_text(items[0])
        and not any(a in MONEY_ASPECTS for a in aspects)
    ):
        return "\n".join(compose.item_line(i) for i in items[:3]) + "\n" + compose.units_line(
            sorted({compose.clause_number(i) for i in items[:3]})
        ), new_topic
    return amount_answer(part, items, facts), new_topic


def _with_topic_words(part: Part, items: list[dict]) -> Part:
    """A follow-up names no subject: search the sentences with the topic's item names added."""
    text = part.text + "，" + "，".join(i["name"] for i in items[:2])
    return Part(text, part.entities, part.aspects, part.clauses, part.unit, part.facts, part.headcount)


def _first_clause(reply: str) -> int | None:
    return parse_clause_ref(reply)


ASPECT_LABELS = {
    "amount": "金额",
    "year_total": "一年合计",
    "payment": "发放方式",
    "payer": "资金由谁承担",
    "units": "责任单位",
    "lead": "由谁牵头或认定",
    "conditions": "条件",
    "age": "年龄条件",
    "duration": "服务期或工作时间",
    "eligibility": "能否享受",
    "clause_text": "原文",
    "where": "在哪一条",
    "frequency": "多久一次",
    "listing": "有哪些",
    "metadata": "文件信息",
    "procedure": "申请办法",
    "combine": "能否同时享受",
    "consequence": "结果如何",
    "structure": "文件结构",
    "decide": "如何确定",
}


def understood(entities: list[dict]) -> str:
    """What was understood of a message nothing answers: the aspects asked, said back, or ''."""
    labels = [ASPECT_LABELS[a] for a in aspects_of(entities) if a in ASPECT_LABELS]
    if not labels:
        return ""
    return f"我理解您问的是“{'、'.join(dict.fromkeys(labels))}”，但没能确定是哪一项待遇或哪一条。"


def asks_money_of_nothing(text: str, entities: list[dict]) -> bool:
    """'有什么补贴': money is asked and nothing is named — the overview of the benefits answers it."""
    part = understand(text, entities, "")
    return any(a in MONEY_ASPECTS + ("listing", "payment") for a in part.aspects) and not (
        part.facts or part.clauses or part.unit or content_words(part)
    )


def speaks_of_the_text(text: str, entities: list[dict]) -> bool:
    """Every subject word of the message is written in the policy, and one of them is rare there (末位, 县管校聘):
    a question the classifier put out of scope that the text does answer."""
    part = understand(text, entities, "")
    words = content_words(part)
    vocabulary = kb().vocabulary_words()
    frequencies = [kb().sentence_frequency(w) for w in words]
    if not words or any(f == 0 and w not in vocabulary for w, f in zip(words, frequencies)):
        return False
    return any(0 < f <= 3 for f in frequencies)


def as_text(reply: Reply | str) -> str:
    return reply if isinstance(reply, str) else compose.text(reply)


def as_reply(reply: Reply | str, topic: dict) -> Reply:
    """A reply written as sentences (a quote, a silence, the units) becomes a Reply citing the topic's clause."""
    if isinstance(reply, Reply):
        return reply
    clause = topic.get("clause")
    return compose.text_reply((topic.get("aspects") or ["sentences"])[0], reply, [int(clause)] if clause else [])


def answer(tracker, text: str, entities: list[dict]) -> tuple[Reply | None, list]:
    """The reply to a message and the topic event; None when nothing answers (the caller falls back)."""
    topic = topic_of(tracker)
    intent = intent_of(tracker)
    replies, last = [], topic
    for n, (part_text, part_entities) in enumerate(split_parts(text, entities)):
        # the intent was chosen for the whole message: it hints the first part's aspect; later parts that name
        # no aspect ask the previous part's again ("…有年龄要求吗？本科的呢？")
        part = understand(part_text, part_entities, intent if n == 0 else "")
        reply, new_topic = answer_part(part, last, intent)
        if reply:
            replies.append(as_reply(reply, new_topic))
            last = {**new_topic, "intent": intent}
    if not replies:
        return None, []
    return compose.join(replies), [
        set_topic(
            last.get("intent") or intent,
            [kb().item(i) for i in last.get("items") or []],
            facts_from_json(last.get("facts")),
            last.get("clause"),
            aspects=last.get("aspects") or [],
        )
    ]
