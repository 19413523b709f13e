"""Answers to questions about the policy: amounts, conditions, payment, units, clause text, metadata, measures,
administration targets, procedure, overview, details and follow-ups."""

from __future__ import annotations

from policy_kb import compose

from . import questions
from .base import SafeAction, entities_of, text_of, utter
from .suggest import suggest


class Question(SafeAction):
    """Every question about the policy takes one path (actions/questions.py): the aspects asked × the subject named,
    whatever intent the classifier chose; the intent only hints at the aspect when the words name none. The
    classes below are the names the dialogue rules use for each intent."""

    def answer(self, dispatcher, tracker, domain):
        reply, events = questions.answer(tracker, text_of(tracker), entities_of(tracker))
        if not reply and questions.asks_money_of_nothing(text_of(tracker), entities_of(tracker)):
            asked = questions.aspects_of(entities_of(tracker))
            reply = compose.overview_reply(payment="payment" in asked)
        if not reply:
            return suggest(dispatcher, tracker)
        utter(dispatcher, reply, tracker)
        return events


class AnswerAmount(Question):
    def name(self):
        return "action_answer_amount"


class AnswerConditions(Question):
    def name(self):
        return "action_answer_conditions"


class AnswerPayment(Question):
    def name(self):
        return "action_answer_payment"


class AnswerUnit(Question):
    def name(self):
        return "action_answer_unit"


class ClauseText(Question):
    def name(self):
        return "action_clause_text"


class UnitClauses(Question):
    def name(self):
        return "action_unit_clauses"


class Metadata(Question):
    def name(self):
        return "action_metadata"


class Measure(Question):
    """Non-money measures: 人才公寓, 子女入学, 配偶就业, 人才贷, 头雁人才, 雁归东川 …"""

    def name(self):
        return "action_answer_measure"


class AdminTarget(Question):
    def name(self):
        return "action_admin_target"


class Procedure(Question):
    """Materials, deadlines, where to submit: the policy is silent; say so and name the units."""

    def name(self):
        return "action_procedure"


class Overview(SafeAction):
    """'有哪些人才政策': the money benefits, one line each. A question that names what it asks or what about
    ("五大计划都有哪些", "六大产业包括什么") is answered on the one path instead."""

    def name(self):
        return "action_overview"

    def answer(self, dispatcher, tracker, domain):
        reply, events = questions.answer(tracker, text_of(tracker), entities_of(tracker))
        if reply:
            utter(dispatcher, reply, tracker)
            return events
        utter(dispatcher, compose.overview_reply())
        return []


class Detail(Question):
    def name(self):
        return "action_detail"


class FollowUp(Question):
    """'那硕士呢', '责任单位呢', '谁出钱': the previous topic, with the new value or the new aspect."""

    def name(self):
        return "action_follow_up"
