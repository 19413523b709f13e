"""The self-check conversation, driven by the engine's next question.

Facts accumulate in the `profile` slot; each message may add several ("我34岁，全日制硕士研究生") or correct one
("我说错了，是36岁"); a bare answer fills the field just asked (`requested_field`). Other questions asked in between
are answered by their own actions, which then repeat the open question, so the check resumes.
"""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from policy_kb import compose
from policy_kb.answers import is_unknown, parse_answer
from policy_kb.eligibility import ELIGIBLE, UNDETERMINED, assess
from policy_kb.profile import fields
from policy_kb.statements import facts_by_person
from policy_kb.topics import facts_from_entities, with_double_certificate

from . import questions
from .base import (
    SafeAction,
    entities_of,
    facts_from_json,
    intent_of,
    jsonable_facts,
    set_topic,
    text_of,
    topic_of,
    utter,
)
from .kb import kb

NUMBER_UNITS = {"age": "岁", "contract_years": "年", "days_per_year": "天"}


def _merge(profile: dict, new: dict, replace: bool) -> dict:
    out = dict(profile)
    for key, value in new.items():
        if isinstance(value, (set, frozenset)) and not replace and key in out:
            out[key] = set(out[key]) | set(value)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):  # _excluded, _said: per field
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


class SelfCheck(SafeAction):
    def name(self):
        return "action_self_check"

    def answer(self, dispatcher, tracker, domain):
        stored = tracker.get_slot("profile") or {}
        # what the person told of themselves in the question before (我是区人民医院的副主任医师) is not asked again
        profile = facts_from_json(stored or (topic_of(tracker) or {}).get("facts"))
        skipped = list(stored.get("_skipped", []))
        profile.pop("_skipped", None)
        text = text_of(tracker)
        people = facts_by_person(text, entities_of(tracker), facts_from_entities)
        if len(people) > 1:  # 我爸…，我妈…: each person checked and reported on their own
            utter(dispatcher, persons_reply(people, profile))
            return [SlotSet("requested_field", None)]
        person, new = people[0]
        new = with_double_certificate(text, new, told=profile)
        new.pop("_social_worker", None)
        requested = tracker.get_slot("requested_field")
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
            elif not new and not asks_of_an_item(entities_of(tracker), text):  # unreadable: ask again, with the choices
                spec = fields()[requested]
                said = compose.unreadable_answer_text(spec["question"], spec.get("values"))
                utter(dispatcher, compose.text_reply("self_check", said))
                return []
        profile = _merge(profile, new, replace=intent_of(tracker) == "correct")
        if not profile:
            # nothing about the person was told: if the words ask about the policy ("社工证补贴"), answer that
            named = [e for e in entities_of(tracker) if e.get("entity") not in ("aspect", "headcount")]
            reply, events = questions.answer(tracker, text, entities_of(tracker)) if named else (None, [])
            if reply:
                utter(dispatcher, reply)
                return events
            utter(dispatcher, compose.text_reply("self_check", compose.SELF_CHECK_START))
            return [SlotSet("requested_field", None)]
        report = assess(jsonable_facts(profile), skip=skipped)
        likely = [r for r in report.by_verdict(UNDETERMINED) if r.relevant]
        next_field = report.next_field if likely else None
        question = fields()[next_field]["question"] if next_field else None
        if person.key != "我" or stored.get("_person"):  # 帮我妈问一下: the check is hers, and stays hers
            profile["_person"] = stored.get("_person") or person.label
        count = profile.get("transferred_workers")
        measures = measures_asked(entities_of(tracker))
        utter(dispatcher, compose.self_check_reply(report, count, question, profile.get("_person"), measures))
        shown = report.by_verdict(ELIGIBLE) + likely
        items = [kb().item(r.item_id) for r in shown]
        stored = jsonable_facts(profile)
        stored["_skipped"] = skipped
        return [
            SlotSet("profile", stored),
            SlotSet("requested_field", next_field),
            set_topic("self_check", items, profile, items[0]["clause"] if items else None, verdicts=verdicts(report)),
        ]


def measures_asked(entities: list[dict]) -> list[dict]:
    """The measures a self-check message asks of (“有没有进编的政策”) that the engine cannot decide: a person's
    items without conditions, named by the message's `measure` words."""
    words = [str(e["value"]) for e in entities if e.get("entity") == "measure"]
    named = questions.items_named(words, questions.ALL_KINDS) if words else []
    return [item for item, _score in named if "conditions" not in item and item.get("beneficiary") == "person"][:3]


def asks_of_an_item(entities: list[dict], text: str) -> bool:
    """“每月1500的那个补助我能拿吗” while a question is open: not an answer but a question on an item — the check
    answers it from the facts told so far (the open question stays open)."""
    named = any(e.get("entity") in ("aspect", "amount") for e in entities)
    return named and text.rstrip("？?。! ！").endswith(("吗", "呢", "么"))


def persons_reply(people, shared: dict):
    """One report per person the message describes (policy_kb.statements.facts_by_person)."""
    replies = []
    for person, facts in people:
        facts = {k: v for k, v in facts.items() if k != "_social_worker"}
        report = assess(jsonable_facts(_merge(shared, facts, replace=True) if person.key == "我" else facts))
        replies.append((person.label, compose.self_check_reply(report, facts.get("transferred_workers"))))
    return compose.persons_reply(replies)


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
