"""The self-check conversation, driven by the engine's next question.

Facts accumulate in the `profile` slot; each message may add several ("我34岁，全日制硕士研究生") or correct one
("我说错了，是36岁"); a bare answer fills the field just asked (`requested_field`). Other questions asked in between
are answered by their own actions, which then repeat the open question, so the check resumes.
"""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from policy_kb.answers import is_unknown, parse_answer
from policy_kb.eligibility import ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED, assess
from policy_kb.profile import fields
from policy_kb.topics import facts_from_entities

from .base import SafeAction, entities_of, facts_from_json, intent_of, jsonable_facts, set_topic, text_of
from .compose import extra_discretion, schedule_text
from .kb import policy

NUMBER_UNITS = {"age": "岁", "contract_years": "年", "days_per_year": "天"}
START = "好的，我们来做个自查。请告诉我您的情况，可以一次说几项，例如：我34岁，全日制硕士研究生，拟到事业单位工作。"


def _merge(profile: dict, new: dict, replace: bool) -> dict:
    out = dict(profile)
    for key, value in new.items():
        if isinstance(value, (set, frozenset)) and not replace and key in out:
            out[key] = set(out[key]) | set(value)
        else:
            out[key] = value
    return out


def _line(r, count: int | None = None) -> str:
    item = policy().item(r.item_id)
    sched_text = schedule_text(item, count=count)
    flags = extra_discretion(item, f"{r.amount_text}{sched_text}")
    money = f"：{r.amount_text}" if r.amount_text else ""
    sched = f"（{sched_text}）" if sched_text else ""
    cond = f"，须“{'”“'.join(flags)}”" if flags else ""
    return f"{r.citation} {r.name}{money}{sched}{cond}"


def report_text(report, count: int | None = None) -> str:
    """The self-check result; `count`: the head count told (组织转移并稳定就业人数), for per-head sums."""
    eligible = report.by_verdict(ELIGIBLE)
    likely = [r for r in report.by_verdict(UNDETERMINED) if r.relevant][:3]
    missed = [r for r in report.by_verdict(NOT_ELIGIBLE) if r.relevant][:3]
    lines = [f"自查结果（依据{policy().document['doc_number']}，最终以责任单位审核认定为准）："]
    for r in eligible:
        lines.append(f"✓ 符合 {_line(r, count)}。责任单位：{'、'.join(r.units)}。")
    for r in likely:
        lines.append(f"？可能符合 {_line(r)}。还需满足：{'；'.join(leaf.label for leaf in r.missing)}。")
    for r in missed:
        reasons = "；".join(f"{leaf.explain()}（原文：“{leaf.quote}”）" for leaf in r.failed)
        amount = f"（{r.amount_text}）" if r.amount_text else ""
        lines.append(f"✗ 不符合 {r.citation} {r.name}{amount}：{reasons}。")
        lines += [f"  提示：{m.text}" for m in r.near_misses]
    if len(lines) == 1:
        lines.append("根据目前的信息，还没有找到适用的待遇。")
    lines += [f"说明：{note}" for note in report.notes]
    return "\n".join(lines)


class SelfCheck(SafeAction):
    def name(self):
        return "action_self_check"

    def answer(self, dispatcher, tracker, domain):
        stored = tracker.get_slot("profile") or {}
        profile = facts_from_json(stored)
        skipped = list(stored.get("_skipped", []))
        profile.pop("_skipped", None)
        new = facts_from_entities(entities_of(tracker))
        new.pop("_social_worker", None)
        requested = tracker.get_slot("requested_field")
        text = text_of(tracker)
        if requested:
            # A bare number answers the question asked: "36" after "服务期几年" is not an age.
            for field, unit in NUMBER_UNITS.items():
                if field != requested and field in new and unit not in text:
                    new.pop(field)
        if requested and requested not in new:
            value = parse_answer(requested, text)
            if value is not None:
                new[requested] = value
            elif is_unknown(text):
                skipped.append(requested)
            elif not new:  # an answer we cannot read: ask again, with the choices
                spec = fields()[requested]
                choices = f"（可选：{'、'.join(spec['values'])}）" if "values" in spec else ""
                dispatcher.utter_message(text=f"抱歉，没能读懂这个回答。{spec['question']}{choices}")
                return []
        profile = _merge(profile, new, replace=intent_of(tracker) == "correct")
        if not profile:
            # nothing about the person was told: if the words ask about the policy ("社工证补贴"), answer that
            from . import questions

            named = [e for e in entities_of(tracker) if e.get("entity") not in ("aspect", "headcount")]
            reply, events = questions.answer(tracker, text, entities_of(tracker)) if named else ("", [])
            if reply:
                dispatcher.utter_message(text=reply)
                return events
            dispatcher.utter_message(text=START)
            return [SlotSet("requested_field", None)]
        report = assess(jsonable_facts(profile), skip=skipped)
        reply = report_text(report, profile.get("transferred_workers"))
        likely = [r for r in report.by_verdict(UNDETERMINED) if r.relevant]
        next_field = report.next_field if likely else None
        if next_field:
            reply += f"\n为进一步判断，{fields()[next_field]['question']}（不清楚可回复“不知道”）"
        elif report.by_verdict(ELIGIBLE):
            reply += "\n需要的话，回复“申请”可预填申请表。"
        else:
            reply += "\n如还有职称、证书、岗位等情况，可以继续告诉我。"
        dispatcher.utter_message(text=reply)
        shown = report.by_verdict(ELIGIBLE) + likely
        items = [policy().item(r.item_id) for r in shown]
        stored = jsonable_facts(profile)
        stored["_skipped"] = skipped
        return [
            SlotSet("profile", stored),
            SlotSet("requested_field", next_field),
            set_topic(
                "self_check", items, profile, int(items[0]["id"][1:3]) if items else None, verdicts=verdicts(report)
            ),
        ]


def verdicts(report) -> list[dict]:
    """The verdict on every item this person was shown or told of, with the conditions failed and by how much —
    what the office's console counts (docs/console.md)."""
    return [
        {
            "item": r.item_id,
            "clause": r.clause,
            "verdict": r.verdict,
            "failed": [{"id": leaf.id, "field": leaf.field, "label": leaf.label, "gap": leaf.gap} for leaf in r.failed],
        }
        for r in report.results
        if r.relevant
    ]
