"""Mutation testing (mutmut 2.5.1) over the modules where a wrong line hurts most, one module at a time.

mutmut 2 rewrites the file it mutates in place, so each module runs in its own copy of the checkout
(build/mutation/<name>/, the tracked files only): the checkout is never touched and a test run beside it stays
correct. Each module runs with the narrowest tests that guard it (the whole suite is ~11 min; these take seconds).

    python scripts/mutation.py              # every module (the full run, ~45 min on 2 cores)
    python scripts/mutation.py --fast       # the fast subset CI runs (see FAST)
    python scripts/mutation.py dedup money  # some modules, by name

Writes build/mutation/<name>.md (score, every surviving mutant as a diff) and prints one line per module. Exit
status 1 when a module is under its floor (MINIMUM).
"""
from __future__ import annotations

import argparse
import ast
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "mutation"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
MINIMUM = 0.90

# name: (file to mutate, functions to mutate (None: all), tests that guard it)
MODULES = {
    "conditions": ("policy_kb/conditions.py", None,
                   ["tests/eligibility/test_conditions.py", "tests/eligibility/test_cases.py"]),
    "eligibility": ("policy_kb/eligibility.py", None,
                    ["tests/eligibility/test_cases.py", "tests/eligibility/test_eligibility.py",
                     "tests/eligibility/test_properties.py"]),
    "money": ("policy_kb/money.py", None, ["tests/kb/test_money.py", "tests/kb/test_integrity.py"]),
    "schedule": ("policy_kb/schedule.py", None, ["tests/kb/test_money.py", "tests/eligibility/test_cases.py"]),
    "kb-amounts": ("policy_kb/build.py", ["_item_row"], ["tests/kb/test_lookup.py", "tests/kb/test_money.py"]),
    "wechat-signing": ("bot/channels/wechat.py", ["_handle", "_fresh", "_signed", "_open", "_read_body"],
                       ["tests/channels/test_wechat_signing.py", "tests/channels/test_wechat_channel.py"]),
    "dedup": ("bot/channels/wechat_dedup.py", None, ["tests/channels/test_wechat_signing.py"]),
    "validate": ("bot/prefill/validate.py", None, ["tests/prefill/test_validate.py"]),
    "logmask": ("bot/prefill/logmask.py", None, ["tests/prefill/test_logmask.py"]),
}
FAST = ["money", "dedup"]  # ~2 min together: run by `make test`

CONFIG = '''
import ast, os
ONLY = [f for f in os.environ.get("MUTATE_ONLY", "").split(",") if f]
_lines = None

def pre_mutation(context):
    """Mutate only the lines of the functions named in MUTATE_ONLY (all lines when it is empty)."""
    global _lines
    if not ONLY:
        return
    if _lines is None:
        tree = ast.parse(open(context.filename, encoding="utf-8").read())
        _lines = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in ONLY:
                _lines.update(range(node.lineno, node.end_lineno + 1))
    if context.current_line_index + 1 not in _lines:
        context.skip = True
'''


def copy_checkout(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        src = ROOT / name
        if src.is_file():
            dst = target / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    (target / ".venv").symlink_to(ROOT / ".venv")
    (target / "mutmut_config.py").write_text(CONFIG, encoding="utf-8")


def counts(cache: Path) -> dict:
    with sqlite3.connect(cache) as db:
        return dict(db.execute("SELECT status, COUNT(*) FROM Mutant GROUP BY status").fetchall())


def survivors(cache: Path) -> list[int]:
    with sqlite3.connect(cache) as db:
        return [row[0] for row in db.execute("SELECT id FROM Mutant WHERE status IN ('bad_survived', 'bad_timeout', "
                                             "'ok_suspicious') ORDER BY id")]


def run_module(name: str) -> float:
    path, only, tests = MODULES[name]
    tests = [t for t in tests if (ROOT / t).exists()]
    work = OUT / name
    copy_checkout(work)
    runner = f"{PYTHON} -m pytest -x -q -p no:cacheprovider --timeout 300 " + " ".join(tests)
    env = {**os.environ, "MUTATE_ONLY": ",".join(only or []), "PYTHONPATH": str(work),
           "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.monotonic()
    subprocess.run([PYTHON, "-m", "mutmut", "run", "--paths-to-mutate", path, "--tests-dir", "tests",
                    "--runner", runner, "--no-progress"], cwd=work, env=env, stdout=subprocess.DEVNULL)
    minutes = (time.monotonic() - started) / 60
    cache = work / ".mutmut-cache"
    c = counts(cache)
    killed, survived = c.get("ok_killed", 0), c.get("bad_survived", 0)
    timeout, suspicious = c.get("bad_timeout", 0), c.get("ok_suspicious", 0)
    tested = killed + survived + timeout + suspicious
    score = (killed + timeout) / tested if tested else 0.0   # a mutant that hangs the tests is caught too
    lines = [f"# {name}: {path}" + (f" ({', '.join(only)})" if only else ""), "",
             f"tests: {' '.join(tests)}", "",
             f"killed {killed}, timed out {timeout}, survived {survived}, suspicious {suspicious}, "
             f"skipped (outside the functions) {c.get('skipped', 0)}; score {score:.1%}; {minutes:.1f} min", ""]
    for mutant in survivors(cache):
        diff = subprocess.run([PYTHON, "-m", "mutmut", "show", str(mutant)], cwd=work, env=env,
                              capture_output=True, text=True).stdout
        lines += [f"## mutant {mutant}", "", "```diff", diff.strip(), "```", ""]
    (OUT / f"{name}.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"{name:15s} {path:32s} killed {killed + timeout:4d} / {tested:4d} = {score:6.1%}  "
          f"survived {survived + suspicious:3d}  ({minutes:.1f} min)", flush=True)
    return score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", choices=[[]] + list(MODULES), default=[])
    parser.add_argument("--fast", action="store_true", help=f"only {', '.join(FAST)}")
    args = parser.parse_args()
    names = FAST if args.fast else (args.modules or list(MODULES))
    OUT.mkdir(parents=True, exist_ok=True)
    scores = {name: run_module(name) for name in names}
    low = [n for n, s in scores.items() if s < MINIMUM]
    if low:
        print(f"under {MINIMUM:.0%}: {', '.join(low)} (survivors in build/mutation/<name>.md)")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
