"""The eligibility cases in cases.yml, each run through the engine.

The expected amounts in the cases were read from the clause text, not from the knowledge base: a case that names an
item says what the text gives for it, and the engine's result (its amount, what it says, and the KB item behind it)
must be exactly that item's amount, not merely some amount the document states.
"""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from policy_kb.eligibility import ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED, assess
from tests.citations import CITATIONS

ROOT = Path(__file__).resolve().parents[2]
CASES = yaml.safe_load((Path(__file__).parent / "cases.yml").read_text(encoding="utf-8"))


def written_forms(value: int) -> set:
    """How the text writes an amount in yuan: 4000 → {"4000元", "0.4万元"}; 250000 → {"250000元", "25万元"}."""
    wan = f"{value / 10000:.4f}".rstrip("0").rstrip(".")
    return {f"{value}元", f"{wan}万元"}


def states(text: str, value: int) -> bool:
    """`text` writes `value` as a whole amount (not 4000 inside 14000元 or 40000元)."""
    return any(re.search(rf"(?<![\d.]){re.escape(form)}", text) for form in written_forms(value))


def check_amount(result, item: dict, expected, clause_text: str):
    """`expected` as in cases.yml: 4000 (fixed or ceiling), [min, max], {rate, max}, or null (the text gives none)."""
    amount = item.get("amount")
    if expected is None:
        assert amount is None and result.amount_max is None and result.amount_text == ""
        return
    if isinstance(expected, list):
        low, high = expected
        assert (amount["min"], amount["max"]) == (low, high)
        values = [low, high]
    elif isinstance(expected, dict):
        assert (amount["rate"], amount["max"]) == (expected["rate"], expected["max"])
        high, values = expected["max"], [expected["rate"], expected["max"]]
    else:
        high, values = expected, [expected]
        assert amount["max"] == expected and amount.get("min") in (None, expected)
    assert result.amount_max == high
    for value in values:
        assert states(clause_text, value), f"{value} is not written in the clause"
        assert states(result.amount_text, value) or f"{value}元/" in result.amount_text, result.amount_text
    said = {m.group(0) for m in re.finditer(r"\d+(?:\.\d+)?万?元", result.amount_text)}
    assert said <= set().union(*(written_forms(v) for v in values)), f"{result.amount_text} says more than {values}"


def test_every_case_names_the_amount_of_each_item_it_checks():
    for case in CASES:
        named = set()
        for part in [case, *(case.get("persons") or {}).values()]:
            named |= set(part.get("eligible", [])) | set(part.get("not_eligible") or {})
            named |= set(part.get("undetermined") or {})
        assert named <= set(case.get("amounts") or {}), case["name"]


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.fixture(scope="module")
def rules_nlp():
    """The NLU's rule entities (build/nlu/spacy_zh, generated from the KB by `make nlu-data`)."""
    subprocess.run(["make", "--no-print-directory", "nlu-data"], cwd=ROOT, check=True, capture_output=True)
    from bot.nlu.spacy_pipeline import DEFAULT_DIR, entities, load

    nlp = load(DEFAULT_DIR)
    return lambda text: entities(nlp, text)


def said_profiles(case, rules_nlp) -> dict:
    """person → profile: what `says` tells (the NLU's rule entities, read by policy_kb.statements), over `profile`."""
    from policy_kb.statements import facts_by_person
    from policy_kb.topics import facts_from_entities, with_double_certificate

    out = {}
    for person, facts in facts_by_person(case["says"], rules_nlp(case["says"]), facts_from_entities):
        facts = with_double_certificate(case["says"], facts)
        facts.pop("_social_worker", None)
        merged = {**(case.get("profile") or {}), **facts}
        out[person.key] = {k: sorted(v) if isinstance(v, (set, frozenset)) else v for k, v in merged.items()}
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case, policy, request):
    if "says" not in case:
        check(assess(case["profile"]), case, policy)
        return
    profiles = said_profiles(case, request.getfixturevalue("rules_nlp"))
    expected = case.get("persons") or {"我": case}
    assert sorted(profiles) == sorted(expected), profiles
    for person, expectations in expected.items():
        check(assess(profiles[person]), {**expectations, "amounts": case.get("amounts")}, policy)


def check(report, case: dict, policy) -> None:
    for item_id in case.get("eligible", []):
        r = report.result(item_id)
        assert r.verdict == ELIGIBLE, [leaf.explain() for leaf in r.failed + r.missing]
    for item_id, leaf_ids in (case.get("not_eligible") or {}).items():
        r = report.result(item_id)
        assert r.verdict == NOT_ELIGIBLE
        assert sorted(leaf.id for leaf in r.failed) == sorted(leaf_ids)
        for leaf in r.failed:
            assert leaf.quote in policy.clause_of(item_id)["text"]
    for item_id, fields in (case.get("undetermined") or {}).items():
        r = report.result(item_id)
        assert r.verdict == UNDETERMINED
        assert sorted({leaf.field for leaf in r.missing}) == sorted(fields)
    for item_id, leaf_ids in (case.get("already_failed") or {}).items():
        # an open item's conditions the person already fails on the way (the report says 已不满足)
        r = report.result(item_id)
        assert r.verdict == UNDETERMINED and [leaf.id for leaf in r.ruled_out] == leaf_ids
    for item_id in case.get("shown", []):
        assert report.result(item_id).relevant, f"{item_id} is this person's to hear about"
    for item_id in case.get("not_shown", []):
        assert not report.result(item_id).relevant, f"{item_id} is someone else's item"
    for item_id in case.get("no_reading", []):
        assert report.result(item_id).readings == [], report.result(item_id).readings
    for item_id, gap in (case.get("gap") or {}).items():
        assert [leaf.gap for leaf in report.result(item_id).failed] == [gap]
    for item_id, leaf_ids in (case.get("near_miss") or {}).items():
        assert sorted(m.leaf.id for m in report.result(item_id).near_misses) == sorted(leaf_ids)
    for item_id, total in (case.get("schedule_total") or {}).items():
        assert report.result(item_id).schedule.total == total
    for item_id, per_year in (case.get("schedule_per_year") or {}).items():
        assert report.result(item_id).schedule.per_year == per_year
    for item_id, expected in (case.get("amounts") or {}).items():
        check_amount(report.result(item_id), policy.item(item_id), expected, policy.clause_of(item_id)["text"])
    for item_id, term in (case.get("readings") or {}).items():
        # the reading names its clause first, the person's own fact, and the term it applies
        r = report.result(item_id)
        says = (case.get("reading_says") or {}).get(item_id, "")
        assert any(
            note.startswith(r.citation) and f"按“{term}”的口径" in note and says in note for note in r.readings
        ), r.readings
    for r in report.results:
        assert r.citation == CITATIONS[policy.clause_of(r.item_id)["number"]]
