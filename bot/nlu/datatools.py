"""Tools for the NLU training data (nlu_data/) and the held-out test file.

    python -m bot.nlu.datatools annotate nlu_data/amount.yml ...   # add rule annotations to plain examples
    python -m bot.nlu.datatools check                                # alignment, duplicates, overlap (nlu-validate)

`annotate` only touches examples that carry no annotation yet: it marks the entities the KB rules find
([博士生](degree:博士)), which is the annotation convention (the span is the longest KB term, numbers keep their
unit: [35岁](age:35)). Hand annotations are never rewritten.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

ROOT = Path(__file__).resolve().parents[2]
TRAIN_DIR = ROOT / "nlu_data"
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"

_ANNOT = re.compile(r"\[[^\]]+\](\([^)]*\)|\{[^}]*\})")


def _nlp():
    from .entities import ensure_pipeline
    from .spacy_pipeline import DEFAULT_DIR, load

    ensure_pipeline(str(DEFAULT_DIR))
    return load(DEFAULT_DIR)


def annotate_text(nlp, text: str) -> str:
    doc = nlp(text)
    out, pos = [], 0
    for e in doc.ents:
        out.append(text[pos : e.start_char])
        surface = text[e.start_char : e.end_char]
        value = e.kb_id_
        label = e.label_ if value == surface else f"{e.label_}:{value}"
        out.append(f"[{surface}]({label})")
        pos = e.end_char
    out.append(text[pos:])
    return "".join(out)


def annotate_file(nlp, path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    changed = 0
    for i, line in enumerate(lines):
        m = re.match(r"^(\s+- )(.*)$", line)
        if not m or _ANNOT.search(m.group(2)) or line.strip().startswith("- intent") or ":" in line.split("- ", 1)[0]:
            continue
        # only example lines inside an `examples: |` block (indented four spaces)
        if not line.startswith("    - "):
            continue
        text = m.group(2)
        new = annotate_text(nlp, text)
        if new != text:
            lines[i] = m.group(1) + new
            changed += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


# ---------------------------------------------------------------------------------------------------------------
def load_examples(paths: Iterable[Path]) -> List[Tuple[str, str, List[dict], str]]:
    """(text, intent, entities, file) for every intent example in Rasa YAML files."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    out = []
    for path in paths:
        data = RasaYAMLReader().read(str(path))
        for ex in data.intent_examples:
            out.append((ex.get("text"), ex.get("intent"), ex.get("entities") or [], str(path)))
    return out


def training_files() -> List[Path]:
    return sorted(p for p in TRAIN_DIR.rglob("*.yml") if "generated" not in p.parts)


def check(paths: List[Path], heldout: Path = HELDOUT) -> List[str]:
    """Problems in the data: text the normalizer would change, entities off token boundaries, an example under two
    intents, held-out examples that are also training examples."""
    from policy_kb.words import ALL_ENTITY_TYPES

    from . import segment
    from .normalizer import normalize_text
    from .tokenizer import ensure_dictionary

    jieba_dir = str(ROOT / "build" / "nlu" / "jieba")
    ensure_dictionary(jieba_dir)
    segment.load_user_dictionaries(jieba_dir)
    problems: List[str] = []
    seen: Dict[str, str] = {}
    files = list(paths) + ([heldout] if heldout.exists() else [])
    train_texts = set()
    for text, intent, entities, path in load_examples(files):
        where = f"{Path(path).name}: {text!r}"
        if path == str(heldout):
            # the held-out set tests normalization too: check its entities on the normalized text
            from .normalizer import remap_entities

            norm = normalize_text(text)
            entities = remap_entities(text, norm, entities)
            text = norm
        elif normalize_text(text) != text:
            problems.append(f"{where}: the normalizer changes it to {normalize_text(text)!r}")
        tokens = segment.tokenize(text)
        starts = {s for _, s in tokens}
        ends = {s + len(w) for w, s in tokens}
        for e in entities:
            if e["entity"] not in ALL_ENTITY_TYPES:
                problems.append(f"{where}: unknown entity type {e['entity']}")
            if e["start"] not in starts or e["end"] not in ends:
                problems.append(
                    f"{where}: entity {text[e['start']:e['end']]!r} is not on token boundaries "
                    f"{[w for w, _ in tokens]}"
                )
        if path != str(heldout):
            train_texts.add(text)
            if text in seen and seen[text] != intent:
                problems.append(f"{where}: also under intent {seen[text]} (here {intent})")
            seen[text] = intent
    if heldout.exists():
        for text, _intent, _e, _path in load_examples([heldout]):
            if text in train_texts or normalize_text(text) in train_texts:
                problems.append(f"heldout example is also a training example: {text!r}")
    return problems


def rasa_validate() -> List[str]:
    """Rasa's own validator on nlu_data/ with the NLU domain (build/nlu/domain.yml): intents in the domain and the
    data, examples under two intents, synonym and regex checks. Every warning counts as a problem. The story checks
    are left out: stories and rules belong to the project's domain.yml (see `rasa data validate` there)."""
    import warnings

    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    from .export import write_all

    write_all()
    problems: List[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        importer = TrainingDataImporter.load_from_config(
            str(ROOT / "config.yml"), str(ROOT / "build" / "nlu" / "domain.yml"), [str(TRAIN_DIR)]
        )
        validator = Validator.from_importer(importer)
        ok = validator.verify_domain_validity()
        ok = validator.verify_intents(ignore_warnings=False) and ok
        ok = validator.verify_example_repetition_in_intents(ignore_warnings=False) and ok
        importer.get_nlu_data().validate()
    for w in caught:
        if issubclass(w.category, UserWarning) and not issubclass(w.category, DeprecationWarning):
            problems.append(f"rasa: {w.message}")
    if not ok and not problems:
        problems.append("rasa validator reported a problem")
    domain = ROOT / "domain.yml"
    if domain.exists():
        import yaml

        from policy_kb.words import ALL_ENTITY_TYPES

        d = yaml.safe_load(domain.read_text(encoding="utf-8")) or {}
        entities = {e if isinstance(e, str) else next(iter(e)) for e in d.get("entities") or []}
        problems += [f"domain.yml lacks entity {e}" for e in ALL_ENTITY_TYPES if e not in entities]
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("annotate")
    a.add_argument("files", nargs="+")
    sub.add_parser("check")
    sub.add_parser("validate")
    args = ap.parse_args(argv)
    if args.cmd == "annotate":
        nlp = _nlp()
        for f in args.files:
            print(f, annotate_file(nlp, Path(f)), "examples annotated")
        return 0
    problems = check(training_files())
    if args.cmd == "validate":
        problems += rasa_validate()
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
