"""Three-valued evaluation of an item's condition tree: met, not met, or unknown (a fact is missing).

Each leaf's result carries its label, its quote and, where it fails on a number or a rank, the size of the gap,
so a verdict can always be explained in the text's own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .profile import EXCLUDED, SAID, fields, rank

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"


@dataclass
class LeafResult:
    id: str
    field: str
    op: str
    value: object
    label: str
    quote: str
    status: str
    actual: object  # the person's value (None: not told)
    gap: float | int | None  # how far the actual value is from meeting the condition (None: met, or no measure)
    said: dict | None  # the person's words on this fact ({words, reason, reading}), where they gave some

    def specificity(self) -> int:
        """3 when a met leaf names the fact itself (博士 = 博士研究生), 2 when the fact sits on its threshold
        (副高级 for “副高级及以上”), 1 when a higher value merely clears a threshold (博士 for “专科以上”)."""
        if self.op in ("eq", "in", "has", "has_any"):
            return 3
        if fields()[self.field]["type"] == "ordinal" and self.actual != self.value:
            return 1
        return 2

    def explain(self) -> str:
        """'36岁，超过“35周岁及以下”1岁' — the reason in words."""
        spec = fields()[self.field]
        if self.status == UNKNOWN:
            return f"尚不清楚：{spec['label']}（条件：“{self.label}”）"
        if self.status == MET:
            return f"满足“{self.label}”"
        if self.said:
            reason = f"（{self.said['reason']}）" if self.said.get("reason") else ""
            said = f"您说的“{self.said['words']}”{reason}"
            if self.actual is None or isinstance(self.actual, bool) or reason:
                return f"{said}，不满足“{self.label}”"
            return f"{said}：{self._explain_unmet(spec)}"
        return self._explain_unmet(spec)

    def _explain_unmet(self, spec: dict) -> str:
        actual = self.actual
        if isinstance(actual, frozenset):
            actual = "、".join(sorted(actual)) or "无"
        if self.gap is not None and spec["type"] in ("int", "number"):
            unit = spec["unit"]  # every number field names one (tests/kb/test_integrity.py)
            gap = int(self.gap) if float(self.gap).is_integer() else self.gap
            if self.op in ("le", "lt"):
                return f"{actual}{unit}，超过“{self.label}”{gap}{unit}"
            return f"{actual}{unit}，距“{self.label}”还差{gap}{unit}"
        if self.gap is not None and spec["type"] == "ordinal":
            return f"{spec['label']}为{actual}，不满足“{self.label}”（差{self.gap}级）"
        if isinstance(actual, bool):
            return f"不满足“{self.label}”"
        return f"{spec['label']}为{actual}，不满足“{self.label}”"


@dataclass
class Trace:
    status: str
    leaves: list[LeafResult]  # every leaf, in tree order
    deciding: list[LeafResult]  # the leaves that decide the status (see evaluate)
    # the leaves the status rests on: every part of an all-group, and of an any-group the branches that decide it
    # (a man's 63-year limit, not the women's 58) — where a reading, a number on its limit, is the person's own
    basis: list[LeafResult]

    def failed(self) -> list[LeafResult]:
        """The failed leaves that make the tree fail (not those in an any-group another branch satisfies)."""
        return [x for x in self.deciding if x.status == UNMET] if self.status == UNMET else []

    def unknown(self) -> list[LeafResult]:
        """The unknown leaves whose answer could still change the result."""
        return [x for x in self.deciding if x.status == UNKNOWN] if self.status == UNKNOWN else []

    def met(self) -> list[LeafResult]:
        return [x for x in self.leaves if x.status == MET]


def _compare(op: str, actual, expected, field_name: str):
    """(met?, gap) for one leaf with a known value; the gap means something only when the leaf is not met."""
    kind = fields()[field_name]["type"]
    a: Any
    e: Any
    if kind == "ordinal":
        a = rank(field_name, actual)
        e = [rank(field_name, v) for v in expected] if isinstance(expected, list) else rank(field_name, expected)
    else:
        a, e = actual, expected
    if op == "eq":
        return a == e, None
    if op == "ne":
        return a != e, None
    if op == "in":
        return a in e, None
    if op == "has":
        return expected in actual, None
    if op == "has_any":
        return bool(set(expected) & set(actual)), None
    if op == "le":
        return a <= e, a - e
    if op == "lt":
        return a < e, a - e + 1 if isinstance(a, int) and isinstance(e, int) else a - e
    if op == "ge":
        return a >= e, e - a
    if op == "gt":
        return a > e, e - a + 1 if isinstance(a, int) and isinstance(e, int) else e - a
    raise ValueError(f"unknown operator {op}")


def _ruled_out(node: dict, profile: dict) -> bool:
    """True when the values the person ruled out leave no value that could meet this leaf (不是双一流，也不是部属
    师范 → “双一流或部属师范” is not met; 没有执业医师资格 → “具有执业医师资格” is not met)."""
    name, op, expected = node["field"], node["op"], node["value"]
    excluded = (profile.get(EXCLUDED) or {}).get(name)
    if not excluded:
        return False
    spec = fields()[name]
    if spec["type"] == "set":  # its operators are has and has_any (tests/kb/test_integrity.py)
        wanted = [expected] if op == "has" else list(expected)
        return set(wanted) <= set(excluded)
    possible = [v for v in spec["values"] if v not in excluded]
    return not any(_compare(op, v, expected, name)[0] for v in possible)


def _may_also_be(node: dict, profile: dict) -> bool:
    """A set value told that leaves a wanted one open (profile.yml `may_also_be`): 机关事业单位人员 for “党政人才、
    专业技术人才” is to be confirmed, not failed — unless the person ruled the wanted one out."""
    if node["op"] not in ("has", "has_any"):  # the operators of set fields, and only of them
        return False
    spec = fields()[node["field"]]
    wanted = {node["value"]} if node["op"] == "has" else set(node["value"])
    excluded = set((profile.get(EXCLUDED) or {}).get(node["field"]) or ())
    also = {v for held in profile[node["field"]] for v in (spec.get("may_also_be") or {}).get(held, [])}
    return bool((wanted & also) - excluded)


def _by_a_number(leaf: LeafResult) -> bool:
    """A leaf failed by how much (an age over its limit), not by what (a sex, a degree)."""
    return leaf.status == UNMET and leaf.gap is not None and fields()[leaf.field]["type"] in ("int", "number")


def evaluate(node: dict, profile: dict, overrides: dict | None = None) -> Trace:
    """Evaluate a condition tree. `overrides` forces leaf statuses by id (used to find near-misses)."""
    overrides = overrides or {}
    if "all" in node or "any" in node:
        children = [evaluate(c, profile, overrides) for c in node.get("all", node.get("any"))]
        statuses = [c.status for c in children]
        leaves = [leaf for c in children for leaf in c.leaves]
        if "all" in node:
            status = UNMET if UNMET in statuses else UNKNOWN if UNKNOWN in statuses else MET
        else:
            status = MET if MET in statuses else UNKNOWN if UNKNOWN in statuses else UNMET
        # A node's status is decided by the children that share it: the failing ones of a failed all-group,
        # every branch of a failed any-group, the open ones of an undecided group.
        deciding_children = [c for c in children if c.status == status]
        if "any" in node and status == UNMET:
            # the person's own branch, where one is partly met and failed only by a number (女，60岁 for
            # 男63/女58): its reason, not the other branches' (性别为女，不满足“男性”)
            by_number = [
                c
                for c in deciding_children
                if all(_by_a_number(leaf) for leaf in c.deciding) and any(x.status == MET for x in c.leaves)
            ]
            deciding_children = by_number or deciding_children
        deciding = [leaf for c in deciding_children for leaf in c.deciding]
        basis = [leaf for c in (children if "all" in node else deciding_children) for leaf in c.basis]
        return Trace(status, leaves, deciding, basis)
    name = node["field"]
    status, gap = UNKNOWN, None
    if node["id"] in overrides:
        status = overrides[node["id"]]
    elif name in profile:
        ok, difference = _compare(node["op"], profile[name], node["value"], name)
        status = MET if ok else UNKNOWN if _may_also_be(node, profile) else UNMET
        gap = None if ok or not difference else difference
    elif _ruled_out(node, profile):
        status = UNMET
    leaf = LeafResult(
        id=node["id"],
        field=name,
        op=node["op"],
        value=node["value"],
        label=node["label"],
        quote=node["quote"],
        status=status,
        actual=profile.get(name),
        gap=gap,
        said=(profile.get(SAID) or {}).get(name),
    )
    return Trace(status, [leaf], [leaf], [leaf])
