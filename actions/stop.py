"""Leaving a form ("不申请了", "不查了"). Outside a form, 好的/不用了/闲聊 are answered by the domain's responses
(bot/dialogue/rules.yml); while a form is open, the rules send them to the form as answers (bot/dialogue/forms.yml)."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from policy_kb import compose

from .base import APPLICATION, SELF_CHECK_QUESTION, SELF_CHECK_RESULT, SafeAction, utter


class Stop(SafeAction):
    """Leave the open form: the application's answers, or the self-check's facts, are dropped."""

    def name(self):
        return "action_stop"

    def answer(self, dispatcher, tracker, domain):
        flow = tracker.get_slot("flow")
        if flow == APPLICATION:
            utter(dispatcher, compose.text_reply("stop", compose.LEFT_APPLICATION))
            return [SlotSet("applicant", None), SlotSet("apply_field", None), SlotSet("requested_field", None)]
        if flow in (SELF_CHECK_QUESTION, SELF_CHECK_RESULT):
            utter(dispatcher, compose.text_reply("stop", compose.LEFT_SELF_CHECK))
            return [SlotSet("profile", None), SlotSet("requested_field", None), SlotSet("topic", None)]
        dispatcher.utter_message(response="utter_deny")
        return []
