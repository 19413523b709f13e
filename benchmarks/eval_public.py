"""Run the shared answer evaluation (../shared/eval/run_eval.py) against a freshly started assistant, and the
keyword-search baseline on the same questions. Writes benchmarks/eval_public.md.  Run: make eval
"""
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.serve import running_assistant  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval" / "run_eval.py"


def run_eval(*args) -> str:
    proc = subprocess.run([sys.executable, str(EVAL), *args], capture_output=True, text=True, timeout=1800)
    return proc.stdout + proc.stderr


def main():
    if not EVAL.exists():
        print(f"no evaluation runner at {EVAL}")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        with running_assistant(Path(tmp)) as url:
            ours = run_eval("--url", url, "-v")
    baseline = run_eval("--baseline")
    text = f"""# Answer evaluation on the public sample (../shared/eval/public_qa.yml)

Measured by `make eval` (`benchmarks/eval_public.py`): the assistant started fresh on loopback, every question
sent through the REST channel, judged by `../shared/eval/judge.py`.

## The assistant

```
{ours.strip()}
```

## Keyword-search baseline (BM25 over the clauses)

```
{baseline.strip()}
```
"""
    (ROOT / "benchmarks" / "eval_public.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
