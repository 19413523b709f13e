"""The NLU training data and the held-out set: sizes, alignment, separation."""

from collections import Counter
from pathlib import Path

import yaml

from bot.nlu.datatools import HELDOUT, check, load_examples, training_files
from bot.nlu.export import INTENTS

ROOT = Path(__file__).resolve().parents[2]
MAIN_INTENTS = [
    "ask_amount",
    "self_check",
    "ask_conditions",
    "ask_payment",
    "ask_unit",
    "ask_clause_text",
    "ask_unit_clauses",
    "ask_metadata",
    "ask_measure",
    "ask_admin_target",
    "ask_procedure",
    "ask_overview",
    "ask_detail",
    "follow_up",
    "apply",
    "correct",
    "inform",
    "out_of_scope",
    "chitchat",
]


def test_training_data_is_clean():
    assert check(training_files()) == []


def test_every_intent_is_trained_and_main_intents_have_40_examples():
    counts = Counter(i for _t, i, _e, _p in load_examples(training_files()))
    assert set(counts) == set(INTENTS)
    for intent in MAIN_INTENTS:
        assert counts[intent] >= 40, (intent, counts[intent])


def test_heldout_is_large_and_outside_the_training_path():
    examples = load_examples([HELDOUT])
    assert len(examples) >= 250
    assert not str(HELDOUT.resolve()).startswith(str((ROOT / "nlu_data").resolve()))
    assert {i for _t, i, _e, _p in examples} <= set(INTENTS)


def test_nlu_domain_lists_every_entity_type_used():
    from bot.nlu.datatools import load_examples as le
    from bot.nlu.export import nlu_domain_yaml
    from policy_kb.words import ALL_ENTITY_TYPES

    used = {e["entity"] for _t, _i, ents, _p in le(training_files() + [HELDOUT]) for e in ents}
    assert used <= set(ALL_ENTITY_TYPES)
    domain = yaml.safe_load(nlu_domain_yaml())
    assert set(domain["intents"]) == set(INTENTS) and set(domain["entities"]) == set(ALL_ENTITY_TYPES)
