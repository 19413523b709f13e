"""What a person says about themselves, read from the NLU's entities: who is described, what is denied, what a
level or an everyday word means for the profile.

`mark(text, entities)` (run once, by the NLU) adds to the entities:
- `role: "not"` on a fact the text denies (不是双一流, 没有执业医师资格);
- `level` entities for a level word and the thing it qualifies (区级示范家庭农场 → demonstration_level 县级);
- `group`: the person an entity describes (我爸 → 父亲, 我妈 → 母亲, 我), where the message names someone else.

`facts(text, entities, convert)` turns one person's entities into profile facts: `convert` maps plain entities
(policy_kb.topics.facts_from_entities); denied facts, everyday words and levels become facts too, or exclusions
(`_excluded`: field → the values ruled out), with the words that said so (`_said`), so the engine answers 不符合
with the person's own words instead of leaving the condition unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .profile import fields
from .shapes import negated_before
from .words import VOCAB_TYPES, levelled, levels, persons, situation

MARKER = "statements"  # the `extractor` of the entities this module adds
# Every vocabulary fact a person can deny (不是双一流, 没有执业医师资格, 不是全日制), but for the words that name no fact of
# theirs: a certificate's level alone, a sex, a measure, a sector, an everyday word (its own `excludes` say what it rules out).
NEGATABLE = set(VOCAB_TYPES) - {"cert_level", "gender", "measure", "sector", "situation"}
SELF = "我"
TOGETHER = "_together"
CLAUSE_BREAK = re.compile(r"[，,。；;！!？?]")
LEVEL_ORDER = ["无", "县级", "市级", "省级", "国家级"]


# ---------------------------------------------------------------------------------------------------------------
# Marking the entities (the NLU calls this once per message)
def _clause_end(text: str, start: int) -> int:
    m = CLAUSE_BREAK.search(text, start)
    return m.start() if m else len(text)


def level_entities(text: str) -> list[dict]:
    """A level word and the thing it qualifies, in one clause: 区级示范家庭农场, 市级重点实验室, 省里的骨干教师.
    "省级以上" (the text's own wording, quoted back) names no fact."""
    out: list[dict] = []
    taken: set[int] = set()
    things = levelled()
    for word, level in levels().items():
        for m in re.finditer(re.escape(word), text):
            if taken & set(range(m.start(), m.end())) or re.match(r"\s*(?:及|或)?以[上下]", text[m.end() :]):
                continue
            window = text[m.end() : min(_clause_end(text, m.end()), m.end() + 12)]
            hit = next(((t, e) for t, e in things if t in window), None)
            if not hit:
                continue
            thing, entry = hit
            end = m.end() + window.index(thing) + len(thing)
            taken |= set(range(m.start(), m.end()))
            out.append(
                {
                    "entity": "level",
                    "value": level,
                    "role": entry["field"],
                    "start": m.start(),
                    "end": end,
                    "extractor": MARKER,
                }
            )
    return out


INSIDE_LEVEL = {"degree", "talent_programme"}


def _inside(e: dict, spans: list[dict]) -> bool:
    start, end = e.get("start"), e.get("end")
    return start is not None and any(
        s["start"] <= start and end <= s["end"] and s["role"] != e.get("entity") for s in spans
    )


def _person_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, relation) of every person the text names, in order; a bare 我 opening a clause after another
    person was named is the speaker again (我老公…，我…)."""
    words = sorted(((w, rel) for rel, entry in persons().items() for w in entry["words"]), key=lambda p: -len(p[0]))
    taken: set[int] = set()
    found = []
    for word, relation in words:
        for m in re.finditer(re.escape(word), text):
            if taken & set(range(m.start(), m.end())):
                continue
            taken |= set(range(m.start(), m.end()))
            found.append((m.start(), m.end(), relation))
    if not any(rel != TOGETHER for _s, _e, rel in found):
        return []
    first = min(s for s, _e, rel in found if rel != TOGETHER)
    for m in re.finditer(r"(?:^|(?<=[，,。；;！!？?\s]))(?:而|但|那)?(我)(?!们)", text):
        if m.start(1) > first and m.start(1) not in taken:
            found.append((m.start(1), m.end(1), SELF))
    return sorted(found)


def mark(text: str, entities: list[dict]) -> list[dict]:
    """The entities with denials, levels and persons marked (see the module's docstring); idempotent."""
    if any(e.get("extractor") == MARKER or "group" in e for e in entities):
        return entities
    out = [dict(e) for e in entities]
    for e in out:
        if e.get("entity") in NEGATABLE and e.get("start") is not None and negated_before(text, e["start"]):
            e["role"] = "not"
    levelled_spans = level_entities(text)
    # inside 市级重点实验室 / 区级重点专科, 市级 is no 人才计划 and 专科 no degree: the level reading wins
    out = [e for e in out if not (e.get("entity") in INSIDE_LEVEL and _inside(e, levelled_spans))]
    # a bare level word (省级以下, 省级的) names no 人才计划 unless it qualifies one (省级人才计划: a level entity)
    programme_levels = {s["start"] for s in levelled_spans if s["role"] == "talent_programme"}
    out = [
        e
        for e in out
        if not (
            e.get("entity") == "talent_programme"
            and e.get("start") is not None
            and text[e["start"] : e["end"]] in levels()
            and e["start"] not in programme_levels
        )
    ]
    out += levelled_spans
    mentions = _person_mentions(text)
    if mentions:
        for e in out:
            start = e.get("start")
            owner = [rel for s, _e, rel in mentions if start is not None and s <= start]
            e["group"] = owner[-1] if owner else SELF
        for s, _e, rel in mentions:  # a person named with no fact yet is still described (帮我妈问一下)
            if rel not in (SELF, TOGETHER):
                out.append({"entity": "person", "value": rel, "start": s, "end": _e, "group": rel, "extractor": MARKER})
    return sorted(out, key=lambda e: (e.get("start") or 0, e.get("end") or 0))


# ---------------------------------------------------------------------------------------------------------------
# Reading the marked entities
@dataclass
class Person:
    key: str  # 我, 父亲, 母亲 …
    entities: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return "您本人" if self.key == SELF else f"您{self.key}"

    @property
    def gender(self) -> str | None:
        return (persons().get(self.key) or {}).get("gender")


def split_persons(entities: list[dict]) -> list[Person]:
    """The persons the marked entities describe, in the order the message names them; the facts said of everyone
    (我们俩都…) go to each. One person (the speaker) when the message names no one else."""
    groups: dict[str, Person] = {}
    for e in entities:
        key = e.get("group") or SELF
        if key != TOGETHER:
            groups.setdefault(key, Person(key))
            if e.get("entity") != "person":
                groups[key].entities.append(e)
    shared = [e for e in entities if e.get("group") == TOGETHER]
    people = [p for p in groups.values() if p.entities or p.key != SELF] or [Person(SELF)]
    for p in people:
        p.entities = sorted(p.entities + shared, key=lambda e: e.get("start") or 0)
    return people


def _words(text: str, e: dict, negation: bool = False) -> str:
    start, end = e.get("start"), e.get("end")
    if start is None or end is None or not text:
        return str(e.get("value", ""))
    if negation:
        word = negated_before(text, start) or ""
        i = text.rfind(word, max(0, start - 6), start) if word else -1
        start = i if i != -1 else start
    return text[start:end]


def _exclude(out: dict, name: str, values, words: str, reason: str | None = None) -> None:
    spec = fields().get(name)
    if spec is None:
        return
    values = list(values)
    if spec["type"] == "bool":
        if name not in out:
            out[name] = not values[0] if values else False
    else:
        if spec["type"] == "ordinal" and len(values) == 1 and values[0] in spec["values"]:
            values = spec["values"][spec["values"].index(values[0]) :]  # 没有副高: 副高 and above are ruled out
        out.setdefault("_excluded", {}).setdefault(name, [])
        out["_excluded"][name] = sorted(set(out["_excluded"][name]) | {str(v) for v in values})
    _note(out, name, words, reason)


def _note(out: dict, name: str, words: str, reason: str | None = None, reading: str | None = None) -> None:
    """Keep the person's words on a field (several are joined: 不是双一流、也不是部属师范)."""
    said = out.setdefault("_said", {})
    old = said.get(name)
    if old and old.get("words") and words not in old["words"]:
        words = f"{old['words']}”“{words}"
    note = {"words": words}
    if reason or (old or {}).get("reason"):
        note["reason"] = reason or old["reason"]
    if reading or (old or {}).get("reading"):
        note["reading"] = reading or old["reading"]
    said[name] = note


def _level_fact(e: dict) -> tuple[str, object] | None:
    name, level = str(e.get("role")), str(e.get("value"))
    spec = fields().get(name)
    if spec is None or level not in LEVEL_ORDER:
        return None
    if spec["type"] == "bool":
        entry = next((en for _t, en in levelled() if en["field"] == name), {})
        return name, LEVEL_ORDER.index(level) >= LEVEL_ORDER.index(entry.get("true_from", "县级"))
    if level in spec["values"]:
        return name, level
    return None


def facts(text: str, entities: list[dict], convert: Callable[[list[dict]], dict]) -> dict:
    """Profile facts of one person from their (marked) entities; see the module's docstring."""
    plain = [e for e in entities if e.get("role") != "not" and e.get("entity") not in ("situation", "level", "person")]
    out = convert(plain)
    degrees = [e["value"] for e in plain if e.get("entity") == "degree"]
    if len(set(degrees)) > 1:  # 硕士，本科是双一流的: the highest is the 最高学历
        ranked = [d for d in fields()["degree"]["values"] if d in degrees]
        if ranked:
            out["degree"] = ranked[-1]
    for e in entities:
        if e.get("role") == "not":
            denied = convert([{k: v for k, v in e.items() if k != "role"}])
            if denied.pop("_social_worker", False):  # 没有社工证: no level of it
                denied["certificates"] = {v for v in fields()["certificates"]["values"] if v.startswith("社会工作师")}
            for name, value in denied.items():
                is_set = fields().get(name, {}).get("type") == "set"
                if name.startswith("_") or (name in out and not is_set):
                    continue  # what the person says they are wins over what they say they are not
                values = sorted(value) if isinstance(value, (set, frozenset)) else [value]
                _exclude(out, name, values, _words(text, e, negation=True))
        elif e.get("entity") == "situation":
            entry = situation(str(e.get("value")))
            if not entry:
                continue
            words = _words(text, e)
            for name, value in (entry.get("means") or {}).items():
                if fields().get(name, {}).get("type") == "set":
                    out.setdefault(name, set()).update(value if isinstance(value, list) else [value])
                elif name not in out:
                    out[name] = value
                _note(out, name, words, entry.get("reason"), entry.get("reading"))
            for name, values in (entry.get("excludes") or {}).items():
                _exclude(out, name, values, words, entry.get("reason"))
        elif e.get("entity") == "level":
            fact = _level_fact(e)
            if fact:
                out[fact[0]] = fact[1]
                _note(out, fact[0], _words(text, e))
    # a set fact that is also ruled out is kept as said (我在国企，也在事业单位兼职: 机关事业单位人员 holds)
    for name, values in list((out.get("_excluded") or {}).items()):
        if isinstance(out.get(name), (set, frozenset)):
            out["_excluded"][name] = [v for v in values if v not in out[name]]
    return out


def facts_by_person(
    text: str, entities: list[dict], convert: Callable[[list[dict]], dict]
) -> list[tuple[Person, dict]]:
    """(person, facts) for each person the message describes; a relation's gender is a fact unless told."""
    marked = mark(text, entities)
    out = []
    for person in split_persons(marked):
        found = facts(text, person.entities, convert)
        if person.gender and "gender" not in found:
            found["gender"] = person.gender
        out.append((person, found))
    # 我老婆工作怎么安排: a person named with no fact of theirs is not described (the words name a measure)
    described = [(p, f) for p, f in out if p.key == SELF or set(f) - {"gender"}]
    if len(described) == len(out) or not described:
        return out
    if len(described) == 1:
        return described
    return [(Person(SELF, marked), facts(text, [e for e in marked if e.get("entity") != "person"], convert))]
