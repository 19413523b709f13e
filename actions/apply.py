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
from bot.prefill.payload import chat_summary
from bot.prefill.vault import conceal_fields, reveal_fields, reveal_text

from .base import SafeAction, facts_from_json, jsonable_facts, text_of

NAME_LIKE = re.compile(r"[\u4e00-\u9fff·]{2,6}")
NEED_SELF_CHECK = (
    "申请前需要先做个自查，确定可以申请哪些待遇。请告诉我您的情况，例如：我34岁，全日制硕士研究生，拟到事业单位工作。"
)


class ApplyFlow(SafeAction):
    def name(self):
        return "action_apply"

    def answer(self, dispatcher, tracker, domain):
        stored = tracker.get_slot("profile") or {}
        profile = jsonable_facts({k: v for k, v in facts_from_json(stored).items() if not k.startswith("_")})
        found = candidates(profile) if profile else {"eligible": [], "to_confirm": []}
        if not found["eligible"]:
            reason = (
                NEED_SELF_CHECK
                if not profile
                else (
                    "根据目前的自查结果，还没有确定符合的待遇，暂时不能预填申请表。"
                    + (
                        "还需确认：" + "；".join(f"{r.citation}{r.name}" for r in found["to_confirm"][:3])
                        if found["to_confirm"]
                        else ""
                    )
                )
            )
            dispatcher.utter_message(text=reason)
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
        lines = []
        if starting:
            names = "；".join(f"{r.citation}{r.name}" for r in found["eligible"])
            lines.append(f"好的，为您预填申请表。申请项目：{names}。")
        if extraction.errors:
            lines += list(extraction.errors.values())
        corrected = correction_target(text)
        if corrected and corrected not in extraction.values and corrected not in extraction.errors:
            applicant.pop(corrected, None)
            lines.append("好的，我们重新填写这一项。")
        question = next_question(applicant, profile)
        if question and not (extraction.errors and requested in extraction.errors):
            key, ask = question
            if added:
                lines.append("已记录：\n" + chat_summary({k: applicant[k] for k in added}, None))
            lines.append(ask)
            dispatcher.utter_message(text="\n".join(lines))
            return [SlotSet("applicant", conceal_fields(applicant)), SlotSet("apply_field", key)]
        if question:  # the answer to the field asked was invalid: ask it again
            dispatcher.utter_message(text="\n".join(lines))
            return [SlotSet("applicant", conceal_fields(applicant)), SlotSet("apply_field", requested)]
        try:
            app = create_application(profile, applicant)
        except NothingToApply as e:
            dispatcher.utter_message(text=str(e))
            return [SlotSet("apply_field", None)]
        summary = chat_summary(applicant, profile)
        lines.append(f"申请预填表已生成（编号{app.reference}），请核对：\n{summary}")
        lines.append(f"下载（Word）：{app.url}\n数据（JSON）：{app.json_url}")
        lines.append(
            f"链接有效期至{app.expires_at:%Y-%m-%d %H:%M}，过期后文件自动删除。"
            "本表为预填，申报材料以责任单位要求为准；核对签字后交责任单位。"
        )
        dispatcher.utter_message(text="\n".join(lines))
        # The document holds the data now; the conversation keeps not even the references.
        return [SlotSet("applicant", None), SlotSet("apply_field", None)]
