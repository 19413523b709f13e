"""Mutation testing (mutmut 2.5.1) over the modules where a wrong line hurts most, one module at a time.

mutmut 2 rewrites the file it mutates in place, so each module runs in its own copy of the checkout
(build/mutation/<name>/, the tracked files only): the checkout is never touched and a test run beside it stays
correct. Each module runs with the narrowest tests that guard it (the whole suite is ~11 min; these take seconds).

    python scripts/mutation.py              # every module (the full run, ~1.5 h on 2 shared cores)
    python scripts/mutation.py --fast       # the fast subset `make test` runs (FAST_MODULES, a few minutes)
    python scripts/mutation.py dedup money  # some modules, by name
    python scripts/mutation.py --survivors eligibility  # only the last run's survivors, on the tests as they are now

Writes build/mutation/<name>.md (score, every surviving mutant as a diff, marked equivalent when
scripts/mutation_equivalents.yml explains it) and prints one line per module. Exit status 1 when a module is under its
floor (MINIMUM), or when a mutant of the fast subset survives unexplained (a few mutants each: a floor would mean
little there, so every survivor must be an equivalent the file explains).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "mutation"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
MINIMUM = 0.90
EQUIVALENTS = ROOT / "scripts" / "mutation_equivalents.yml"
RUNNING = ".mutation-running"  # in a module's copy while mutmut runs there

# name: (file to mutate, functions or classes to mutate (None: the whole file), tests that guard it)
MODULES = {
    "conditions": (
        "policy_kb/conditions.py",
        None,
        [
            "tests/eligibility/test_conditions.py",
            "tests/eligibility/test_cases.py",
            "tests/eligibility/test_eligibility.py",  # ruled-out values, roles that may also be another
            "tests/kb/test_statements.py",
            "tests/actions/test_selfcheck.py",
        ],
    ),
    "eligibility": (
        "policy_kb/eligibility.py",
        None,
        [
            "tests/eligibility/test_cases.py",
            "tests/eligibility/test_eligibility.py",
            "tests/eligibility/test_properties.py",
            "tests/eligibility/test_cli.py",  # the verdict words of --json, which the console counts
            "tests/kb/test_statements.py",  # denials, levels, persons: what `relevant` and the near misses read
            "tests/kb/test_everyday.py",
            "tests/actions/test_selfcheck.py",  # the reports a person reads, through the action
        ],
    ),
    "money": ("policy_kb/money.py", None, ["tests/kb/test_money.py", "tests/kb/test_integrity.py"]),
    "schedule": ("policy_kb/schedule.py", None, ["tests/kb/test_money.py", "tests/eligibility/test_cases.py"]),
    "kb-amounts": ("policy_kb/build.py", ["_item_row"], ["tests/kb/test_kb_rows.py"]),
    "wechat-signing": (
        "bot/channels/wechat.py",
        ["_handle", "_fresh", "_signed", "_open", "_read_body"],
        ["tests/channels/test_wechat_signing.py"]
        + [
            f"tests/channels/test_wechat_channel.py::test_{name}"  # the request checks, not the slow retry tests
            for name in (
                "get_verification_returns_echostr_and_refuses_forgeries",
                "plaintext_text_message_gets_a_passive_reply_with_buttons_and_escaped_cdata",
                "safe_mode_with_wechat_sample_values",
                "safe_mode_is_required_and_msg_signature_checked_before_decryption",
                "compatibility_mode_ignores_the_plaintext_copy",
                "forged_signature_and_stale_or_missing_timestamp_are_refused",
                "oversized_bodies_are_refused_with_413",
                "billion_laughs_and_xxe_are_refused_in_plaintext_and_safe_mode",
                "malformed_xml_is_refused_with_400_and_the_server_keeps_serving",
                "unconfigured_channel_answers_503_and_credentials_come_from_env",
            )
        ]
        + ["tests/channels/test_wechat_hardening.py::test_a_doctype_behind_a_cdata_comment_is_refused"],
    ),
    "dedup": (
        "bot/channels/wechat_dedup.py",
        None,
        ["tests/channels/test_wechat_signing.py", "tests/channels/test_redis_dedup.py"],
    ),
    # the same files in parts, each with the tests that reach it (for a shorter run than the whole file's)
    "dedup-redis": (
        "bot/channels/wechat_dedup.py",
        ["redis_key", "RedisDedup"],
        ["tests/channels/test_redis_dedup.py"],
    ),
    "wechat-decrypt": (
        "bot/channels/wechat.py",
        ["_open", "_read_body"],
        ["tests/channels/test_wechat_signing.py"]
        + [
            f"tests/channels/test_wechat_channel.py::test_{name}"
            for name in (
                "safe_mode_with_wechat_sample_values",
                "safe_mode_is_required_and_msg_signature_checked_before_decryption",
                "compatibility_mode_ignores_the_plaintext_copy",
                "oversized_bodies_are_refused_with_413",
                "billion_laughs_and_xxe_are_refused_in_plaintext_and_safe_mode",
                "malformed_xml_is_refused_with_400_and_the_server_keeps_serving",
            )
        ]
        + ["tests/channels/test_wechat_hardening.py::test_a_doctype_behind_a_cdata_comment_is_refused"],
    ),
    "validate": (
        "bot/prefill/validate.py",
        None,
        ["tests/prefill/test_validate_edges.py", "tests/prefill/test_validate.py"],
    ),
    "logmask": ("bot/prefill/logmask.py", None, ["tests/prefill/test_logmask.py"]),
}
# `make mutation-fast`, run by `make test`: the lines where a wrong character costs most and the tests are cheapest —
# the signature and timestamp checks, the in-memory retry cache and message keys, reading and writing amounts.
PARTS = {"dedup-redis", "wechat-decrypt"}  # run on demand; `make mutation` runs the whole modules
FAST_MODULES = {
    "fast-signing": ("bot/channels/wechat.py", ["_fresh", "_signed"], ["tests/channels/test_wechat_signing.py"]),
    "fast-dedup": (
        "bot/channels/wechat_dedup.py",
        ["message_key", "DedupCache"],
        ["tests/channels/test_wechat_signing.py"],
    ),
    "fast-money": ("policy_kb/money.py", ["parse_money", "yuan"], ["tests/kb/test_money.py"]),
}
MODULES.update(FAST_MODULES)
FAST = list(FAST_MODULES)

CONFIG = '''
import ast, os
ONLY = [f for f in os.environ.get("MUTATE_ONLY", "").split(",") if f]
_lines = None

def pre_mutation(context):
    """Mutate only the lines of the functions and classes named in MUTATE_ONLY (all lines when it is empty)."""
    global _lines
    if not ONLY:
        return
    if _lines is None:
        tree = ast.parse(open(context.filename, encoding="utf-8").read())
        _lines = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in ONLY:
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


def refresh_checkout(target: Path, keep: str) -> None:
    """The tracked files copied over a module's copy again, but for `keep` (the file its mutants were made of)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        if name != keep and (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)


