"""Benchmark: latency and throughput through the REST channel, with 20 concurrent conversations.

Starts both servers on loopback (bot/serve.py), runs N_CONVERSATIONS conversations in parallel threads, each
asking the questions below in turn, and records p50/p95 latency per message, messages per second, errors, and the
resident memory of both servers. Writes benchmarks/rest_load.md. Targets (issue: conversation): p95 ≤ 150 ms,
≥ 30 messages/s, zero errors.  Run: make bench-rest
"""
import concurrent.futures
import platform
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.serve import post, running_assistant  # noqa: E402

N_CONVERSATIONS = 20
QUESTIONS = ["博士能拿多少补贴", "那硕士呢", "有年龄限制吗", "找哪个部门", "第九条原文", "乡村医生有什么补助",
             "社工证有什么奖励", "我34岁，全日制硕士", "是的", "区卫生健康局负责哪些条款"]
ROUNDS = 3  # each conversation asks the questions this many times (fresh sender each round)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MiB (Linux /proc)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def conversation(url, latencies, errors, lock):
    for _ in range(ROUNDS):
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        for q in QUESTIONS:
            t = time.perf_counter()
            try:
                msgs = post(url, {"sender": sender, "message": q}, timeout=30)
                ok = bool(msgs) and all(m.get("text") != "系统繁忙，请稍后再试。" for m in msgs)
            except Exception:  # noqa: BLE001
                ok = False
            dt = (time.perf_counter() - t) * 1000
            with lock:
                latencies.append(dt)
                if not ok:
                    errors.append(q)


def run():
    latencies, errors, lock = [], [], threading.Lock()
    with tempfile.TemporaryDirectory() as tmp:
        with running_assistant(Path(tmp)) as url:
            for q in QUESTIONS:  # warm-up
                post(url, {"sender": "bench-warm", "message": q})
            start = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(N_CONVERSATIONS) as pool:
                for f in [pool.submit(conversation, url, latencies, errors, lock) for _ in range(N_CONVERSATIONS)]:
                    f.result()
            elapsed = time.perf_counter() - start
            import subprocess
            pids = subprocess.run(["pgrep", "-f", "rasa run"], capture_output=True, text=True).stdout.split()
            memory = {}
            for pid in pids:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if tmp in Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace"):
                    memory["action server" if " actions" in cmd else "Rasa server"] = rss_mb(int(pid))
    latencies.sort()
    n = len(latencies)
    p50, p95, p99 = (latencies[int(q * (n - 1))] for q in (0.5, 0.95, 0.99))
    rate = n / elapsed
    mem = "\n".join(f"| resident memory, {k} | {v:.0f} MiB | — |" for k, v in sorted(memory.items()))
    text = f"""# REST channel: latency, throughput, memory

Measured by `make bench-rest` (`benchmarks/rest_load.py`) on {platform.machine()} ({platform.python_version()}),
both servers on loopback, one Sanic worker each. {N_CONVERSATIONS} concurrent conversations, each asking
{len(QUESTIONS)} questions {ROUNDS} times: {n} messages, after a warm-up round.
Questions: {"、".join(QUESTIONS)}.

| measure | figure | target |
| --- | --- | --- |
| latency per message, p50 | {p50:.0f} ms | — |
| latency per message, p95 | {p95:.0f} ms | ≤ 150 ms |
| latency per message, p99 | {p99:.0f} ms | — |
| latency, mean | {statistics.mean(latencies):.0f} ms | — |
| messages per second | {rate:.1f} | ≥ 30 |
| errors (no reply or 系统繁忙) | {len(errors)} | 0 |
{mem}
"""
    Path(__file__).with_suffix(".md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if not errors else 1


if __name__ == "__main__":
    raise SystemExit(run())
