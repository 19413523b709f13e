"""The eligibility engine: a profile in; for every item a person or organisation can apply for, a verdict
(eligible / not eligible / undetermined) with the reasons in the text's own words, the amount and its schedule,
the payer, the responsible units, the discretion the text keeps, near-misses and the next question to ask.

Rules are data (the `conditions` of each item in policy_kb/data/clauses); nothing here names a benefit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .conditions import MET, UNKNOWN, UNMET, LeafResult, evaluate
from .load import clause_citation, load_policy
from .money import describe_amount
from .profile import fields, make_profile
from .schedule import Schedule, schedule

ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED = "eligible", "not_eligible", "undetermined"
VERDICT_LABELS = {ELIGIBLE: "符合", NOT_ELIGIBLE: "不符合", UNDETERMINED: "尚需确认"}
# Facts a person can still change; a failed leaf on one of these is a near-miss worth telling.
CHANGEABLE = {
    "title_level",
    "skill_level",
    "days_per_year",
    "contract_years",
    "certificates",
    "study_result",
    "demonstration_level",
    "transferred_workers",
    "public_institution_post",
    "talent_programme",
    "employment",
    "research_result",
}

# Facts that say which group an item is for; failing one means the item is aimed at someone else.
CATEGORY_FIELDS = {"degree", "roles", "employment", "study_result"}
THRESHOLDS = {"ge", "gt", "le", "lt"}
# Facts almost every item tests; meeting one of them alone does not make an item this person's concern.
GENERIC_FIELDS = {"age", "gender", "full_time", "contract_years", "days_per_year"}


@dataclass
class NearMiss:
    leaf: LeafResult
    text: str  # '若满足“副高级及以上职称”，可享受每人每月1500元'


@dataclass
class ItemResult:
    item_id: str
    name: str
    clause: int
    citation: str  # 第（二）条
    verdict: str
    amount_text: str  # '每人25万元'
    amount_max: int | None
    schedule: Schedule | None
    payer: str | None
    payer_note: str | None
    units: list[str]
    discretion: list[dict]
    ambiguities: list[dict]
    met: list[LeafResult] = field(default_factory=list)
    failed: list[LeafResult] = field(default_factory=list)
    missing: list[LeafResult] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    target_quote: str = ""
    # an undetermined item's conditions the person already fails (in an any-group another branch may still meet)
    ruled_out: list[LeafResult] = field(default_factory=list)
    # the readings this verdict rests on: a fact on a boundary (恰好63周岁), an open reading (双一流学科), each
    # citing terms.yml or the clause
    readings: list[str] = field(default_factory=list)
    open_reading: bool = False  # one of the readings is open (the text does not decide it): worth telling
    higher_tier: bool = False  # fails only by holding a higher degree than the tier names (see _higher_tiers)

    @property
    def relevant(self) -> bool:
        """Worth showing this person: eligible; or partly met and not aimed at another group
        (an item for 硕士 is noise to a 博士, but the 35-year limit is news to a 36-year-old 硕士)."""
        if self.verdict == ELIGIBLE:
            return True
        if (
            self.open_reading
            or any(_spoken_to(leaf) for leaf in self.failed)
            # in an open item: a value ruled out or a level named, not a title word that is merely lower
            or any(leaf.said and (leaf.actual is None or "reason" not in leaf.said) for leaf in self.ruled_out)
        ):
            return True  # the person spoke to a condition that decides it (区级示范, 没有执业医师资格, 民营企业)
        specific = [leaf for leaf in self.met if leaf.field not in GENERIC_FIELDS and leaf.specificity() >= 2]
        if not specific:
            return False
        # a failed threshold (大学本科以上 for a 大专) is news; a failed group (硕士 for a 博士) is someone else's item
        return not any(leaf.field in CATEGORY_FIELDS and leaf.op not in THRESHOLDS for leaf in self.failed)


@dataclass
class Report:
    profile: dict
    results: list[ItemResult]
    next_field: str | None
    next_question: str | None
    notes: list[str]

    def by_verdict(self, verdict: str) -> list[ItemResult]:
        return [r for r in self.results if r.verdict == verdict]

    def result(self, item_id: str) -> ItemResult:
        return next(r for r in self.results if r.item_id == item_id)


def _spoken_to(leaf: LeafResult) -> bool:
    """The person's own words decide this failed leaf: a value they ruled out, or a level or title they named (not a
    role merely held, which says nothing of the roles an item is for)."""
    return bool(leaf.said) and (leaf.actual is None or fields()[leaf.field]["type"] != "set")


def _near_misses(item: dict, trace, profile: dict, amount_text: str) -> list[NearMiss]:
    out = []
    for leaf in trace.failed():
        if leaf.field not in CHANGEABLE:
            continue
        if evaluate(item["conditions"], profile, {leaf.id: MET}).status == UNMET:
            continue
        gain = f"，可享受{amount_text}" if amount_text else ""
        out.append(NearMiss(leaf, f"若满足“{leaf.label}”{gain}（{clause_citation(item['clause'])}）"))
    return out


def assess_item(item: dict, clause: dict, profile: dict) -> ItemResult:
    trace = evaluate(item["conditions"], profile)
    verdict = {MET: ELIGIBLE, UNMET: NOT_ELIGIBLE, UNKNOWN: UNDETERMINED}[trace.status]
    amount = item.get("amount")
    amount_text = describe_amount(amount, item.get("beneficiary", "person"))
    result = ItemResult(
        item_id=item["id"],
        name=item["name"],
        clause=clause["number"],
        citation=clause_citation(clause["number"]),
        verdict=verdict,
        amount_text=amount_text,
        amount_max=(amount or {}).get("max"),
        schedule=schedule(amount, item.get("payment"), profile.get("transferred_workers")),
        payer=(item.get("payer") or {}).get("name"),
        payer_note=item.get("payer_note"),
        units=list(clause["units"]),
        discretion=list(item.get("discretion") or []),
        ambiguities=list(item.get("ambiguities") or []),
        met=trace.met(),
        target_quote=(item.get("target") or {}).get("quote", ""),
    )
    if verdict == NOT_ELIGIBLE:
        # Report the leaves that decide it: in an any-group every branch failed; in an all-group the failing ones.
        result.failed = trace.failed()
        result.near_misses = _near_misses(item, trace, profile, amount_text)
    elif verdict == UNDETERMINED:
        result.missing = trace.unknown()
        result.ruled_out = [leaf for leaf in trace.leaves if leaf.status == UNMET and leaf.field in profile]
    result.readings, result.open_reading = readings(
        trace.leaves if verdict != NOT_ELIGIBLE else result.failed + trace.met(), result
    )
    return result


def _term(name: str) -> dict | None:
    return next((t for t in load_policy().terms if t["term"] == name), None)


def _term_note(name: str, lead: str) -> str | None:
    term = _term(name)
    if term is None:
        return None
    return (
        f"{lead}按“{term['term']}”的口径：{term['definition']}（{term['source'].rstrip('。')}；术语口径见 terms.yml）"
    )


def readings(leaves: list[LeafResult], result: ItemResult) -> tuple[list[str], bool]:
    """The readings a verdict rests on, said in words: a number exactly on a limit (以下 includes it, 超过 does
    not), a word the person used that sits on an open reading, a higher degree than the tier an item names; and
    whether one of them is open (not a boundary the text's own words settle)."""
    out, open_reading = [], False
    for leaf in leaves:
        spec = fields()[leaf.field]
        if spec["type"] in ("int", "number") and leaf.actual is not None and leaf.actual == leaf.value:
            unit = spec.get("unit", "")
            lead = f"{result.citation}“{leaf.label}”：{leaf.actual}{unit}正在界限上，"
            out.append(_term_note(BOUNDARY_TERM, lead))
        if leaf.said and leaf.said.get("reading"):
            open_reading = True
            out.append(
                _term_note(leaf.said["reading"], f"{result.citation}“{leaf.label}”：您说的“{leaf.said['words']}”，")
            )
        if (
            leaf.status == UNMET
            and leaf.op == "eq"
            and spec["type"] == "ordinal"
            and leaf.actual in spec["values"]
            and spec["values"].index(leaf.actual) > spec["values"].index(leaf.value)
            and any(m.field not in GENERIC_FIELDS for m in result.met)
        ):
            lead = f"{result.citation}“{leaf.label}”：您的{spec['label']}（{leaf.actual}）高于该档，"
            out.append(_term_note(HIGHER_TIER_TERM, lead))
            result.higher_tier = True
    return list(dict.fromkeys(x for x in out if x)), open_reading


BOUNDARY_TERM = "以上、以下"
HIGHER_TIER_TERM = "学历层次"


def _higher_tiers(results: list[ItemResult]) -> None:
    """A lower tier (本科) is worth telling a 硕士 only when the items of the person's own tier fail them (over the
    age limit): then whether the lower tier is open to them is the question, and the text leaves it open."""
    own = [r for r in results if any(leaf.field == "degree" and leaf.op == "eq" for leaf in r.met)]
    own_fails = bool(own) and all(r.verdict == NOT_ELIGIBLE for r in own)
    for r in results:
        if r.higher_tier:
            r.open_reading = r.open_reading or own_fails
            if not own_fails:
                r.readings = [note for note in r.readings if f"“{HIGHER_TIER_TERM}”" not in note]


def _next_field(results: list[ItemResult], skip=()) -> str | None:
    """The unknown field that decides the most items, counting first the items the profile already speaks to.
    Fields in `skip` (the person said they don't know) are not asked again."""
    order = list(fields())
    for pool in (
        [r for r in results if r.verdict == UNDETERMINED and r.relevant],
        [r for r in results if r.verdict == UNDETERMINED],
    ):
        # An item with one open fact is decided by one answer; an item with four open alternatives needs more.
        counts: dict[str, float] = {}
        for r in pool:
            open_fields = {leaf.field for leaf in r.missing} - set(skip)
            for f in open_fields:
                counts[f] = counts.get(f, 0.0) + 1 / len(open_fields)
        if counts:
            return max(counts, key=lambda f: (counts[f], -order.index(f)))
    return None


def assess(profile_data: dict | None, item_ids: list[str] | None = None, skip=()) -> Report:
    """Assess every item with conditions (or just `item_ids`) for the profile; `skip`: fields not to ask."""
    policy = load_policy()
    profile = make_profile(profile_data)
    results = []
    for clause in policy.clauses:
        for item in clause["items"]:
            if "conditions" not in item or (item_ids and item["id"] not in item_ids):
                continue
            results.append(assess_item(item, clause, profile))
    # Best matches first: decided before open, more conditions met before fewer; clause order otherwise.
    results.sort(key=lambda r: ({ELIGIBLE: 0, UNDETERMINED: 1, NOT_ELIGIBLE: 2}[r.verdict], -len(r.met)))
    _higher_tiers(results)
    next_field = _next_field(results, skip)
    notes = []
    if len(results) and sum(r.verdict == ELIGIBLE for r in results) > 1:
        notes += [s["note"] for s in policy.document.get("silences", []) if s["topic"] == "combine"]
    return Report(
        profile=profile,
        results=results,
        next_field=next_field,
        next_question=fields()[next_field]["question"] if next_field else None,
        notes=notes,
    )
