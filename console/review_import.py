"""`make review-import`: reviewed messages → NLU examples (nlu_data/reviewed.yml) and end-to-end cases
(tests/e2e/reviewed.yml, read by tests/e2e/test_rest.py), for a person to look at before committing.

- An NLU example is the message as the NLU sees it (bot/nlu/normalizer), under the intent the reviewer confirmed or
  gave, its entities annotated by the data tools' KB rules (bot/nlu/datatools.annotate_text); where the reviewer
  listed the right entities, only those are kept, and a value the rules did not find is marked where it occurs
  literally. A message with a personal-data reference ([身份证号#…]) or already in nlu_data/ or the held-out file
  is not added.
- An end-to-end case is written when the reviewer named the clause the answer must cite or what it must contain:
  {q, clause, amounts, says} as in tests/e2e/questions.yml.
- Each review is imported once (reviews.imported_at); `--all` imports every review again.
"""

from __future__ import annotations

import datetime
import re
import sqlite3
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
NLU_FILE = ROOT / "nlu_data" / "reviewed.yml"
E2E_FILE = ROOT / "tests" / "e2e" / "reviewed.yml"
REFERENCE = re.compile(r"\[[^\]]*#[^\]]*\]")
ANNOTATION = re.compile(r"\[([^\]]+)\]\(([a-z_]+)(?::([^)]*))?\)")
NLU_HEADER = (
    "# Examples from real conversations, reviewed in the office console and imported by `make review-import`\n"
    "# (console/review_import.py). Look at each before committing.\n"
)
E2E_HEADER = (
    "# Cases from real conversations, reviewed in the office console and imported by `make review-import`;\n"
    "# tests/e2e/test_rest.py runs them like questions.yml. Look at each before committing.\n"
)


def _annotated(nlp, text: str, wanted: list[tuple[str, str]]) -> str:
    from bot.nlu.datatools import annotate_text

    found = annotate_text(nlp, text)
    if not wanted:
        return found

    def keep(m):
        entity, value = m.group(2), m.group(3) or m.group(1)
        return m.group(0) if (entity, value) in wanted else m.group(1)

    kept = ANNOTATION.sub(keep, found)
    present = {(m.group(2), m.group(3) or m.group(1)) for m in ANNOTATION.finditer(kept)}
    for entity, value in wanted:
        if (entity, value) in present:
            continue
        plain = ANNOTATION.sub(lambda m: "\0" * len(m.group(0)), kept)  # do not annotate inside an annotation
        at = plain.find(value)
        if at >= 0:
            kept = f"{kept[:at]}[{value}]({entity}){kept[at + len(value):]}"
    return kept


def _known_texts() -> set[str]:
    from bot.nlu.datatools import HELDOUT, load_examples, training_files

    files = [p for p in training_files() if p != NLU_FILE] + ([HELDOUT] if HELDOUT.exists() else [])
    return {text for text, *_ in load_examples(files)}


def _read_nlu(nlu_file: Path) -> dict[str, list[str]]:
    if not nlu_file.exists():
        return {}
    data = yaml.safe_load(nlu_file.read_text(encoding="utf-8")) or {}
    out = {}
    for block in data.get("nlu") or []:
        out[block["intent"]] = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
    return out


def _write_nlu(examples: dict[str, list[str]], nlu_file: Path) -> None:
    lines = [NLU_HEADER + 'version: "3.1"', "nlu:"]
    for intent in sorted(examples):
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {e}" for e in examples[intent]]
    nlu_file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _case(text: str, clause: int | None, wanted: str | None, citation: str | None) -> dict | None:
    words = (wanted or "").split()
    if not clause and not words:
        return None
    case = {"q": text}
    if clause and citation:
        case["clause"] = citation.removeprefix("第（").removesuffix("）条")
    amounts = [w for w in words if w.endswith("元")]
    says = [w for w in words if not w.endswith("元")]
    if amounts:
        case["amounts"] = amounts
    if says:
        case["says"] = says
    return case


def run(events: Path, all_reviews: bool = False, nlu_file: Path = NLU_FILE, e2e_file: Path = E2E_FILE) -> int:
    from bot.nlu.datatools import _nlp
    from bot.nlu.normalizer import normalize_text
    from console.plugins.console_plugin import parse_entities

    conn = sqlite3.connect(str(events), timeout=30)
    conn.row_factory = sqlite3.Row
    # The latest review of each message decides.
    rows = conn.execute(
        "select r.*, c.citation from reviews r left join kb_clauses c on c.number = r.clause "
        "where r.id in (select max(id) from reviews group by message_id) and r.text is not null"
        + ("" if all_reviews else " and r.imported_at is null")
        + " order by r.id"
    ).fetchall()
    if not rows:
        print("no reviewed message to import")
        return 0
    nlp, known = _nlp(), _known_texts()
    examples = _read_nlu(nlu_file)
    in_file = {ANNOTATION.sub(r"\1", e) for lst in examples.values() for e in lst}
    cases = yaml.safe_load(e2e_file.read_text(encoding="utf-8")) if e2e_file.exists() else []
    cases = cases or []
    asked = {c["q"] for c in cases}
    added_nlu = added_e2e = skipped = 0
    for r in rows:
        text = normalize_text(r["text"]).strip()
        if not text or REFERENCE.search(text) or r["intent"] in (None, "nlu_fallback"):
            skipped += 1
            continue
        if text not in known and text not in in_file:
            examples.setdefault(r["intent"], []).append(_annotated(nlp, text, parse_entities(r["entities"] or "")))
            in_file.add(text)
            added_nlu += 1
        case = _case(text, r["clause"], r["amounts"], r["citation"])
        if case and text not in asked:
            cases.append(case)
            asked.add(text)
            added_e2e += 1
    if added_nlu:
        _write_nlu(examples, nlu_file)
    if added_e2e:
        body = "".join(
            f"- {yaml.safe_dump(c, allow_unicode=True, default_flow_style=True, width=1000, sort_keys=False).strip()}\n"
            for c in cases
        )
        e2e_file.write_text(E2E_HEADER + body, encoding="utf-8")
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    conn.executemany("update reviews set imported_at = ? where id = ?", [(now, r["id"]) for r in rows])
    conn.commit()
    conn.close()
    print(
        f"{len(rows)} review(s): {added_nlu} NLU example(s) → {nlu_file}, "
        f"{added_e2e} e2e case(s) → {e2e_file}, {skipped} skipped "
        "(personal-data reference or no intent). Look at the files, then `make test` (retrains) and commit."
    )
    return 0
