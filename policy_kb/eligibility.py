"""The eligibility engine: a profile in; for every item a person or organisation can apply for, a verdict
(eligible / not eligible / undetermined) with the reasons in the text's own words, the amount and its schedule,
the payer, the responsible units, the discretion the text keeps, near-misses and the next question to ask.

Rules are data (the `conditions` of each item in policy_kb/data/clauses); nothing here names a benefit.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    target_quote: str
    met: list[LeafResult]
    failed: list[LeafResult]  # a failed item's deciding leaves (empty otherwise)
    missing: list[LeafResult]  # an open item's unknown leaves that could still change it (empty otherwise)
    near_misses: list[NearMiss]
    # an undetermined item's conditions the person already fails (in an any-group another branch may still meet)
    ruled_out: list[LeafResult]
    # the readings this verdict rests on: a fact on a boundary (恰好63周岁), an open reading (双一流学科), each
    # citing terms.yml or the clause
    readings: list[str]
    higher_tier_reading: (
        str | None
    )  # the reading when it fails on a lower tier than the person's degree (see higher_tier)
    tier_open: bool  # that reading is told: the person's own tier fails them, so whether this one is theirs is open

    @property
    def relevant(self) -> bool:
        """Worth showing this person: eligible; or partly met and not aimed at another group
        (an item for 硕士 is noise to a 博士, but the 35-year limit is news to a 36-year-old 硕士)."""
        if self.verdict == ELIGIBLE:
            return True
        if (
            self.tier_open
            or any(_spoken_to(leaf) for leaf in self.failed)
            # in an open item: a level named (区级示范), not a word whose reason says it is merely lower
            or any(leaf.said and "reason" not in leaf.said for leaf in self.ruled_out)
        ):
            return True  # the person spoke to a condition that decides it (区级示范, 没有执业医师资格, 民营企业)
        specific = [leaf for leaf in self.met if leaf.field not in GENERIC_FIELDS and leaf.specificity() >= 2]
        if not specific:
            return False
        # a threshold missed by some levels (大学本科以上 for a 大专) is news; a group failed, with no gap to tell
        # (硕士 for a 博士, a role), is someone else's item
        return not any(leaf.field in CATEGORY_FIELDS and leaf.gap is None for leaf in self.failed)


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
    citation = clause_citation(clause["number"])
    met = trace.met()
    # A failed item reports the leaves that decide it (in an any-group every branch, in an all-group the failing
    # ones); an open item the facts still wanted, and those the person already fails on the way.
    failed = trace.failed()
    told = [leaf for leaf in trace.leaves if leaf.status == UNMET and leaf.field in profile]
    ruled_out = told if verdict == UNDETERMINED else []
    return ItemResult(
        item_id=item["id"],
        name=item["name"],
        clause=clause["number"],
        citation=citation,
        verdict=verdict,
        amount_text=amount_text,
        amount_max=(amount or {}).get("max"),
        schedule=schedule(amount, item.get("payment"), profile.get("transferred_workers")),
        payer=(item.get("payer") or {}).get("name"),
        payer_note=item.get("payer_note"),
        units=list(clause["units"]),
        discretion=list(item.get("discretion") or []),
        ambiguities=list(item.get("ambiguities") or []),
        target_quote=(item.get("target") or {}).get("quote", ""),
        met=met,
        failed=failed,
        missing=trace.unknown(),
        near_misses=_near_misses(item, trace, profile, amount_text),
        ruled_out=ruled_out,
        readings=readings(trace.basis, citation),
        higher_tier_reading=higher_tier(failed, citation, met),
        tier_open=False,
    )


def _term(name: str) -> dict | None:
    return next((t for t in load_policy().terms if t["term"] == name), None)


def _term_note(name: str, lead: str) -> str | None:
    term = _term(name)
    if term is None:
        return None
    return f"{lead}按“{term['term']}”的口径：{term['definition']}（{term['source'].removesuffix('。')}；术语口径见 terms.yml）"


def readings(leaves: list[LeafResult], citation: str) -> list[str]:
    """The readings a verdict rests on, said in words: a number exactly on a limit (以下 includes it, 超过 does
    not), a word the person used that sits on an open reading (双一流学科), each citing terms.yml."""
    out = []
    for leaf in leaves:
        spec = fields()[leaf.field]
        if spec["type"] in ("int", "number") and leaf.actual == leaf.value:
            lead = f"{citation}“{leaf.label}”：{leaf.actual}{spec['unit']}正在界限上，"
            out.append(_term_note(BOUNDARY_TERM, lead))
        if leaf.said and leaf.said.get("reading"):
            out.append(_term_note(leaf.said["reading"], f"{citation}“{leaf.label}”：您说的“{leaf.said['words']}”，"))
    return list(dict.fromkeys(x for x in out if x))


def higher_tier(failed: list[LeafResult], citation: str, met: list[LeafResult]) -> str | None:
    """The reading of a failed item that names a lower tier than the person's degree (本科 for a 硕士), where the
    person meets one of its specific facts: the text does not say whether a higher degree may take a lower tier."""
    if not any(m.field not in GENERIC_FIELDS for m in met):
        return None
    for leaf in failed:
        spec = fields()[leaf.field]
        if spec["type"] == "ordinal" and leaf.op == "eq":
            above = spec["values"][spec["values"].index(leaf.value) + 1 :]
            if leaf.actual in above:
                return _term_note(
                    HIGHER_TIER_TERM, f"{citation}“{leaf.label}”：您的{spec['label']}（{leaf.actual}）高于该档，"
                )
    return None


BOUNDARY_TERM = "以上、以下"
HIGHER_TIER_TERM = "学历层次"


def _higher_tiers(results: list[ItemResult]) -> None:
    """A lower tier (本科) is worth telling a 硕士 only when the items of the person's own tier fail them (over the
    age limit): then whether the lower tier is open to them is the question, and the text leaves it open."""
    own = [r for r in results if any(leaf.field == "degree" and leaf.op == "eq" for leaf in r.met)]
    if own and all(r.verdict == NOT_ELIGIBLE for r in own):
        for r in results:
            if r.higher_tier_reading:
                r.readings.append(r.higher_tier_reading)
                r.tier_open = True


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
