"""Answers to questions about the policy: amounts, conditions, payment, units, clause text, metadata, measures,
administration targets, procedure, overview, details and follow-ups."""
from __future__ import annotations

from policy_kb.topics import facts_from_entities

from . import compose
from .base import SafeAction, entities_of, facts_from_json, set_topic, text_of, topic_of
from .fallback import suggest
from .kb import kb, policy, silence, silence_cited
from .topics import clause_named, resolve, search_items


def _resume(tracker) -> str:
    """Mid application or self-check, remind the person of the question still open."""
    apply_field = tracker.get_slot("apply_field")
    if apply_field:
        from bot.prefill.applicant import BY_KEY
        return "\n我们继续填写申请表：" + BY_KEY[apply_field].question
    field = tracker.get_slot("requested_field")
    if not field:
        return ""
    return "\n我们继续自查：" + policy().profile[field]["question"]


def _list_items(dispatcher, tracker, intent: str, items: list[dict]) -> list:
    """One line per item, then their units; the clause buttons when there is nothing to list."""
    if not items:
        return suggest(dispatcher, tracker)
    lines = [compose.item_line(i) for i in items]
    lines.append(compose.units_line(sorted({compose.clause_number(i) for i in items})))
    dispatcher.utter_message(text="\n".join(lines) + _resume(tracker))
    return [set_topic(intent, items, {}, compose.clause_number(items[0]))]


class AnswerAmount(SafeAction):
    def name(self):
        return "action_answer_amount"

    def answer(self, dispatcher, tracker, domain):
        items, facts = resolve(tracker, kinds=("benefit",))
        if not items:
            items, facts = resolve(tracker, kinds=("service",))
        if not items:
            return suggest(dispatcher, tracker)
        dispatcher.utter_message(text=compose.amount_reply(items) + _resume(tracker))
        return [set_topic("ask_amount", items, facts, compose.clause_number(items[0]))]


class AnswerConditions(SafeAction):
    def name(self):
        return "action_answer_conditions"

    def answer(self, dispatcher, tracker, domain):
        items, facts = resolve(tracker, kinds=("benefit", "service"), context_first=True)
        if not items:
            return suggest(dispatcher, tracker)
        about_age = any(w in text_of(tracker) for w in ("年龄", "岁", "年纪"))
        dispatcher.utter_message(text=compose.conditions_reply(items, about_age) + _resume(tracker))
        return [set_topic("ask_conditions", items, facts, compose.clause_number(items[0]))]


class AnswerPayment(SafeAction):
    def name(self):
        return "action_answer_payment"

    def answer(self, dispatcher, tracker, domain):
        items, facts = resolve(tracker, kinds=("benefit",), context_first=True)
        if not items:
            return suggest(dispatcher, tracker)
        dispatcher.utter_message(text=compose.payment_reply(items) + _resume(tracker))
        return [set_topic("ask_payment", items, facts, compose.clause_number(items[0]))]


class AnswerUnit(SafeAction):
    def name(self):
        return "action_answer_unit"

    def answer(self, dispatcher, tracker, domain):
        number = clause_named(tracker)
        items, facts = ([], {}) if number else resolve(tracker, context_first=True)
        numbers = [number] if number else sorted({compose.clause_number(i) for i in items[:3]})
        if not numbers:
            return suggest(dispatcher, tracker)
        cites = "、".join(compose.cite(n) for n in numbers)
        reply = f"{cites}{compose.units_line(numbers)}{silence('where_to_apply')}"
        dispatcher.utter_message(text=reply + _resume(tracker))
        return [set_topic("ask_unit", items, facts, numbers[0])]


class ClauseText(SafeAction):
    def name(self):
        return "action_clause_text"

    def answer(self, dispatcher, tracker, domain):
        number = clause_named(tracker) or topic_of(tracker).get("clause")
        if not number:
            dispatcher.utter_message(text="请告诉我条款号，例如：第九条原文、第（六）条。本文件共十四条。")
            return []
        dispatcher.utter_message(text=compose.clause_reply(int(number)) + _resume(tracker))
        return [set_topic("ask_clause_text", [], {}, int(number))]


class UnitClauses(SafeAction):
    def name(self):
        return "action_unit_clauses"

    def answer(self, dispatcher, tracker, domain):
        unit = next((e["value"] for e in entities_of(tracker) if e.get("entity") == "unit"), None)
        reply = compose.unit_reply(unit or text_of(tracker))
        if not reply:
            names = "、".join(n for n in kb().unit_names())
            dispatcher.utter_message(text=f"本文件写到的责任单位有：{names}。请问您想查哪一个？")
            return []
        dispatcher.utter_message(text=reply + _resume(tracker))
        return []


class Metadata(SafeAction):
    def name(self):
        return "action_metadata"

    def answer(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=compose.metadata_reply() + _resume(tracker))
        return []


