"""Rasa component: normalize the message text before it is tokenized.

policy_kb.normalize.normalize (OpenCC t2s, full-width → half-width, emoji and control characters dropped,
whitespace folded, length cap), typed `/intent{…}` commands disarmed (never a Rasa command: bot/channels/inbound.py),
then same-length typo fixes (bot.nlu.typos). Numbers are *not* rewritten here:
三十五岁 stays in the text and becomes the value "35" in the entity extractor, so offsets stay true.

For training examples whose text changes, entity offsets are carried over to the new text (character alignment);
an annotation that cannot be carried over is dropped with a warning.
"""

from __future__ import annotations

import difflib
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from policy_kb.normalize import MAX_CHARS, normalize

from .typos import fix_typos

logger = logging.getLogger(__name__)


# `/intent{"entity": "value"}`: Rasa's RegexMessageHandler (the NLU's last step) would take such a text as an
# intent with entities (`/restart` restarts the conversation). The assistant's buttons carry plain-text payloads,
# so a message of this shape is always something a user typed (or pasted, or wrote in full-width: ／restart).
COMMAND = re.compile(r"^/+\s*([^{]*?)\s*(\{.*\})?\s*$", re.S)


def disarm_command(text: str) -> str:
    """A typed command as plain words: `/inform{"age":"30"}` → `inform` (no slash, no entity payload)."""
    m = COMMAND.match(text)
    return m.group(1) if m else text


# A Chinese character held down five times or more ("博博博博博…") says no more than three of it (谢谢谢谢 stays); a long run would otherwise
# outweigh every other word of the message in the classifier. Digits and letters are left alone (ID numbers, amounts).
REPEATED_HAN = re.compile(r"([\u4e00-\u9fff])\1{4,}")


def normalize_text(text: Optional[str], max_chars: int = MAX_CHARS) -> str:
    """What the NLU sees: the shared normalizer, typed commands disarmed, held-down characters cut to three, then
    the typo fixes."""
    return fix_typos(REPEATED_HAN.sub(r"\1\1\1", disarm_command(normalize(text, max_chars=max_chars))))


def offset_map(old: str, new: str) -> Dict[int, int]:
    """old offset → new offset for the characters (and the end position) that survive normalization."""
    mapping: Dict[int, int] = {}
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1 + 1):
                mapping.setdefault(i1 + k, j1 + k)
    mapping[len(old)] = len(new)
    return mapping


def remap_entities(old: str, new: str, entities: List[dict]) -> List[dict]:
    mapping = offset_map(old, new)
    out = []
    for ent in entities:
        start, end = mapping.get(ent["start"]), mapping.get(ent["end"])
        if start is None or end is None or end <= start:
            logger.warning("dropping entity %r: its text did not survive normalization of %r", ent, old)
            continue
        out.append({**ent, "start": start, "end": end})
    return out


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TextNormalizer(GraphComponent):
    """Normalizes TEXT in place; registered as a featurizer so that it also runs on the training data."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_chars": MAX_CHARS}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._max_chars = int(config.get("max_chars", MAX_CHARS))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TextNormalizer":
        return cls(config)

    @staticmethod
    def required_packages() -> List[Text]:
        # opencc-python-reimplemented imports as `opencc`: Rasa would look the import name up as a distribution
        return []

    def _normalize_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str):
            return
        new = normalize_text(text, self._max_chars)
        if new == text:
            return
        entities = message.get(ENTITIES)
        message.set(TEXT, new)
        if entities:
            message.set(ENTITIES, remap_entities(text, new, entities))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._normalize_message(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize_message(message)
        return messages