def counts(cache: Path) -> dict:
    with sqlite3.connect(cache) as db:
        return dict(db.execute("SELECT status, COUNT(*) FROM Mutant GROUP BY status").fetchall())


def survivors(cache: Path) -> list[int]:
    with sqlite3.connect(cache) as db:
        return [row[0] for row in db.execute("SELECT id FROM Mutant WHERE status = 'bad_survived' ORDER BY id")]


def test_command(tests: list[str]) -> str:
    """pytest on `tests`, a broken import counted as a failure (scripts/mutation_pytest.py); a mutant that loops
    forever fails its test after 60 s, before mutmut's own timeout (which loses the file: 2.5.1)."""
    return f"{PYTHON} {ROOT / 'scripts' / 'mutation_pytest.py'} -x -q -p no:cacheprovider --timeout 60 " + " ".join(
        tests
    )


def run_module(name: str) -> tuple[float, list[int]]:
    path, only, tests = MODULES[name]
    tests = [t for t in tests if (ROOT / t.split("::")[0]).exists()]
    work = OUT / name
    copy_checkout(work)
    runner = test_command(tests)
    started = time.monotonic()
    (work / RUNNING).touch()
    subprocess.run(
        [
            PYTHON,
            "-m",
            "mutmut",
            "run",
            "--paths-to-mutate",
            path,
            "--tests-dir",
            "tests",
            "--runner",
            runner,
            "--no-progress",
        ],
        cwd=work,
        env=environment(name, work),
        stdout=subprocess.DEVNULL,
    )
    (work / RUNNING).unlink()
    return report(name, (time.monotonic() - started) / 60)


def rerun_survivors(name: str) -> tuple[float, list[int]]:
    """The last run's survivors again, each against the module's tests as they are now (tests added since, or
    added to the module's list): the killed ones are killed, the rest stay. The mutated file must be unchanged
    since that run, or the mutants would not be the same ones."""
    path, _only, tests = MODULES[name]
    tests = [t for t in tests if (ROOT / t.split("::")[0]).exists()]
    work = OUT / name
    if (work / RUNNING).exists():  # two runs in one copy mutate one file under each other's tests
        raise SystemExit(f"a run of {name} is going on, or was stopped (build/mutation/{name}/{RUNNING})")
    if (work / path).read_bytes() != (ROOT / path).read_bytes():
        raise SystemExit(f"{path} changed since the {name} run: run the whole module again")
    refresh_checkout(work, keep=path)  # the code and tests as they are now; the mutants' file as it was
    runner = test_command(tests)
    started = time.monotonic()
    (work / RUNNING).touch()
    again = survivors(work / ".mutmut-cache")
    with sqlite3.connect(work / ".mutmut-cache") as db:  # mutmut skips a mutant already tested on the same tests
        db.execute("UPDATE Mutant SET status = 'untested', tested_against_hash = '' WHERE status = 'bad_survived'")
    for mutant in again:
        subprocess.run(
            [PYTHON, "-m", "mutmut", "run", "--paths-to-mutate", path, "--tests-dir", "tests"]
            + ["--runner", runner, "--no-progress", str(mutant)],
            cwd=work,
            env=environment(name, work),
            stdout=subprocess.DEVNULL,
        )
    (work / RUNNING).unlink()
    return report(name, (time.monotonic() - started) / 60)


