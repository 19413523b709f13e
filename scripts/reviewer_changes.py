"""Reapply the reviewer's one-line changes of issue #20 (benchmarks/reviewer_changes/*.patch), one at a time, each in
its own copy of the checkout, and show which tests now fail. Every change must make at least one test fail.

    python scripts/reviewer_changes.py            # all of them → build/reviewer_changes.md
    python scripts/reviewer_changes.py 5 2a       # some, by the number their patch starts with
"""

from __future__ import annotations

import codecs
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutation import PYTHON, ROOT, copy_checkout  # noqa: E402

PATCHES = ROOT / "benchmarks" / "reviewer_changes"
OUT = ROOT / "build" / "reviewer_changes"
# the tests that guard each change (the narrowest that `make test` runs and that must now fail)
TESTS = {
    "1": ["tests/kb", "tests/eligibility", "tests/actions"],
    "2a": ["tests/channels"],
    "3": ["tests/e2e/test_privacy.py"],  # both servers at DEBUG, every file they wrote
    "2b": ["tests/channels"],
    "4": ["tests/channels"],
    "5": ["tests/eligibility"],
    "6": ["tests/actions"],
    "7a": ["tests/kb", "tests/actions"],
    "7b": ["tests/kb", "tests/eligibility", "tests/actions"],
}

BUILT = ["models/assistant.tar.gz", "build/kb.sqlite", "build/nlu"]


def run(patch: Path) -> tuple[int, list[str]]:
    key = patch.name.split("-", 1)[0]
    work = OUT / patch.stem
    copy_checkout(work)
    for built in BUILT:  # what the e2e tests need and git does not hold (untouched by the patches)
        if (ROOT / built).exists():
            (work / built).parent.mkdir(parents=True, exist_ok=True)
            (work / built).symlink_to(ROOT / built)
    subprocess.run(["patch", "-s", "-p1", "-i", str(patch)], cwd=work, check=True)  # git apply ignores a subdirectory
    result = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser", *TESTS[key]],
        cwd=work,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(work), "PATH": "/usr/bin:/bin"},
    )
    failed = sorted(
        {
            codecs.decode(m.group(1), "unicode_escape")  # pytest writes ids as \\u escapes
            for m in re.finditer(r"^(?:FAILED|ERROR) (\S+)", result.stdout, re.M)
        }
    )
    return result.returncode, failed


def main() -> int:
    wanted = sys.argv[1:]
    lines, missed = ["# The reviewer's changes of issue #20, reapplied", ""], []
    for patch in sorted(PATCHES.glob("*.patch")):
        if wanted and patch.name.split("-", 1)[0] not in wanted:
            continue
        code, failed = run(patch)
        status = f"{len(failed)} tests fail" if failed else "NO TEST FAILS"
        print(f"{patch.name:45s} {status}", flush=True)
        if not failed:
            missed.append(patch.name)
        lines += [f"## {patch.name}: {status}", ""] + [f"- `{name}`" for name in failed] + [""]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT.parent / "reviewer_changes.md").write_text("\n".join(lines), encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
