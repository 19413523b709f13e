"""Rasa component: JiebaTokenizer with the KB user dictionary, a fingerprint of it, and KB-aware token splits.

- `dictionary_path` is a *directory* (Rasa globs `path/*`); the dictionary is (re)written from the KB when the
  component is created (bot.nlu.export.write_jieba_dict, unchanged files keep their mtime), so a fresh clone trains
  without a separate step.
- `fingerprint_addon` hashes the dictionary as the KB generates it (in memory, nothing is written) and the segmenter
  version: editing the vocabulary retrains the model (the stock JiebaTokenizer does not notice).
- tokens come from bot.nlu.segment: numbers are split from their units and clause references from the words
  around them; whitespace tokens are dropped.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from . import segment

logger = logging.getLogger(__name__)


def ensure_dictionary(path: Optional[Text]) -> None:
    """Write the KB jieba dictionary into `path` (a file whose content is unchanged is left alone)."""
    if not path:
        return
    from .export import write_jieba_dict

    write_jieba_dict(path)


def dictionary_fingerprint() -> str:
    """A hash of the dictionary the KB generates now, computed without writing anything."""
    from .export import fingerprint, jieba_user_dict

    return fingerprint([jieba_user_dict()])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class KBJiebaTokenizer(JiebaTokenizer):
    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        if not config.get("dictionary_path"):
            return f"segmenter-{segment.SEGMENTER_VERSION}"
        return f"segmenter-{segment.SEGMENTER_VERSION}-dict-{dictionary_fingerprint()}"

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KBJiebaTokenizer":
        ensure_dictionary(config.get("dictionary_path"))
        return super().create(config, model_storage, resource, execution_context)

    @staticmethod
    def _load_custom_dictionary(path: Text) -> None:
        segment.load_user_dictionaries(path)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute) or ""
        tokens = [Token(word, start) for word, start in segment.tokenize(text)]
        return self._apply_token_pattern(tokens)
