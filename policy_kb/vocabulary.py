"""Export the KB vocabulary to the NLU side: jieba user dictionary, Rasa lookup tables / synonyms / regexes,
spaCy EntityRuler patterns.

Everything here is *generated* from policy_kb/data (vocabulary.yml, units.yml, the clause numbering of load.py);
nothing is typed by hand except the numeric patterns (ages, years, days, amounts, clause references, phone and
ID numbers), which are shapes, not facts.

    python -m policy_kb.vocabulary --out build/nlu      # jieba/ dictionary, spacy_patterns.jsonl, domain.yml
    python -m policy_kb.vocabulary --lookups nlu_data/generated/kb_lookups.yml

Design notes (see shared/DESIGN.md §3):
- jieba: every multi-character term gets a high frequency so jieba keeps it whole (正高级职称, 执业医师); single
  characters (男, 女) are left to jieba so that 子女 is not split into 子/女.
- Rasa lookups are written longest first (博士研究生 before 博士), because the regex alternation matches the
  first alternative, and they are used with word boundaries off.
- A term listed under two canonical values of different entity types (初级: title or cert_level) is reported by
  `ambiguous_terms()`; the extractor resolves it from context.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import OrderedDict
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

import yaml

from .load import CLAUSE_LABELS, load_policy
from .paths import ROOT

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
]
# Types whose values are numbers or shapes (extracted by rules, normalized with cn2an).
NUMERIC_TYPES = ["age", "years", "days", "amount", "clause", "phone", "id_number"]
ALL_ENTITY_TYPES = VOCAB_TYPES + ["unit"] + NUMERIC_TYPES

# Aliases too generic to be taken as a responsible unit on their own (乡镇卫生院, 我在乡镇工作): they stay
# synonyms for the KB search, but the NLU rules do not tag them as `unit`.
GENERIC_UNIT_ALIASES = {"乡镇", "街道"}

QUOTES = "“”‘’\"'「」《》"
JIEBA_FREQ = 200000  # high enough to keep a KB term whole in any sentence
JIEBA_TAG = "nz"

# jieba cuts text into blocks of these characters before it consults the dictionary: a term with any other
# character (“双一流”, 村（社区）干部) can never be one jieba word, so it is left out of the dictionary (the spaCy
# phrase patterns still match it as a token sequence).
_JIEBA_BLOCK = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")

# ---------------------------------------------------------------------------------------------------------------
# Numbers: shapes shared by the regex features, the spaCy patterns and the value parser.
CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUM_CHARS = CN_DIGITS + "十百千万亿"
NUM = rf"(?:\d+(?:\.\d+)?|[{CN_NUM_CHARS}]+)"
NUM_WITH_WAN = rf"(?:\d+(?:\.\d+)?[万千]?|[{CN_NUM_CHARS}]+)"

NUMERIC_REGEXES: Dict[str, List[str]] = {
    "clause": [
        r"第\s*[（(]?\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[）)]?\s*条",
        r"[（(](?:[一二三四五六七八九十]{1,3})[）)]",
        r"条款\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})",
    ],
    "age": [rf"{NUM}\s*周?岁"],
    "years": [rf"{NUM}\s*(?:年|个年头)(?!\d)"],
    "days": [rf"{NUM}\s*(?:天|日)"],
    "amount": [rf"{NUM_WITH_WAN}\s*(?:万元|万块|万|千元|千块|元|块钱|块)"],
    "phone": [r"(?<!\d)1[3-9]\d{9}(?!\d)"],
    "id_number": [r"(?<![\dXx])\d{17}[\dXx](?![\dXx])"],
}


# ---------------------------------------------------------------------------------------------------------------
def entity_terms() -> "OrderedDict[str, OrderedDict[str, List[str]]]":
    """entity type → canonical value → the surface forms (the canonical value first, then its synonyms)."""
    policy = load_policy()
    out: "OrderedDict[str, OrderedDict[str, List[str]]]" = OrderedDict((etype, OrderedDict()) for etype in VOCAB_TYPES)
    for etype, canonical, forms in policy.vocabulary_forms():
        if etype in out:
            out[etype][canonical] = forms
    out["unit"] = OrderedDict(policy.unit_forms())
    return out


def rule_terms() -> "OrderedDict[str, OrderedDict[str, List[str]]]":
    """The terms the rule extractor tags: entity_terms() less the generic unit aliases."""
    terms = entity_terms()
    for name, forms in terms["unit"].items():
        terms["unit"][name] = [f for f in forms if f not in GENERIC_UNIT_ALIASES]
    # quotation marks around a term (“双一流”) are not part of the entity
    for values in terms.values():
        for canonical, forms in values.items():
            values[canonical] = list(OrderedDict.fromkeys(f.strip(QUOTES) for f in forms if f.strip(QUOTES)))
    return terms


def term_index() -> Dict[str, List[Tuple[str, str]]]:
    """surface form (lower-cased) → [(entity type, canonical value)], in VOCAB_TYPES order."""
    index: Dict[str, List[Tuple[str, str]]] = {}
    for etype, values in entity_terms().items():
        for canonical, forms in values.items():
            for form in forms:
                pair = (etype, canonical)
                bucket = index.setdefault(form.lower(), [])
                if pair not in bucket:
                    bucket.append(pair)
    return index


def ambiguous_terms() -> Dict[str, List[Tuple[str, str]]]:
    """Surface forms that name more than one (type, value): the extractor resolves them from context."""
    return {t: pairs for t, pairs in term_index().items() if len(pairs) > 1}


def canonical_values(etype: str) -> List[str]:
    return list(entity_terms().get(etype, {}).keys())


def all_terms() -> List[str]:
    seen = OrderedDict()
    for values in entity_terms().values():
        for forms in values.values():
            for f in forms:
                seen[f] = None
    return list(seen)


# ---------------------------------------------------------------------------------------------------------------
# jieba
def jieba_user_dict() -> str:
    """The jieba user dictionary: `word freq tag` per line, longest first, stable order."""
    words = set()
    for term in all_terms():
        term = term.strip()
        if len(term) < 2 or not _JIEBA_BLOCK.match(term):
            continue
        words.add(term)
    # numbers are split from their units (35岁 → 35 / 岁) by the tokenizer, not the dictionary
    lines = [f"{w} {JIEBA_FREQ} {JIEBA_TAG}" for w in sorted(words, key=lambda w: (-len(w), w))]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Rasa training data: lookup tables, synonyms, regexes
def clause_forms(number: int) -> List[str]:
    """Surface forms of a clause reference that the NLU maps to the clause number."""
    cn = CLAUSE_LABELS[number - 1]
    return [f"第（{cn}）条", f"第({cn})条", f"第{cn}条", f"第{number}条", f"（{cn}）", f"条款{cn}", f"条款{number}"]


def synonyms() -> "OrderedDict[str, List[str]]":
    """canonical value → surface forms that differ from it (Rasa EntitySynonymMapper is type-blind, so a form
    that would map to two different values is left out)."""
    targets: Dict[str, set] = {}
    for _etype, values in entity_terms().items():
        for canonical, forms in values.items():
            for form in forms:
                targets.setdefault(form.lower(), set()).add(canonical)
    for n in range(1, 15):
        for form in clause_forms(n):
            targets.setdefault(form.lower(), set()).add(str(n))
    out: "OrderedDict[str, List[str]]" = OrderedDict()

    def add(canonical: str, form: str) -> None:
        if form == canonical or len(targets.get(form.lower(), ())) != 1:
            return
        bucket = out.setdefault(canonical, [])
        if form not in bucket:
            bucket.append(form)

    for _etype, values in entity_terms().items():
        for canonical, forms in values.items():
            for form in forms:
                add(canonical, form)
    for n in range(1, 15):
        for form in clause_forms(n):
            add(str(n), form)
    return out


def lookup_tables() -> "OrderedDict[str, List[str]]":
    """entity type → every surface form, longest first (for RegexFeaturizer with word boundaries off)."""
    out: "OrderedDict[str, List[str]]" = OrderedDict()
    for etype, values in rule_terms().items():
        forms = OrderedDict()
        for canonical_forms in values.values():
            for f in canonical_forms:
                forms[f] = None
        out[etype] = sorted(forms, key=lambda f: (-len(f), f))
    return out


def rasa_nlu_yaml() -> str:
    """nlu_data/generated/kb_lookups.yml: lookup tables, synonyms and regexes in Rasa 3 YAML."""

    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)

    lines = [
        "# GENERATED by `python -m policy_kb.vocabulary` (make nlu-data) from policy_kb/data — do not edit.",
        "# tests/nlu/test_generated.py checks that this file equals a fresh generation.",
        'version: "3.1"',
        "nlu:",
    ]
    for etype, forms in lookup_tables().items():
        lines.append(f"- lookup: {etype}")
        lines.append("  examples: |")
        lines.extend(f"    - {f}" for f in forms)
    for canonical, forms in synonyms().items():
        lines.append(f"- synonym: {q(canonical)}")
        lines.append("  examples: |")
        lines.extend(f"    - {f}" for f in forms)
    for name, patterns in NUMERIC_REGEXES.items():
        lines.append(f"- regex: {name}")
        lines.append("  examples: |")
        lines.extend(f"    - {p}" for p in patterns)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# spaCy
def spacy_phrase_patterns() -> List[dict]:
    """EntityRuler phrase patterns: label = entity type, id = canonical value (the value the actions read)."""
    patterns = []
    for etype, values in rule_terms().items():
        for canonical, forms in values.items():
            for form in forms:
                patterns.append({"label": etype, "pattern": form, "id": canonical})
    return patterns


def _cn_num_token() -> str:
    return rf"^(?:\d+(?:\.\d+)?|[{CN_NUM_CHARS}]+)$"


def spacy_token_patterns() -> List[dict]:
    """EntityRuler token patterns for numbers with their units. Tokens are split at number/unit boundaries by
    bot.nlu.segment, so `35岁`, `三十五周岁`, `10万元`, `第（九）条` arrive as separate tokens."""
    num = {"TEXT": {"REGEX": _cn_num_token()}}
    small = {"TEXT": {"REGEX": r"^(?:\d{1,2}|[一二三四五六七八九十]{1,3})$"}}
    cn_small = {"TEXT": {"REGEX": r"^[一二三四五六七八九十]{1,3}$"}}
    lpar = {"ORTH": {"IN": ["（", "("]}}
    rpar = {"ORTH": {"IN": ["）", ")"]}}
    return [
        {"label": "clause", "id": "num", "pattern": [{"ORTH": "第"}, lpar, small, rpar, {"ORTH": "条"}]},
        {"label": "clause", "id": "num", "pattern": [{"ORTH": "第"}, small, {"ORTH": "条"}]},
        {"label": "clause", "id": "num", "pattern": [{"ORTH": "第"}, small, {"ORTH": "款"}]},
        {"label": "clause", "id": "num", "pattern": [lpar, cn_small, rpar]},
        {"label": "clause", "id": "num", "pattern": [{"ORTH": "条款"}, small]},
        {"label": "clause", "id": "num", "pattern": [cn_small, {"ORTH": "条"}]},
        {"label": "age", "id": "num", "pattern": [num, {"ORTH": {"IN": ["岁", "周岁"]}}]},
        {"label": "years", "id": "num", "pattern": [num, {"ORTH": {"IN": ["年", "个年头"]}}]},
        {"label": "days", "id": "num", "pattern": [num, {"ORTH": {"IN": ["天", "日"]}}]},
        {
            "label": "amount",
            "id": "num",
            "pattern": [num, {"ORTH": {"IN": ["万元", "万块", "万", "千元", "千块", "元", "块钱", "块"]}}],
        },
        {"label": "phone", "id": "as_typed", "pattern": [{"TEXT": {"REGEX": r"^1[3-9]\d{9}$"}}]},
        {"label": "id_number", "id": "as_typed", "pattern": [{"TEXT": {"REGEX": r"^\d{17}[\dXx]$"}}]},
    ]


def spacy_patterns() -> List[dict]:
    return spacy_phrase_patterns() + spacy_token_patterns()


# ---------------------------------------------------------------------------------------------------------------
# Minimal NLU domain (for `rasa data validate` of nlu_data/ alone; the project's domain.yml is someone else's)
INTENTS = [
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "bot_challenge",
    "human_handoff",
    "out_of_scope",
    "chitchat",
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
    "ask_contact",
    "stop",
]


def nlu_domain_yaml() -> str:
    data = {"version": "3.1", "intents": INTENTS, "entities": ALL_ENTITY_TYPES}
    return "# GENERATED by policy_kb.vocabulary: the NLU-only domain used by `make nlu-validate`.\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False
    )


# ---------------------------------------------------------------------------------------------------------------
def fingerprint(texts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def write_jieba_dict(directory: Path) -> Path:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "kb_userdict.txt"
    text = jieba_user_dict()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def write_if_changed(path: Path, text: str) -> bool:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


DEFAULT_OUT = ROOT / "build" / "nlu"
DEFAULT_LOOKUPS = ROOT / "nlu_data" / "generated" / "kb_lookups.yml"


def write_all(out: Path = DEFAULT_OUT, lookups: Path = DEFAULT_LOOKUPS) -> List[Path]:
    """Write every generated NLU file; files whose content is unchanged keep their mtime (make stays quiet)."""
    out = Path(out)
    written = [write_jieba_dict(out / "jieba")]
    patterns = "\n".join(json.dumps(p, ensure_ascii=False) for p in spacy_patterns()) + "\n"
    write_if_changed(out / "spacy_patterns.jsonl", patterns)
    written.append(out / "spacy_patterns.jsonl")
    write_if_changed(out / "domain.yml", nlu_domain_yaml())
    written.append(out / "domain.yml")
    if lookups is not None:
        write_if_changed(Path(lookups), rasa_nlu_yaml())
        written.append(Path(lookups))
    return written


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="build directory for jieba/ and spaCy patterns")
    ap.add_argument("--lookups", default=str(DEFAULT_LOOKUPS), help="Rasa lookup/synonym/regex YAML to write")
    args = ap.parse_args(argv)
    for p in write_all(Path(args.out), Path(args.lookups)):
        print(p)


if __name__ == "__main__":
    main()