def environment(name: str, work: Path) -> dict:
    only = MODULES[name][1]
    return {**os.environ, "MUTATE_ONLY": ",".join(only or []), "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"}


def changed_lines(diff: str) -> tuple[str, str]:
    """The line a mutant changed and what it became, stripped, from `mutmut show`."""
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return " ".join(removed), " ".join(added)


def equivalents(path: str) -> dict[tuple[str, str], str]:
    """The surviving mutants of this file explained as equivalent (EQUIVALENTS): (line, mutant's line) → why."""
    data = yaml.safe_load(EQUIVALENTS.read_text(encoding="utf-8")) or {}
    return {(e["line"].strip(), e["mutant"].strip()): e["why"] for e in data.get(path, [])}


def report(name: str, minutes: float | None = None) -> tuple[float, list[int]]:
    """Score and survivors of the module's last run (build/mutation/<name>/.mutmut-cache) → build/mutation/<name>.md.
    Killed counts the mutants the tests failed on, slowly ("suspicious") or by hanging (timeout) included. Returns
    the score and the survivors not explained as equivalent."""
    path, only, tests = MODULES[name]
    work = OUT / name
    c = counts(work / ".mutmut-cache")
    killed = c.get("ok_killed", 0) + c.get("ok_suspicious", 0) + c.get("bad_timeout", 0)
    survived, untested = c.get("bad_survived", 0), c.get("untested", 0)
    tested = killed + survived
    score = killed / tested if tested else 0.0
    took = f"; {minutes:.1f} min" if minutes is not None else ""
    known = equivalents(path)
    body, unexplained = [], []
    for mutant in survivors(work / ".mutmut-cache"):
        diff = subprocess.run(
            [PYTHON, "-m", "mutmut", "show", str(mutant)],
            cwd=work,
            env=environment(name, work),
            capture_output=True,
            text=True,
        ).stdout
        why = known.get(changed_lines(diff))
        if why is None:
            unexplained.append(mutant)
        verdict = f"equivalent: {why}" if why else "**not explained** (scripts/mutation_equivalents.yml)"
        body += [f"## mutant {mutant}: {verdict}", "", "```diff", diff.strip(), "```", ""]
    lines = [
        f"# {name}: {path}" + (f" ({', '.join(only)})" if only else ""),
        "",
        f"tests: {' '.join(t for t in tests if (ROOT / t.split('::')[0]).exists())}",
        "",
        f"killed {killed} (of them slow {c.get('ok_suspicious', 0)}, hanging {c.get('bad_timeout', 0)}), "
        f"survived {survived} (explained as equivalent {survived - len(unexplained)}), not run {untested}, "
        f"skipped (outside the functions) {c.get('skipped', 0)}; score {score:.1%}{took}",
        "",
    ]
    (OUT / f"{name}.md").write_text("\n".join(lines + body), encoding="utf-8")
    print(
        f"{name:15s} {path:30s} killed {killed:4d} / {tested:4d} = {score:6.1%}  survived {survived:3d}"
        + (f" (not explained: {', '.join(map(str, unexplained))})" if unexplained else "")
        + (f"  not run {untested}" if untested else "")
        + (f"  ({minutes:.1f} min)" if minutes is not None else ""),
        flush=True,
    )
    return score, unexplained


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", choices=[[]] + list(MODULES), default=[])
    parser.add_argument("--fast", action="store_true", help=f"only {', '.join(FAST)}")
    parser.add_argument("--report", action="store_true", help="summarise the last runs again, run nothing")
    parser.add_argument("--survivors", action="store_true", help="run the last runs' survivors again, on the tests now")
    args = parser.parse_args()
    names = FAST if args.fast else (args.modules or [m for m in MODULES if m not in FAST_MODULES and m not in PARTS])
    OUT.mkdir(parents=True, exist_ok=True)
    if args.report:
        # `mutmut show` re-reads the mutated file: during a run it would rewrite that run's cache from a mutant
        names = [n for n in names if (OUT / n / ".mutmut-cache").exists() and not (OUT / n / RUNNING).exists()]
    action = report if args.report else rerun_survivors if args.survivors else run_module
    results = {name: action(name) for name in names}
    low = [n for n, (score, _) in results.items() if score < MINIMUM and n not in FAST_MODULES]
    if low:
        print(f"under {MINIMUM:.0%}: {', '.join(low)} (survivors in build/mutation/<name>.md)")
    # the fast subset is small enough that every survivor must be explained (make test fails otherwise)
    open_ = [n for n, (_, unexplained) in results.items() if unexplained and n in FAST_MODULES]
    if open_:
        print(f"survivors not explained as equivalent: {', '.join(open_)} (kill them or explain them)")
    return 1 if low or open_ else 0


if __name__ == "__main__":
    sys.exit(main())
