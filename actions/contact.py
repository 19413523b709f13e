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


def contact_reply(tracker):
    return compose.contact_reply(
        os.environ.get("HUMAN_HANDOFF_CONTACT", "").strip(), text_of(tracker), _clauses_in_context(tracker)
    )


class Contact(SafeAction):
    def name(self):
        return "action_contact"

    def answer(self, dispatcher, tracker, domain):
        utter(dispatcher, contact_reply(tracker), tracker)
        return []
