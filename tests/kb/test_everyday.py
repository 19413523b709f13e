"""The everyday words (policy_kb/data/everyday.yml) speak the profile's language: every fact, ruled-out value,
level and reading they name exists, and no word is kept twice (vocabulary.yml and everyday.yml)."""

from policy_kb import words
from policy_kb.statements import LEVEL_ORDER


def test_no_everyday_word_is_also_a_vocabulary_word(policy):
    vocabulary = {f for _kind, _canonical, forms in policy.vocabulary_forms() for f in forms}
    for key, entry in words.situations().items():
        assert not set(entry["words"]) & vocabulary, (key, set(entry["words"]) & vocabulary)


def test_what_a_word_means_or_rules_out_is_a_profile_value(policy):
    fields = policy.profile
    for key, entry in words.situations().items():
        assert entry.get("reason"), key  # a policy officer sees why
        for name, value in {**(entry.get("means") or {}), **(entry.get("excludes") or {})}.items():
            assert name in fields, (key, name)
            spec = fields[name]
            values = value if isinstance(value, list) else [value]
            for v in values:
                if spec["type"] == "bool":
                    assert isinstance(v, bool), (key, name, v)
                elif "values" in spec:
                    assert v in spec["values"], (key, name, v)


def test_readings_name_a_defined_term(policy):
    terms = {t["term"] for t in policy.terms}
    for key, entry in words.situations().items():
        if entry.get("reading"):
            assert entry["reading"] in terms, key


def test_levels_are_ordered_and_fit_the_fields_they_fill(policy):
    for word, level in words.levels().items():
        assert level in LEVEL_ORDER, word
    for thing, entry in words.levelled():
        spec = policy.profile[entry["field"]]
        if spec["type"] == "ordinal":
            assert LEVEL_ORDER[0] == spec["values"][0] and set(spec["values"]) <= set(LEVEL_ORDER), thing
            assert set(words.levels().values()) <= set(spec["values"]), (thing, entry["field"])
        else:
            assert spec["type"] == "bool" and entry["true_from"] in LEVEL_ORDER, thing


def test_persons_imply_only_a_known_gender(policy):
    for relation, entry in words.persons().items():
        assert entry["words"], relation
        assert entry.get("gender") in (None, *policy.profile["gender"]["values"]), relation
