"""The jieba dictionary, the Rasa lookup tables / synonyms and the spaCy patterns are generated from the KB."""

import json
from pathlib import Path

from bot.nlu import export as v
from policy_kb import words
from policy_kb.load import load_policy

ROOT = Path(__file__).resolve().parents[2]


def _kb_terms():
    policy = load_policy()
    for etype, values in policy.vocabulary.items():
        for canonical, synonyms in values.items():
            for form in [canonical] + list(synonyms or []):
                yield etype, str(canonical), str(form)
    for unit in policy.units:
        for form in [unit["name"]] + list(unit.get("aliases") or []):
            yield "unit", unit["name"], form


def test_committed_lookups_equal_a_fresh_generation():
    committed = (ROOT / "nlu_data" / "generated" / "kb_lookups.yml").read_text(encoding="utf-8")
    assert committed == v.rasa_nlu_yaml(), "run `make nlu-data` and commit nlu_data/generated/kb_lookups.yml"


def test_jieba_dictionary_holds_every_kb_term_it_can():
    words = {line.split()[0] for line in v.jieba_user_dict().splitlines()}
    for _etype, _canonical, form in _kb_terms():
        if len(form) >= 2 and v._JIEBA_BLOCK.match(form):
            assert form in words, form
    assert "男" not in words and "女" not in words  # single characters are left to jieba (子女 stays whole)


def test_lookup_tables_cover_the_vocabulary_longest_first():
    tables = v.lookup_tables()
    for etype, _canonical, form in _kb_terms():
        if etype == "unit" and form in words.GENERIC_UNIT_ALIASES:
            continue
        assert form.strip(words.QUOTES) in tables[etype], (etype, form)
    for forms in tables.values():
        assert [len(f) for f in forms] == sorted((len(f) for f in forms), reverse=True)
    degree = tables["degree"]
    assert degree.index("博士研究生") < degree.index("博士")


def test_synonyms_map_to_kb_values():
    syn = v.synonyms()
    assert "博士生" in syn["博士"] and "PhD" in syn["博士"]
    assert "卫健局" in syn["区卫生健康局"]
    assert "第（九）条" in syn["9"] and "第9条" in syn["9"]
    # a form naming two values of different types is left to the rules, not to the type-blind synonym mapper
    for term in words.ambiguous_terms():
        assert all(term not in forms for forms in syn.values())


def test_spacy_patterns_come_from_the_vocabulary():
    phrase = {(p["label"], p["id"], p["pattern"]) for p in v.spacy_phrase_patterns()}
    for etype, canonical, form in _kb_terms():
        if etype == "unit" and form in words.GENERIC_UNIT_ALIASES:
            continue
        assert (etype, canonical, form.strip(words.QUOTES)) in phrase, (etype, form)
    labels = {p["label"] for p in v.spacy_token_patterns()}
    assert {"age", "years", "days", "amount", "clause", "phone", "id_number"} <= labels


def test_saved_spacy_pipeline_matches_the_kb(rules_nlp):
    ruler = rules_nlp.get_pipe("entity_ruler")
    saved = {json.dumps(p, ensure_ascii=False, sort_keys=True) for p in ruler.patterns}
    fresh = {json.dumps(p, ensure_ascii=False, sort_keys=True) for p in v.spacy_patterns()}
    assert saved == fresh, "run `make nlu-data` to rebuild build/nlu/spacy_zh"
    assert rules_nlp.lang == "zh" and rules_nlp.tokenizer.segmenter == "jieba"
    assert rules_nlp.pipe_names == ["kb_token_splitter", "entity_ruler", "kb_entity_values"]


def test_tokenizer_fingerprint_follows_the_kb_vocabulary_and_writes_nothing(tmp_path, monkeypatch):
    from bot.nlu.tokenizer import KBJiebaTokenizer

    d = tmp_path / "jieba"
    before = KBJiebaTokenizer.fingerprint_addon({"dictionary_path": str(d)})
    assert before == KBJiebaTokenizer.fingerprint_addon({"dictionary_path": str(d)})
    assert not d.exists()  # fingerprinting builds no files
    fresh = v.jieba_user_dict()
    monkeypatch.setattr(v, "jieba_user_dict", lambda: fresh + "人才驿站 200000 nz\n")
    assert KBJiebaTokenizer.fingerprint_addon({"dictionary_path": str(d)}) != before


def test_entity_extractor_fingerprint_writes_nothing(tmp_path):
    from bot.nlu.entities import KBEntityExtractor

    path = tmp_path / "spacy_zh"
    first = KBEntityExtractor.fingerprint_addon({"pipeline_path": str(path)})
    assert first == KBEntityExtractor.fingerprint_addon({"pipeline_path": str(path)})
    assert not path.exists()


def test_missing_dictionary_is_generated(tmp_path):
    from bot.nlu.tokenizer import ensure_dictionary

    d = tmp_path / "fresh"
    ensure_dictionary(str(d))
    assert (d / "kb_userdict.txt").read_text(encoding="utf-8") == v.jieba_user_dict()


def test_config_uses_the_generated_files():
    import yaml

    cfg = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert cfg["language"] == "zh"
    by_name = {c["name"]: c for c in cfg["pipeline"]}
    assert by_name["bot.nlu.tokenizer.KBJiebaTokenizer"]["dictionary_path"] == "build/nlu/jieba"
    assert by_name["RegexFeaturizer"]["use_word_boundaries"] is False
    assert by_name["DIETClassifier"]["random_seed"] is not None
    assert any(
        c["name"] == "CountVectorsFeaturizer" and c.get("analyzer", "").startswith("char") for c in cfg["pipeline"]
    )
    assert "EntitySynonymMapper" in by_name and "FallbackClassifier" in by_name
