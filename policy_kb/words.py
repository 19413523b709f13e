"""The one reader of the KB's words: entity type → canonical value → the words people use for it (vocabulary.yml,
units.yml, the everyday words of everyday.yml). The NLU exports (bot/nlu/export.py), the self-check's reading of a message and the search all read the
vocabulary through this module.

A term listed under two canonical values of different entity types (初级: title or cert_level) is reported by
`ambiguous_terms()`; the extractor resolves it from context.
"""

from __future__ import annotations

import functools
from collections import OrderedDict

import yaml

from .load import load_policy
from .paths import DATA
from .shapes import NUMERIC_TYPES

# Entity types whose values come from vocabulary.yml (keys) — in the order the NLU lists them.
VOCAB_TYPES = [
    "degree",
    "title",
    "skill_level",
    "talent_programme",
    "talent_group",
    "role",
    "certificate",
    "cert_level",
    "school_tier",
    "full_time",
    "gender",
    "study_result",
    "measure",
    "sector",
    "situation",
]
# Entities policy_kb.statements adds to the NLU's: a level and the thing it qualifies, a person named.
STATEMENT_TYPES = ["level", "person"]
ALL_ENTITY_TYPES = VOCAB_TYPES + ["unit"] + NUMERIC_TYPES + STATEMENT_TYPES

# Aliases too generic to be taken as a responsible unit on their own (乡镇卫生院, 我在乡镇工作): they stay
# synonyms for the KB search, but the NLU rules do not tag them as `unit`.
GENERIC_UNIT_ALIASES = {"乡镇", "街道"}

QUOTES = "“”‘’\"'「」《》"


def entity_terms() -> OrderedDict[str, OrderedDict[str, list[str]]]:
    """entity type → canonical value → the surface forms (the canonical value first, then its synonyms)."""
    policy = load_policy()
    out: OrderedDict[str, OrderedDict[str, list[str]]] = OrderedDict((etype, OrderedDict()) for etype in VOCAB_TYPES)
    for etype, canonical, forms in policy.vocabulary_forms():
        if etype in out:
            out[etype][canonical] = forms
    out["situation"] = OrderedDict((key, [str(w) for w in entry["words"]]) for key, entry in situations().items())
    out["unit"] = OrderedDict(policy.unit_forms())
    return out


def rule_terms() -> OrderedDict[str, OrderedDict[str, list[str]]]:
    """The terms the rule extractor tags: entity_terms() less the generic unit aliases."""
    terms = entity_terms()
    for name, forms in terms["unit"].items():
        terms["unit"][name] = [f for f in forms if f not in GENERIC_UNIT_ALIASES]
    # quotation marks around a term (“双一流”) are not part of the entity
    for values in terms.values():
        for canonical, forms in values.items():
            values[canonical] = list(OrderedDict.fromkeys(f.strip(QUOTES) for f in forms if f.strip(QUOTES)))
    return terms


def term_index() -> dict[str, list[tuple[str, str]]]:
    """surface form (lower-cased) → [(entity type, canonical value)], in VOCAB_TYPES order."""
    index: dict[str, list[tuple[str, str]]] = {}
    for etype, values in entity_terms().items():
        for canonical, forms in values.items():
            for form in forms:
                pair = (etype, canonical)
                bucket = index.setdefault(form.lower(), [])
                if pair not in bucket:
                    bucket.append(pair)
    return index


def ambiguous_terms() -> dict[str, list[tuple[str, str]]]:
    """Surface forms that name more than one (type, value): the extractor resolves them from context."""
    return {t: pairs for t, pairs in term_index().items() if len(pairs) > 1}


def canonical_values(etype: str) -> list[str]:
    return list(entity_terms().get(etype, {}).keys())


def all_terms() -> list[str]:
    seen: OrderedDict[str, None] = OrderedDict()
    for values in entity_terms().values():
        for forms in values.values():
            for f in forms:
                seen[f] = None
    return list(seen)


# ---------------------------------------------------------------------------------------------------------------
# Everyday words (everyday.yml): what a word tells the self-check, what it rules out, levels, persons
@functools.lru_cache(maxsize=1)
def everyday() -> dict:
    with open(DATA / "everyday.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def situations() -> OrderedDict[str, dict]:
    """situation id (its first word) → {words, means, excludes, reason, reading}."""
    return OrderedDict((str(entry["words"][0]), entry) for entry in everyday()["situations"])


def situation(key: str) -> dict | None:
    return situations().get(key)


def levels() -> dict[str, str]:
    """level word (区级, 省里 …) → the level it names (县级, 省级 …), longest word first."""
    table = everyday()["levels"]
    return {w: table[w] for w in sorted(table, key=len, reverse=True)}


def levelled() -> list[tuple[str, dict]]:
    """(thing that has a level, its entry {field, true_from}), longest thing first."""
    pairs = [(str(t), entry) for entry in everyday()["levelled"] for t in entry["things"]]
    return sorted(pairs, key=lambda p: -len(p[0]))


def persons() -> dict[str, dict]:
    """relation → {words, gender}; the key `_together` holds the words that speak of everyone at once."""
    return everyday()["persons"]
