"""“咨询电话是多少”, “找谁咨询”, “怎么联系人社局”: the policy publishes no telephone numbers or addresses.

The reply says so first (document.yml, silence `contact`), then names the responsible units — of the unit asked
about, of the clause named or talked about, or of every clause — and adds the office's own contact when one is
configured (HUMAN_HANDOFF_CONTACT). Every unit and clause comes from the knowledge base.
"""

from __future__ import annotations

import os

from policy_kb import compose

from .base import SafeAction, entities_of, text_of, topic_of, utter
from .kb import kb
from .questions import clauses_named

ASK_AN_ITEM = "告诉我您想办理的事项（例如：博士生活补贴找哪个部门），我可以说明对应条款的责任单位。"


def configured_contact() -> str:
    contact = os.environ.get("HUMAN_HANDOFF_CONTACT", "").strip()
    return f"咨询渠道：{contact}" if contact else ""


def _clauses_in_context(tracker) -> list[int]:
    named = clauses_named(text_of(tracker), entities_of(tracker))
    if named:
        return named[:3]
    topic = topic_of(tracker)
    ids = topic.get("items") or []
    numbers = sorted({compose.clause_number(kb().item(i)) for i in ids if kb().item(i)})
    if numbers:
        return numbers[:3]
    return [int(topic["clause"])] if topic.get("clause") else []


def units_by_clause() -> list[str]:
    """One line per clause: its citation and responsible units, as the text lists them."""
    return [f"{c.citation}：{'、'.join(c.units)}" for c in kb().clauses() if c.units]


def contact_reply(tracker) -> str:
    lines = [kb().silence("contact")]
    contact = configured_contact()
    if contact:
        lines.append(contact)
    text = text_of(tracker)
    named_unit = compose.unit_reply(text)
    numbers = _clauses_in_context(tracker)
    if named_unit:
        lines.append(named_unit)
    elif numbers:
        lines.append("、".join(compose.cite(n) for n in numbers) + compose.units_line(numbers))
    else:
        lines.append("各条款的责任单位如下，可向您所问事项所在条款的单位咨询：")
        lines += units_by_clause()
        lines.append(ASK_AN_ITEM)
    return "\n".join(lines)


class Contact(SafeAction):
    def name(self):
        return "action_contact"

    def answer(self, dispatcher, tracker, domain):
        utter(dispatcher, compose.text_reply("contact", contact_reply(tracker), _clauses_in_context(tracker)), tracker)
        return []
