"""Rasa component: entities from the KB rules (the spaCy pipeline of bot.nlu.spacy_pipeline), merged with DIET's.

The spaCy pipeline is generated from the KB (make nlu-data → build/nlu/spacy_zh; generated here when missing),
copied into the trained model at training time (so a model archive is self-contained) and loaded from there.

Merging, for every message:
- every rule entity is kept, with its KB value (canonical vocabulary key, unit name, or integer string);
- a statistical entity (DIET, after EntitySynonymMapper) is kept only where no rule entity overlaps it, its
  confidence is at least `min_confidence`, and its value is exact: a canonical KB value of a vocabulary type or a
  unit name. Numbers, clause references, phone and ID numbers come from the rules only (a statistical guess such as
  张三 → clause 3 is never exact).
So every entity that leaves the NLU is a value the knowledge base can answer. Then policy_kb.statements marks
denied facts (role "not"), levels (区级示范 → a `level` entity) and the person each entity describes (group).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from policy_kb.statements import mark

logger = logging.getLogger(__name__)

NUMERIC = {"age", "years", "days", "amount", "clause"}
AS_TYPED = {"phone": re.compile(r"1[3-9]\d{9}"), "id_number": re.compile(r"\d{17}[\dXx]")}


def ensure_pipeline(path: Text) -> None:
    """(Re)build the KB spaCy pipeline into `path`; an unchanged build keeps the old files."""
    from .spacy_pipeline import build

    build(Path(path))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class KBEntityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "pipeline_path": "build/nlu/spacy_zh",
            # statistical entities below this confidence are dropped
            "min_confidence": 0.6,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy", "jieba", "cn2an"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # what the pipeline is built from, hashed in memory: nothing is written while Rasa fingerprints
        from .spacy_pipeline import source_fingerprint

        return source_fingerprint()

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, nlp: Any = None
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._nlp = nlp
        self._canonical: Dict[str, set] = {}
        if nlp is not None:
            values = nlp.get_pipe("kb_entity_values")
            self._canonical = values.canonical

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KBEntityExtractor":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from .spacy_pipeline import load

        path = self._config["pipeline_path"]
        ensure_pipeline(path)
        nlp = load(Path(path))
        with self._model_storage.write_to(self._resource) as directory:
            nlp.to_disk(Path(directory) / "spacy_zh")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "KBEntityExtractor":
        from .spacy_pipeline import load

        with model_storage.read_from(resource) as directory:
            nlp = load(Path(directory) / "spacy_zh")
        return cls(config, model_storage, resource, nlp)

    # ----------------------------------------------------------------------------------------------------------
    def rule_entities(self, text: str) -> List[Dict[str, Any]]:
        doc = self._nlp(text)
        return [
            {
                "entity": e.label_,
                "start": e.start_char,
                "end": e.end_char,
                "value": e.kb_id_,
                "confidence_entity": 1.0,
                "extractor": self.__class__.__name__,
            }
            for e in doc.ents
        ]

    def _exact_value(self, ent: Dict[str, Any], text: str) -> Optional[str]:
        etype = ent.get("entity")
        if etype in NUMERIC or etype in AS_TYPED:
            # numbers, clause references, phone and ID numbers are the rules' alone: a statistical guess there
            # (张三 → clause 3) is never exact
            return None
        value = str(ent.get("value", ""))
        if etype in self._canonical:
            return value if value in self._canonical[etype] else None
        return None

    def merge(self, text: str, statistical: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        rules = self.rule_entities(text)
        merged = list(rules)
        for ent in statistical:
            if any(ent["start"] < r["end"] and r["start"] < ent["end"] for r in rules):
                continue
            confidence = ent.get("confidence_entity")
            if confidence is not None and confidence < self._config["min_confidence"]:
                continue
            value = self._exact_value(ent, text)
            if value is None:
                continue
            if any(ent["start"] < m["end"] and m["start"] < ent["end"] for m in merged):
                continue
            merged.append({**ent, "value": value})
        return sorted(merged, key=lambda e: (e["start"], e["end"]))

    def process(self, messages: List[Message]) -> List[Message]:
        if self._nlp is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            # denials, levels and persons marked once, here (policy_kb.statements)
            entities = mark(text, self.merge(text, message.get(ENTITIES, []) or []))
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
