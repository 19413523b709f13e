"""Short replies (好的/不用了/闲聊) outside a form, and leaving a form ("不申请了", "不查了").

While a form is open, the dialogue rules send 好的/不用了 to the form as answers (bot/dialogue/rules.yml)."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from .base import APPLICATION, SELF_CHECK_QUESTION, SELF_CHECK_RESULT, SafeAction, intent_of

RESPONSES = {"affirm": "utter_affirm", "deny": "utter_deny", "chitchat": "utter_chitchat"}
LEFT_APPLICATION = "好的，已停止填写申请表，刚才填写的内容已清除。需要时说“申请”可以重新开始。"
LEFT_SELF_CHECK = "好的，已结束自查，刚才提供的情况已清除。需要时说“自查”可以重新开始。"


class SmallTalk(SafeAction):
    def name(self):
        return "action_small_talk"

    def answer(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response=RESPONSES.get(intent_of(tracker), "utter_default"))
        return []


class Stop(SafeAction):
    """Leave the open form: the application's answers, or the self-check's facts, are dropped."""

    def name(self):
        return "action_stop"

    def answer(self, dispatcher, tracker, domain):
        flow = tracker.get_slot("flow")
        if flow == APPLICATION:
            dispatcher.utter_message(text=LEFT_APPLICATION)
            return [SlotSet("applicant", None), SlotSet("apply_field", None), SlotSet("requested_field", None)]
        if flow in (SELF_CHECK_QUESTION, SELF_CHECK_RESULT):
            dispatcher.utter_message(text=LEFT_SELF_CHECK)
            return [SlotSet("profile", None), SlotSet("requested_field", None), SlotSet("topic", None)]
        dispatcher.utter_message(response="utter_deny")
        return []
