"""Benchmark: the REST channel of this tree beside an earlier revision, measured in one run.

`make bench-rest-compare base=<rev>` checks <rev> out in a git worktree (build/bench-base/<rev>), builds its
knowledge base and trains its model with that revision's own Makefile (the same .venv, linked), then starts each
tree's assistant in turn, base first, and runs the same load on it as `make bench-rest`: 20 conversations at 30
messages/s (the target rate), then with no pauses (capacity). The pair is run ROUNDS times, alternating
(A B A B …), so a slow minute on this shared VM falls on both trees alike. Only one assistant runs at a time.

Writes benchmarks/rest_compare.md: every run of each tree, and the median of the runs side by side.
"""

import argparse
import os
import select
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from rest_load import N_CONVERSATIONS, QUESTIONS, TARGET_RATE, Phase, server_memory  # noqa: E402

from bot.serve import post  # noqa: E402

ROUNDS = 3
STARTUP_TIMEOUT = 600  # seconds for a tree's two servers to come up
# Started inside a tree (cwd, sys.path): that tree's own bot/serve.py runs its two servers; prints the URL and
# keeps them up until its standard input closes.
SERVE = """
import sys
from pathlib import Path
sys.path.insert(0, ".")
from bot.serve import running_assistant
with running_assistant(Path(sys.argv[1])) as url:
    print(url, flush=True)
    sys.stdin.read()
"""


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def base_tree(rev: str) -> Path:
    """A worktree at `rev` with its KB and model built by its own Makefile, sharing this tree's .venv."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    tree = ROOT / "build" / "bench-base" / commit[:12]
    if not tree.exists():
        git("worktree", "add", "--detach", str(tree), commit)
    venv = tree / ".venv"
    if not venv.exists():
        venv.symlink_to(ROOT / ".venv")
    # The venv is this tree's, already installed: the checkout's lock file is made older than its stamp, so
    # that revision's Makefile (and the make it calls for the NLU data) does not reinstall it.
    os.utime(tree / "requirements.lock", (0, 0))
    subprocess.run(["make", "--no-print-directory", "model"], cwd=tree, check=True)
    return tree


def measure(tree: Path) -> dict:
    """Start `tree`'s assistant, warm it up, run the target-rate and the capacity phases; figures and memory."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PYTHONPATH=str(tree))
        proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "python"), "-c", SERVE, tmp],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            ready, _, _ = select.select([proc.stdout], [], [], STARTUP_TIMEOUT)
            url = proc.stdout.readline().strip() if ready else ""
            if not url.startswith("http"):
                raise RuntimeError(f"the assistant of {tree} did not start (see {tmp}/servers.log)")
            for q in QUESTIONS:  # warm-up
                post(url, {"sender": "bench-warm", "message": q})
            paced = Phase("30 messages/s", TARGET_RATE).run(url).figures()
            capacity = Phase("capacity", 0.0).run(url).figures()
            memory = server_memory(tmp)
        finally:
            proc.stdin.close()
            proc.wait(timeout=120)
    return {"paced": paced, "capacity": capacity, "memory": memory}


ROWS = [
    ("p50 at 30 messages/s", "paced", "p50", "{:.0f} ms"),
    ("p95 at 30 messages/s", "paced", "p95", "{:.0f} ms"),
    ("p99 at 30 messages/s", "paced", "p99", "{:.0f} ms"),
    ("messages/s reached at 30 messages/s", "paced", "rate", "{:.1f}"),
    ("errors at 30 messages/s", "paced", "errors", "{:.0f}"),
    ("capacity, messages/s (no pauses)", "capacity", "rate", "{:.1f}"),
    ("p95 at capacity", "capacity", "p95", "{:.0f} ms"),
    ("errors at capacity", "capacity", "errors", "{:.0f}"),
]


def report(labels: dict, runs: dict) -> str:
    names = list(labels)
    lines = [
        "| measure | "
        + " | ".join(f"{labels[n]}, median" for n in names)
        + " | "
        + " | ".join(f"{labels[n]}, run {i + 1}" for n in names for i in range(len(runs[n])))
        + " |",
        "| " + " | ".join(["---"] * (1 + len(names) + sum(len(r) for r in runs.values()))) + " |",
    ]
    for label, phase, key, fmt in ROWS:
        medians = [fmt.format(statistics.median(r[phase][key] for r in runs[n])) for n in names]
        each = [fmt.format(r[phase][key]) for n in names for r in runs[n]]
        lines.append(f"| {label} | " + " | ".join(f"**{m}**" for m in medians) + " | " + " | ".join(each) + " |")
    for server in ("Rasa server", "action server"):
        medians = [f"{statistics.median(r['memory'].get(server, 0) for r in runs[n]):.0f} MiB" for n in names]
        each = [f"{r['memory'].get(server, 0):.0f} MiB" for n in names for r in runs[n]]
        lines.append(f"| resident memory, {server} | " + " | ".join(medians) + " | " + " | ".join(each) + " |")
    return "\n".join(lines)


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the earlier revision (a commit, tag or branch)")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    base = base_tree(args.base)
    trees = {"base": base, "this tree": ROOT}
    labels = {
        "base": f"base {git('log', '-1', '--format=%h', cwd=base)}",
        "this tree": f"this tree {git('log', '-1', '--format=%h')}"
        + (" + changes" if git("status", "--porcelain", "--untracked-files=no") else ""),
    }
    runs: dict = {name: [] for name in trees}
    for i in range(args.rounds):
        for name, tree in trees.items():
            print(f"round {i + 1}: {labels[name]} …", flush=True)
            runs[name].append(measure(tree))
    base_subject = git("log", "-1", "--format=%s", cwd=base)
    text = f"""# REST channel: this tree beside an earlier revision, in one run

Measured by `make bench-rest-compare base={args.base}` (`benchmarks/rest_compare.py`): {labels["base"]}
("{base_subject[:100]}") against {labels["this tree"]}. Each tree's own code, knowledge base and model; one assistant
running at a time; the same load as `make bench-rest` ({N_CONVERSATIONS} conversations asking
{"、".join(QUESTIONS)}), at {TARGET_RATE:g} messages/s (Poisson arrivals, seeded) and then with no pauses.
{args.rounds} rounds, alternating base and this tree, so a slow minute of this shared VM falls on both alike.
The medians are in bold.

{report(labels, runs)}
"""
    Path(__file__).with_suffix(".md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if not any(r[p]["errors"] for rs in runs.values() for r in rs for p in ("paced", "capacity")) else 1


if __name__ == "__main__":
    raise SystemExit(run())
