"""What a question asks (its aspects) and the head counts it states, as entities; a Rasa component adds them.

The aspect cues live in bot/nlu/aspects.yml. Every cue found becomes an `aspect` entity whose value is the
aspect's key; a number of people ("200人", "十五个人") becomes a `headcount` entity with its integer value. The
actions read both from the NLU's entities: what is asked is understood here, what it is about comes from the KB
entities (bot/nlu/entities.py), and the answer combines them (actions/questions.py).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml

from policy_kb.shapes import CN_NUM_CHARS

from .numbers import to_number

CUES = Path(__file__).with_name("aspects.yml")
HEADCOUNT = re.compile(rf"(\d+|[{CN_NUM_CHARS}]+)\s*(?:个|名|位)?\s*(?:人|劳动力|工人)(?!才|员|社|民|事|口)")


@functools.lru_cache(maxsize=4)
def cues(path: str = str(CUES)) -> List[tuple]:
    """(cue, aspect) pairs, longest cue first, so 谁出钱 is taken before 多少 could be."""
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    pairs = [(cue, aspect) for aspect, words in data.items() for cue in words]
    return sorted(pairs, key=lambda p: -len(p[0]))


def aspect_entities(
    text: str, found: Optional[List[Dict[str, Any]]] = None, cues_path: Optional[str] = None
) -> List[Dict[str, Any]]:
    """Every aspect cue in `text`, longest first, not overlapping each other nor the entities already `found`
    (主管护师 is a title, not 主管 + 护师), as entity dicts in text order."""
    taken = [False] * len(text)
    for e in found or []:
        taken[e["start"] : e["end"]] = [True] * (e["end"] - e["start"])
    out = []
    for cue, aspect in cues(cues_path or str(CUES)):
        start = text.find(cue)
        while start >= 0:
            end = start + len(cue)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(cue)
                out.append({"entity": "aspect", "value": aspect, "start": start, "end": end})
            start = text.find(cue, end)
    for m in HEADCOUNT.finditer(text):
        value = to_number(m.group(1))
        if value is not None and value == int(value) and 0 < value < 10_000_000:
            out.append({"entity": "headcount", "value": str(int(value)), "start": m.start(), "end": m.end()})
    return sorted(out, key=lambda e: (e["start"], e["end"]))


def aspects_of(entities: List[Dict[str, Any]]) -> List[str]:
    """The aspects named by a message's entities, in order of appearance, without repeats."""
    return list(dict.fromkeys(e["value"] for e in entities if e.get("entity") == "aspect"))


try:  # the Rasa component; the functions above work without Rasa (tests, the action server)
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.nlu.extractors.extractor import EntityExtractorMixin
    from rasa.shared.nlu.constants import ENTITIES, TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
except ImportError:  # pragma: no cover
    GraphComponent = None

if GraphComponent is not None:

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
    class AspectExtractor(GraphComponent, EntityExtractorMixin):
        """Adds `aspect` and `headcount` entities to the entities already found. The cues (bot/nlu/aspects.yml)
        are copied into the model when it is trained, so a model archive answers the same wherever it runs; the
        fingerprint hashes them, so editing the cues retrains."""

        @classmethod
        def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
            import hashlib

            return hashlib.sha256(CUES.read_bytes()).hexdigest()

        def __init__(self, model_storage: ModelStorage, resource: Resource, cues_path: Optional[str] = None):
            self._model_storage, self._resource, self._cues = model_storage, resource, cues_path

        @classmethod
        def create(
            cls,
            config: Dict[Text, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
        ) -> "AspectExtractor":
            return cls(model_storage, resource, str(CUES))

        def train(self, training_data: TrainingData) -> Resource:
            with self._model_storage.write_to(self._resource) as directory:
                (Path(directory) / CUES.name).write_bytes(CUES.read_bytes())
            return self._resource

        @classmethod
        def load(
            cls,
            config: Dict[Text, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
            **kwargs: Any,
        ) -> "AspectExtractor":
            import tempfile

            with model_storage.read_from(resource) as directory:  # the copy outlives the storage's context
                kept = Path(tempfile.mkdtemp(prefix="aspects-")) / CUES.name
                kept.write_bytes((Path(directory) / CUES.name).read_bytes())
            return cls(model_storage, resource, str(kept))

        def process(self, messages: List[Message]) -> List[Message]:
            for message in messages:
                text = message.get(TEXT) or ""
                found = [
                    {**e, "confidence_entity": 1.0, "extractor": self.__class__.__name__}
                    for e in aspect_entities(text, message.get(ENTITIES) or [], self._cues)
                ]
                if found:
                    merged = sorted((message.get(ENTITIES) or []) + found, key=lambda e: (e["start"], e["end"]))
                    message.set(ENTITIES, merged, add_to_output=True)
            return messages
