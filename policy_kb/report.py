"""A readable Chinese self-check report for hotline staff, built from an eligibility Report by the composer."""

from __future__ import annotations

from .compose import report_reply, text
from .eligibility import Report
from .load import load_policy


def format_report(report: Report, show_all: bool = False) -> str:
    """Eligible and likely items in full; not-eligible ones with the reason (those the profile speaks to)."""
    policy = load_policy()
    materials = next(s["note"] for s in policy.document.get("silences", []) if s["topic"] == "materials")
    return text(report_reply(report, policy.document["doc_number"], materials, show_all=show_all))
