"""The knowledge base knows nothing of Rasa: policy_kb/ neither imports nor mentions it (DESIGN.md §1)."""

import ast
import re
from pathlib import Path

KB = Path(__file__).resolve().parents[2] / "policy_kb"


def _python_files():
    return sorted(KB.rglob("*.py"))


def test_policy_kb_imports_no_nlu_library():
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                assert root not in ("rasa", "rasa_sdk", "bot", "actions"), (path.name, name)


def test_policy_kb_does_not_mention_rasa():
    for path in list(_python_files()) + sorted((KB / "data").rglob("*.yml")) + sorted((KB / "data").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"rasa", text, re.IGNORECASE), path.relative_to(KB.parent)


def test_the_clause_count_is_not_typed_in_policy_kb_code():
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        assert "range(1, 15)" not in text and "1..14" not in text, path.name
