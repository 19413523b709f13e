"""Run an action as the action server would, on a tracker holding one user message (no trained model needed)."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.kb
from actions.base import ERROR_REPLY
from bot.nlu.aspects import aspect_entities
from bot.nlu.normalizer import normalize_text
from policy_kb.topics import entities_in


@pytest.fixture(autouse=True)
def fresh_kb(kb_path, monkeypatch):
    monkeypatch.setenv("POLICY_KB_DB", str(kb_path))
    actions.kb.kb.cache_clear()
    yield
    actions.kb.kb.cache_clear()


class Conversation:
    """Slots carried from one action to the next, as Rasa would carry them."""

    def __init__(self):
        self.slots = {
            "topic": None,
            "profile": None,
            "requested_field": None,
            "applicant": None,
            "apply_field": None,
            "flow": None,
        }

    def say(self, action, text, intent, entities=None, may_fail=False):
        """The reply's text. An action that fell into its error path (ERROR_REPLY) fails the test unless
        `may_fail`: the apology must never pass for an answer. The text reaches the action as the NLU leaves it
        (normalized), with the entities its rule extractors give: KB vocabulary words, aspects, head counts."""
        text = normalize_text(text)
        if entities is None:
            entities = sorted(entities_in(text) + aspect_entities(text), key=lambda e: e["start"])
        tracker = Tracker(
            sender_id="test",
            slots=dict(self.slots),
            latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities},
            events=[],
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, {}))
        for e in events:
            if e.get("event") == "slot":
                self.slots[e["name"]] = e["value"]
        self.messages = dispatcher.messages
        reply = "\n".join(m.get("text") or "" for m in dispatcher.messages)
        if not may_fail:
            assert ERROR_REPLY not in reply, f"{action.name()} failed on {text!r}"
        return reply


@pytest.fixture
def chat():
    return Conversation()


@pytest.fixture(scope="session")
def rule_entities():
    """What the NLU's KB rules give for a text (build/nlu/spacy_zh, `make nlu-data`), everyday words included."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    subprocess.run(["make", "--no-print-directory", "nlu-data"], cwd=root, check=True, capture_output=True)
    from bot.nlu.spacy_pipeline import DEFAULT_DIR, entities, load

    nlp = load(DEFAULT_DIR)
    return lambda text: entities(nlp, normalize_text(text))
