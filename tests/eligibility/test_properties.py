"""Properties that must hold for every profile, checked on generated profiles (hypothesis)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_kb.eligibility import ELIGIBLE, UNDETERMINED, assess
from policy_kb.load import load_policy
from tests.text_amounts import amounts_written_in, derived_amounts

POLICY = load_policy()
FIELDS = POLICY.profile


def value_strategy(spec):
    kind = spec["type"]
    if kind == "int":
        return st.integers(min_value=16, max_value=min(spec.get("max", 10000), 10000))
    if kind == "number":
        return st.integers(min_value=0, max_value=min(spec.get("max", 400), 400))
    if kind == "bool":
        return st.booleans()
    if kind == "set":
        return st.lists(st.sampled_from(spec["values"]), max_size=3, unique=True)
    return st.sampled_from(spec["values"])


profiles = st.fixed_dictionaries({}, optional={name: value_strategy(spec) for name, spec in FIELDS.items()})
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(profiles)
def test_no_verdict_without_verbatim_quotes(profile):
    for r in assess(profile).results:
        text = POLICY.clause_of(r.item_id)["text"]
        assert r.target_quote in text
        for leaf in r.met + r.failed + r.missing:
            assert leaf.quote and leaf.quote in text


@SETTINGS
@given(profiles)
def test_every_verdict_says_its_own_items_amount_and_no_other(profile):
    """The amount of a verdict, its schedule and its near-miss (“若满足…，可享受…”) are the item's own amount as the
    text gives it (tests/text_amounts.py) — a sibling's amount from the same 分别 sentence fails here."""
    for r in assess(profile).results:
        item = POLICY.item(r.item_id)
        own = derived_amounts(item)
        if not item.get("amount"):
            assert r.amount_max is None and not amounts_written_in(r.amount_text) and r.schedule is None
            continue
        assert r.amount_max in own
        said = set(amounts_written_in(r.amount_text))
        assert said and said <= own, (r.item_id, r.amount_text)
        assert set(amounts_written_in(r.schedule.text)) <= own | {r.schedule.total}, (r.item_id, r.schedule.text)
        if r.schedule.per_year is not None:
            assert r.schedule.per_year in own
        for miss in r.near_misses:
            assert set(amounts_written_in(miss.text)) <= own, miss.text


@SETTINGS
@given(profiles, st.integers(min_value=1, max_value=10))
def test_a_younger_applicant_never_loses_an_age_limited_item(profile, years):
    if "age" not in profile or profile["age"] - years < 16:
        return
    older = assess(profile)
    younger = assess({**profile, "age": profile["age"] - years})
    for r in older.by_verdict(ELIGIBLE):
        assert younger.result(r.item_id).verdict == ELIGIBLE


@SETTINGS
@given(profiles, st.sampled_from(sorted(FIELDS)), st.data())
def test_adding_a_fact_never_makes_an_eligible_item_undetermined(profile, field, data):
    if field in profile:
        return
    before = assess(profile)
    after = assess({**profile, field: data.draw(value_strategy(FIELDS[field]))})
    for r in before.by_verdict(ELIGIBLE):
        assert after.result(r.item_id).verdict == ELIGIBLE


@SETTINGS
@given(profiles)
def test_missing_facts_are_unknown_never_false(profile):
    """An undetermined item names open facts, and every open fact is one the profile does not hold — or a set
    fact whose held values leave the wanted one open (profile.yml `may_also_be`: 机关事业单位人员 may be 专业技术人才)."""
    for r in assess(profile).by_verdict(UNDETERMINED):
        assert r.missing
        for leaf in r.missing:
            if leaf.field in profile:
                also = FIELDS[leaf.field].get("may_also_be") or {}
                wanted = {leaf.value} if leaf.op == "has" else set(leaf.value)
                assert wanted & {v for held in profile[leaf.field] for v in also.get(held, [])}, (leaf.id, profile)
