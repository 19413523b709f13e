"""A readable Chinese self-check report for hotline staff, built from an eligibility Report."""

from __future__ import annotations

from .eligibility import ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED, Report
from .load import load_policy

HEADER = "自查结果（依据东发〔2022〕26号；最终以责任单位审核认定为准）"


def _discretion(r) -> str:
    flags = [d["flag"] for d in r.discretion]
    return f"    注意：原文写有“{'”“'.join(flags)}”，金额或发放以考核认定为准" if flags else ""


def _money(r) -> list[str]:
    lines = []
    if r.amount_text:
        lines.append(f"    金额：{r.amount_text}")
    if r.schedule:
        lines.append(f"    发放：{r.schedule.text}")
    if r.payer or r.payer_note:
        lines.append(f"    资金：{r.payer or r.payer_note}")
    return lines


def format_result(r, detail: bool = True) -> list[str]:
    head = f"  {r.citation} {r.name}" + (f"：{r.amount_text}" if r.amount_text and not detail else "")
    lines = [head]
    if r.verdict == NOT_ELIGIBLE:
        for leaf in r.failed:
            lines.append(f"    原因：{leaf.explain()}。原文：“{leaf.quote}”")
        for miss in r.near_misses:
            lines.append(f"    提示：{miss.text}")
        return lines
    if detail:
        lines += _money(r)
        if r.met:
            lines.append("    已满足：" + "；".join(f"“{leaf.label}”" for leaf in r.met))
        if r.missing:
            lines.append("    还需满足：" + "；".join(f"“{leaf.label}”" for leaf in r.missing))
        lines.append(f"    责任单位：{'、'.join(r.units)}")
        note = _discretion(r)
        if note:
            lines.append(note)
        for amb in r.ambiguities:
            lines.append(f"    说明：{amb['note']}")
    return lines


def format_report(report: Report, show_all: bool = False) -> str:
    """Eligible and likely items in full; not-eligible ones with the reason (those the profile speaks to)."""
    lines = [HEADER]
    sections = [
        ("符合：", [r for r in report.results if r.verdict == ELIGIBLE]),
        ("可能符合，尚需确认：", [r for r in report.results if r.verdict == UNDETERMINED and (r.relevant or show_all)]),
        ("不符合：", [r for r in report.results if r.verdict == NOT_ELIGIBLE and (r.relevant or show_all)]),
    ]
    for title, results in sections:
        if results:
            lines.append(title)
            for r in results:
                lines += format_result(r)
    if len(lines) == 1:
        lines.append("根据目前提供的信息，还不能判断适用哪一项。")
    for note in report.notes:
        lines.append(f"说明：{note}")
    if report.next_question:
        lines.append(f"下一步：{report.next_question}")
    silences = {s["topic"]: s["note"] for s in load_policy().document.get("silences", [])}
    lines.append(f"申报材料与时间：{silences['materials']}")
    return "\n".join(lines)
