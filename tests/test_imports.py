"""The project's modules import one another without a cycle, and in the direction the folder READMEs state.

Every import is counted, including those deferred into a function body: a deferred import hides a cycle from
the interpreter but not from a reader, who still has to understand both modules to change either one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("actions", "bot", "policy_kb", "console", "desk")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an imported name lives in (a.b.c → a.b when c is a name inside a.b)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            target = _resolve(name, modules)
            if target and target != module:
                targets.add(target)
    return targets


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_deferred_and_relative_imports():
    graph = import_graph()
    assert "policy_kb.load" in graph["policy_kb.build"] or any(
        t.startswith("policy_kb") for t in graph["policy_kb.build"]
    )
    # bot/prefill/__init__.py re-exports its submodules with relative imports
    assert {"bot.prefill.applicant", "bot.prefill.validate"} <= graph["bot.prefill"]


def test_a_cycle_is_found_where_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_the_project_modules():
    found = cycles(import_graph())
    assert not found, "import cycles (each line one cycle):\n" + "\n".join(" ⇄ ".join(c) for c in found)


# Each folder may import the project's folders named here and no others (folders not named are not limited).
MAY_IMPORT = {
    # the knowledge base knows the policy and nothing of the assistant built on it
    "policy_kb": (),
    # the NLU and the prefill build on the knowledge base only
    "bot.nlu": ("policy_kb",),
    "bot.prefill": ("policy_kb",),
    # the actions answer through the knowledge base, the NLU's vocabulary and the prefill; never through a channel
    "actions": ("policy_kb", "bot.nlu", "bot.prefill"),
    # the hotline desk reads the knowledge base; the office console also reads the NLU's intent names
    "desk": ("policy_kb",),
    "console": ("policy_kb", "bot.nlu"),
}


def _folder(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" and len(parts) > 1 else parts[0]


@pytest.mark.parametrize("folder", sorted(MAY_IMPORT))
def test_imports_point_one_way(folder):
    wrong = sorted(
        f"{module} → {target}"
        for module, targets in import_graph().items()
        if _folder(module) == folder
        for target in targets
        if _folder(target) != folder and _folder(target) not in MAY_IMPORT[folder]
    )
    assert not wrong, f"{folder} imports what it must not:\n" + "\n".join(wrong)
