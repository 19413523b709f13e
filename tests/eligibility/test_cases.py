"""The eligibility cases in cases.yml, each run through the engine."""
from pathlib import Path

import pytest
import yaml

from policy_kb.eligibility import ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED, assess
from policy_kb.load import clause_citation

CASES = yaml.safe_load((Path(__file__).parent / "cases.yml").read_text(encoding="utf-8"))


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case, policy):
    report = assess(case["profile"])
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
    for item_id, gap in (case.get("gap") or {}).items():
        assert [leaf.gap for leaf in report.result(item_id).failed] == [gap]
    for item_id, leaf_ids in (case.get("near_miss") or {}).items():
        assert sorted(m.leaf.id for m in report.result(item_id).near_misses) == sorted(leaf_ids)
    for item_id, total in (case.get("schedule_total") or {}).items():
        assert report.result(item_id).schedule.total == total
    for r in report.results:
        assert r.citation == clause_citation(policy.clause_of(r.item_id)["number"])
