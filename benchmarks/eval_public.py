"""Run the shared answer evaluation (../shared/eval/run_eval.py) on both public sets — the sample (public_qa.yml) and
the development set (dev_qa.yml) — against a freshly started assistant, and the keyword-search baseline on the same
questions. Writes benchmarks/eval_public.md: per-kind figures beside the baseline, then the runner's own output
(failing cases with the reply) for each set.  Run: make eval
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.serve import running_assistant  # noqa: E402

EVAL_DIR = ROOT.parent / "shared" / "eval"
EVAL = EVAL_DIR / "run_eval.py"
SETS = ["public_qa.yml", "dev_qa.yml"]


def run_eval(*args) -> str:
    proc = subprocess.run([sys.executable, str(EVAL), *args], capture_output=True, text=True, timeout=3600)
    return proc.stdout + proc.stderr


def per_kind(path: Path) -> dict:
    """{kind: (passed, total)} and the totals from the runner's --json file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    kinds = {k: (sum(1 for _, f in v if not f), len(v)) for k, v in data["results"].items()}
    return {
        "kinds": kinds,
        "passed": data["passed"],
        "total": data["total"],
        "invented": len(data["invented"]),
        "errors": data["errors"],
    }


def table(ours: dict, base: dict) -> str:
    rows = ["| kind | assistant | keyword baseline |", "|---|---|---|"]
    for kind, (ok, n) in ours["kinds"].items():
        b_ok, b_n = base["kinds"].get(kind, (0, 0))
        rows.append(f"| {kind} | {ok}/{n} | {b_ok}/{b_n} |")
    rows.append(
        f"| **all** | **{ours['passed']}/{ours['total']}** "
        f"({100 * ours['passed'] / ours['total']:.1f}%) | {base['passed']}/{base['total']} |"
    )
    rows.append(
        f"| invented amounts · server errors | {ours['invented']} · {ours['errors']} "
        f"| {base['invented']} · {base['errors']} |"
    )
    return "\n".join(rows)


def main():
    if not EVAL.exists():
        print(f"no evaluation runner at {EVAL}")
        return 1
    sets = [s for s in SETS if (EVAL_DIR / s).exists()]
    outputs, sections = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with running_assistant(tmp) as url:
            for name in sets:
                outputs[name] = run_eval(
                    "--url", url, "--set", str(EVAL_DIR / name), "-v", "--json", str(tmp / f"ours-{name}.json")
                )
        for name in sets:
            baseline = run_eval("--baseline", "--set", str(EVAL_DIR / name), "--json", str(tmp / f"base-{name}.json"))
            ours, base = per_kind(tmp / f"ours-{name}.json"), per_kind(tmp / f"base-{name}.json")
            sections.append(
                f"## {name}\n\n{table(ours, base)}\n\n<details><summary>runner output (assistant)"
                f"</summary>\n\n```\n{outputs[name].strip()}\n```\n</details>\n\n"
                f"<details><summary>runner output (baseline)</summary>\n\n```\n{baseline.strip()}\n"
                f"```\n</details>\n"
            )
    text = (
        "# Answer evaluation on the public sets (../shared/eval)\n\n"
        "Measured by `make eval` (`benchmarks/eval_public.py`): the assistant started fresh on loopback, every "
        "question sent through the REST channel, judged by `../shared/eval/judge.py`; the keyword-search baseline "
        "(BM25 over the clauses, `../shared/eval/baseline_search.py`) answers the same questions.\n\n"
        + "\n".join(sections)
    )
    (ROOT / "benchmarks" / "eval_public.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