class Measure(SafeAction):
    """Non-money measures: 人才公寓, 子女入学, 配偶就业, 人才贷, 头雁人才, 雁归东川 …"""

    def name(self):
        return "action_answer_measure"

    def answer(self, dispatcher, tracker, domain):
        words = [e["value"] for e in entities_of(tracker) if e.get("entity") in ("measure", "talent_group")]
        query = " ".join(words) + " " + text_of(tracker)
        return _list_items(dispatcher, tracker, "ask_measure", search_items(query, kinds=("service", "benefit"))[:2])


class AdminTarget(SafeAction):
    def name(self):
        return "action_admin_target"

    def answer(self, dispatcher, tracker, domain):
        items, _ = resolve(tracker, kinds=("target",))
        return _list_items(dispatcher, tracker, "ask_admin_target", items[:3])


class Procedure(SafeAction):
    """Materials, deadlines, where to submit: the policy is silent; say so and name the units."""

    def name(self):
        return "action_procedure"

    def answer(self, dispatcher, tracker, domain):
        items, _ = resolve(tracker, context_first=True, search=False)
        numbers = sorted({compose.clause_number(i) for i in items[:3]})
        text = text_of(tracker)
        notes = [silence("deadline")] if any(w in text for w in ("时间", "截止", "什么时候", "期限", "多久")) else []
        notes.append(silence("materials"))
        reply = "".join(dict.fromkeys(notes))
        if numbers:
            reply += "\n" + "、".join(compose.cite(n) for n in numbers) + compose.units_line(numbers)
        else:
            reply += "\n" + silence_cited("procedure")
        dispatcher.utter_message(text=reply + _resume(tracker))
        return []


class Overview(SafeAction):
    def name(self):
        return "action_overview"

    def answer(self, dispatcher, tracker, domain):
        doc = policy().document
        lines = [f"{doc['doc_number']}共{len(doc['parts'])}部分{len(policy().clauses)}条。面向个人和单位的资金待遇有："]
        for item in policy().items:
            if item["kind"] == "benefit" and item.get("amount"):
                lines.append(f"· {compose.cite(item)} {item['name']}：{compose.amount_text(item)}")
        lines.append("可以问“博士能拿多少补贴”，或直接说“我34岁，全日制硕士”做自查。")
        dispatcher.utter_message(text="\n".join(lines))
        return []


class Detail(SafeAction):
    def name(self):
        return "action_detail"

    def answer(self, dispatcher, tracker, domain):
        topic = topic_of(tracker)
        items = [policy().item(i) for i in topic.get("items") or []]
        if not items and topic.get("clause"):
            dispatcher.utter_message(text=compose.clause_reply(int(topic["clause"])))
            return []
        if not items:
            dispatcher.utter_message(text="请先告诉我您想了解哪一项，例如：博士能拿多少补贴。")
            return []
        dispatcher.utter_message(text=compose.detail_reply(items) + _resume(tracker))
        return []


FOLLOW_UPS = {
    "ask_amount": AnswerAmount, "ask_conditions": AnswerConditions, "ask_payment": AnswerPayment,
    "ask_unit": AnswerUnit,
}


class FollowUp(SafeAction):
    """'那硕士呢', '副高级的呢': the previous question again, with the new value in place of the old."""

    def name(self):
        return "action_follow_up"

    def answer(self, dispatcher, tracker, domain):
        topic = topic_of(tracker)
        new = facts_from_entities(entities_of(tracker))
        if topic.get("intent") == "self_check" or tracker.get_slot("requested_field"):
            from .selfcheck import SelfCheck
            return SelfCheck().answer(dispatcher, tracker, domain)
        if not new:
            if topic.get("intent") in FOLLOW_UPS:
                return FOLLOW_UPS[topic["intent"]]().answer(dispatcher, tracker, domain)
            return suggest(dispatcher, tracker)
        facts = facts_from_json(topic.get("facts"))
        facts.update(new)
        action = FOLLOW_UPS.get(topic.get("intent"), AnswerAmount)()
        kinds = ("benefit",) if isinstance(action, (AnswerAmount, AnswerPayment)) else ("benefit", "service")
        items, facts = resolve(tracker, kinds=kinds, facts=facts)
        if not items:  # the old facts may contradict the new ones (卫生院 + 博士): the new alone
            items, facts = resolve(tracker, kinds=kinds, facts=new)
        if not items:
            return suggest(dispatcher, tracker)
        if isinstance(action, AnswerConditions):
            text = compose.conditions_reply(items)
        elif isinstance(action, AnswerPayment):
            text = compose.payment_reply(items)
        else:
            text = compose.amount_reply(items)
        dispatcher.utter_message(text=text + _resume(tracker))
        return [set_topic(topic.get("intent") or "ask_amount", items, facts, compose.clause_number(items[0]))]

