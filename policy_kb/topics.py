"""What a question is about: words or NLU entities → profile facts → the items whose conditions speak to them.

"乡村医生" → {roles: {在岗乡村医生}} → the items whose conditions test that role. The link from a word to an item
is the item's own condition tree, so a new item is found without touching this module.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from .conditions import MET, UNKNOWN, UNMET, evaluate
from .load import load_policy
from .profile import EXCLUDED, ProfileError, coerce, fields
from .statements import facts as stated_facts
from .statements import mark

# How an entity (type, canonical value) becomes a profile fact. Types whose values are profile values map 1:1.
DIRECT = {
    "degree": "degree",
    "title": "title_level",
    "skill_level": "skill_level",
    "talent_programme": "talent_programme",
    "school_tier": "school_tier",
    "gender": "gender",
    "study_result": "study_result",
    "age": "age",
    "years": "contract_years",
    "days": "days_per_year",
    "headcount": "transferred_workers",
}
SET_FIELDS = {"role": "roles"}
SPECIAL: dict[tuple[str, str], dict] = {
    ("full_time", "全日制"): {"full_time": True},
    ("full_time", "非全日制"): {"full_time": False},
    ("talent_group", "柔性人才"): {"employment": "柔性"},
    ("talent_group", "政府特殊津贴"): {"special_allowance": True},
    ("certificate", "执业医师"): {"certificates": {"执业医师资格", "注册执业医师"}},
    ("certificate", "助理全科医师"): {"certificates": {"注册助理全科医师"}},
}


def facts_from_entities(entities: list[dict]) -> dict:
    """Profile facts from NLU entities ({entity, value}); values that are not valid profile values are skipped."""
    facts: dict = {}
    cert_level = next((e["value"] for e in entities if e.get("entity") == "cert_level"), None)
    # 中级社会工作师证: a level word written just before the certificate is the certificate's level, not a 职称.
    certificate_starts = {
        e.get("start")
        for e in entities
        if e.get("entity") == "certificate" and e.get("value") == "社会工作师" and e.get("start") is not None
    }
    before = [
        e
        for e in entities
        if e.get("entity") == "title"
        and e.get("end") is not None
        and e["end"] in certificate_starts
        and e.get("value") in ("初级", "中级", "高级")
    ]
    if before:
        cert_level = cert_level or before[0]["value"]
        entities = [e for e in entities if e not in before]
    for e in entities:
        kind, value = str(e.get("entity")), str(e.get("value", "")).strip()
        if e.get("role") == "not":
            continue  # a denied fact (不是双一流) is read by policy_kb.statements
        if (kind, value) in SPECIAL:
            for k, v in SPECIAL[(kind, value)].items():
                if isinstance(v, set):
                    facts.setdefault(k, set()).update(v)
                else:
                    facts[k] = v
        elif kind == "certificate" and value == "社会工作师":
            levels = [cert_level] if cert_level else ["初级", "中级", "高级"]
            if cert_level:
                facts.setdefault("certificates", set()).update(f"社会工作师{lv}" for lv in levels)
            else:
                facts["_social_worker"] = True  # any level: matched below without fixing one
        elif kind in DIRECT:
            try:
                facts[DIRECT[kind]] = coerce(DIRECT[kind], value)
            except ProfileError:
                continue
        elif kind in SET_FIELDS and value in fields()[SET_FIELDS[kind]]["values"]:
            facts.setdefault(SET_FIELDS[kind], set()).add(value)
    return facts


def facts_from_message(text: str, entities: list[dict]) -> dict:
    """facts_from_entities, plus what only the whole sentence says: “硕士…双证” is the 硕士双证 study result; denied
    facts, levels and everyday words (policy_kb.statements) become facts or exclusions."""
    return with_double_certificate(text, stated_facts(text, mark(text, entities), facts_from_entities))


def with_double_certificate(text: str, facts: dict, told: dict | None = None) -> dict:
    """“硕士…双证”, “在职读博，学历和学位两个证”: the degree studied for while in post, with both certificates
    (profile.yml `both_certificates`), is the 硕士双证 or 博士双证 study result. The degree is the one this text
    names (even where a longer word took its characters: 在职读博), else the one `told` before."""
    facts = dict(facts)
    words = fields()["study_result"].get("both_certificates") or []
    if "study_result" in facts or not any(w in text for w in words):
        return facts
    degree = facts.get("degree") or _postgraduate_degree_in(text) or (told or {}).get("degree")
    if degree in POSTGRADUATE:
        facts.pop("degree", None)
        facts["study_result"] = f"{degree}双证"
    return facts


POSTGRADUATE = ("博士", "硕士")


def _postgraduate_degree_in(text: str) -> str | None:
    """博士 or 硕士 where one of its vocabulary words stands in the text, whatever overlaps it."""
    for kind, canonical, forms in load_policy().vocabulary_forms():
        if kind == "degree" and canonical in POSTGRADUATE and any(f in text for f in [canonical, *forms]):
            return canonical
    return None


@functools.lru_cache(maxsize=1)
def _vocabulary_patterns() -> list[tuple[re.Pattern, str, str]]:
    """(compiled word, entity type, canonical value) for every vocabulary word, longest first; built once."""
    pairs = [(word, kind, canonical) for kind, canonical, forms in load_policy().vocabulary_forms() for word in forms]
    pairs.sort(key=lambda p: -len(p[0]))
    return [(re.compile(re.escape(word)), kind, canonical) for word, kind, canonical in pairs]


def entities_in(text: str) -> list[dict]:
    """Vocabulary words in `text`, longest first and not overlapping, as entity dicts (a rule-based fallback)."""
    taken = [False] * len(text)
    out = []
    for pattern, kind, canonical in _vocabulary_patterns():
        for m in pattern.finditer(text):
            if not any(taken[m.start() : m.end()]):
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
                out.append({"entity": kind, "value": canonical, "start": m.start(), "end": m.end()})
    for m in re.finditer(r"(\d{1,3})\s*(?:周岁|岁)", text):
        out.append({"entity": "age", "value": m.group(1), "start": m.start(), "end": m.end()})
    return sorted(out, key=lambda e: e["start"])


def items_about(facts: dict, kinds=("benefit", "service")) -> list[tuple[dict, float]]:
    """Items whose conditions the facts speak to without contradicting them, strongest match first, with a score.

    A question names facts, not the whole person: a set fact (roles, certificates) says what the person has, not
    what they lack, so a condition on another role is left open rather than failed.
    """
    facts = dict(facts)
    if facts.pop("_social_worker", False):
        facts.setdefault("certificates", set()).update(
            v for v in fields()["certificates"]["values"] if v.startswith("社会工作师")
        )
    facts.pop(EXCLUDED, None)  # what a person rules out does not hide the items a question names
    profile = {k: frozenset(v) if isinstance(v, set) else v for k, v in facts.items()}
    set_fields = {k for k, spec in fields().items() if spec["type"] == "set"}
    scored = []
    for item in load_policy().items:
        if item["kind"] not in kinds or "conditions" not in item:
            continue
        trace = evaluate(item["conditions"], profile)
        open_sets = {leaf.id: UNKNOWN for leaf in trace.leaves if leaf.field in set_fields and leaf.status == UNMET}
        if open_sets:
            trace = evaluate(item["conditions"], profile, open_sets)
        met = [leaf for leaf in trace.leaves if leaf.status == MET]
        if met and (trace.status != UNMET or _fails_only_on_the_person_s_numbers(trace, met)):
            scored.append((item, met))
    # A fact that many items share (机关事业单位人员) says less about the question than a rare one (博士双证).
    spread = Counter(leaf.field for _, met in scored for leaf in {m.field: m for m in met}.values())
    out = [
        (item, sum(leaf.specificity() / (2 if spread[leaf.field] >= 3 else 1) for leaf in met)) for item, met in scored
    ]
    out.sort(key=lambda pair: -pair[1])
    return out


def _fails_only_on_the_person_s_numbers(trace, met) -> bool:
    """The item the facts name (退休名师), failed only by the person's age, sex, years or days (女，60岁): the
    question is about it, and its answer is 不符合 with the reason, not another item."""
    personal = {name for name, spec in fields().items() if spec["type"] in ("int", "number")} | {"gender"}
    failed = [leaf for leaf in trace.leaves if leaf.status == UNMET]
    return bool(failed) and all(leaf.field in personal for leaf in failed) and any(m.field not in personal for m in met)


def strongest(matches: list[tuple[dict, float]], share: float = 0.6) -> list[dict]:
    """The items scoring at least `share` of the best: a 博士 question gets the 博士 items, not those merely open
    to graduates; a question naming a rare fact is not drowned by the items of a common one."""
    if not matches:
        return []
    best = matches[0][1]
    return [item for item, score in matches if score >= share * best]
