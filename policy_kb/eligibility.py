"""The eligibility engine: a profile in; for every item a person or organisation can apply for, a verdict
(eligible / not eligible / undetermined) with the reasons in the text's own words, the amount and its schedule,
the payer, the responsible units, the discretion the text keeps, near-misses and the next question to ask.

Rules are data (the `conditions` of each item in policy_kb/data/clauses); nothing here names a benefit.
"""

from __future__ import annotations

from collections import Counter
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

    @property
    def relevant(self) -> bool:
        """Worth showing this person: eligible; or partly met and not aimed at another group
        (an item for 硕士 is noise to a 博士, but the 35-year limit is news to a 36-year-old 硕士)."""
        if self.verdict == ELIGIBLE:
            return True
        specific = [leaf for leaf in self.met if leaf.field not in GENERIC_FIELDS and leaf.specificity() >= 2]
        if not specific:
            return False
        return not any(leaf.field in CATEGORY_FIELDS for leaf in self.failed)


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
    return result


def _next_field(results: list[ItemResult], skip=()) -> str | None:
    """The unknown field that decides the most items, counting first the items the profile already speaks to.
    Fields in `skip` (the person said they don't know) are not asked again."""
    order = list(fields())
    for pool in (
        [r for r in results if r.verdict == UNDETERMINED and r.relevant],
        [r for r in results if r.verdict == UNDETERMINED],
    ):
        # An item with one open fact is decided by one answer; an item with four open alternatives needs more.
        counts: Counter = Counter()
        for r in pool:
            open_fields = {leaf.field for leaf in r.missing} - set(skip)
            for f in open_fields:
                counts[f] += 1 / len(open_fields)
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
