"""End-to-end: the real Rasa server and action server on loopback (the `assistant` fixture, tests/conftest.py)."""

import uuid

import pytest

from bot.serve import post


class Chat:
    def __init__(self, url):
        self.url, self.sender = url, f"e2e-{uuid.uuid4().hex[:10]}"

    def ask(self, text):
        messages = post(self.url, {"sender": self.sender, "message": text})
        self.messages = messages
        parts = []
        for m in messages:
            parts.append(m.get("text") or "")
            parts += [b.get("title", "") for b in m.get("buttons") or []]
        return "\n".join(parts)


@pytest.fixture
def chat(assistant):
    return Chat(assistant)
