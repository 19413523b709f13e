"""The application form in the chat: '我要申请' → the fields an office needs, asked one at a time (several may be
given at once; facts the self-check knows are not asked again; any field can be corrected) → a prefilled DOCX and
JSON behind an unguessable, expiring download link. ID numbers and phones are masked in every reply; the
conversation never holds them: the channel replaced them by references to the prefill store's vault, this action
reveals them only in memory, and its slot keeps references (bot/prefill/vault.py)."""

from __future__ import annotations

import contextlib
import re

from rasa_sdk.events import SlotSet

from bot.prefill import (
    InvalidValue,
    NothingToApply,
    candidates,
    correction_target,
    create_application,
    next_question,
    read_answer,
    validate_field,
)
from bot.prefill.applicant import known_values
from bot.prefill.payload import summary_fields
from bot.prefill.vault import conceal_fields, reveal_fields, reveal_text
from policy_kb import compose

from .base import SafeAction, facts_from_json, jsonable_facts, text_of, utter

NAME_LIKE = re.compile(r"[\u4e00-\u9fff·]{2,6}")


class ApplyFlow(SafeAction):
    def name(self):
        return "action_apply"

    def answer(self, dispatcher, tracker, domain):
        stored = tracker.get_slot("profile") or {}
        profile = jsonable_facts({k: v for k, v in facts_from_json(stored).items() if not k.startswith("_")})
        found = candidates(profile) if profile else {"eligible": [], "to_confirm": []}
        if not found["eligible"]:
            utter(dispatcher, compose.cannot_apply_reply(found["to_confirm"], bool(profile)))
            return [SlotSet("apply_field", None)]

        applicant = reveal_fields(tracker.get_slot("applicant") or {})
        requested = tracker.get_slot("apply_field")
        text = reveal_text(text_of(tracker))
        starting = requested is None
        extraction = read_answer(text, None if starting else requested, known_values(applicant, profile))
        added = dict(extraction.values)
        lead = re.split(r"[，,；;。\s]", text, maxsplit=1)[0]
        if "name" not in applicant and "name" not in added and added and NAME_LIKE.fullmatch(lead):
            with contextlib.suppress(InvalidValue):  # "张三，身份证…": a name leads the message
                added.update(validate_field("name", lead, known_values({**applicant, **added}, profile)))
        applicant.update(added)
        corrected = correction_target(text)
        corrected = bool(corrected and corrected not in extraction.values and corrected not in extraction.errors)
        if corrected:
            applicant.pop(correction_target(text), None)
        question = next_question(applicant, profile)
        asks_again = bool(question and extraction.errors and requested in extraction.errors)
        reply = compose.application_reply(
            found["eligible"],
            starting,
            list(extraction.errors.values()),
            corrected,
            summary_fields({k: applicant[k] for k in added}, None) if question and not asks_again else [],
            question[1] if question and not asks_again else None,
        )
        if question:  # the next field, or (the answer was invalid) the same one again
            utter(dispatcher, reply)
            key = requested if asks_again else question[0]
            return [SlotSet("applicant", conceal_fields(applicant)), SlotSet("apply_field", key)]
        try:
            app = create_application(profile, applicant)
        except NothingToApply as e:
            utter(dispatcher, compose.text_reply("application", str(e)))
            return [SlotSet("apply_field", None)]
        fields = summary_fields(applicant, profile)
        expires = f"{app.expires_at:%Y-%m-%d %H:%M}"
        utter(dispatcher, compose.application_made_reply(reply, fields, app.reference, app.url, app.json_url, expires))
        # The document holds the data now; the conversation keeps not even the references.
        return [SlotSet("applicant", None), SlotSet("apply_field", None)]
