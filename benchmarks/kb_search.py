"""Benchmark: knowledge base build time and search latency on this machine.

Writes benchmarks/kb_search.md. Target (issue: foundation): median search latency under 5 ms.
Run: make bench-kb
"""

import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policy_kb.build import build  # noqa: E402
from policy_kb.query import KB  # noqa: E402

QUERIES = [
    "退休名师",
    "社工证",
    "博士补贴",
    "硕士生活补贴",
    "乡村医生 执业医师",
    "区卫生健康局",
    "人才公寓",
    "子女入学",
    "劳务合作社",
    "科研成果",
    "重点学科",
    "柔性引进",
    "双一流 本科",
    "轮岗",
    "500万",
    "博士補貼",
    "第九条",
    "NEAR AND OR",
    "😀",
    "头雁人才",
    "雁归东川",
    "高级技师",
    "家庭农场",
    "配偶就业",
    "干部学历提升",
]
ROUNDS = 40


def main():
    out = Path(__file__).with_suffix(".md")
    with tempfile.TemporaryDirectory() as tmp:
        builds = []
        for i in range(3):
            t = time.perf_counter()
            path = build(Path(tmp) / f"kb{i}.sqlite")
            builds.append(time.perf_counter() - t)
        kb = KB(path)
        for q in QUERIES:  # warm-up: jieba dictionary, SQLite page cache
            kb.search(q)
        times = []
        for _ in range(ROUNDS):
            for q in QUERIES:
                t = time.perf_counter()
                kb.search(q)
                times.append((time.perf_counter() - t) * 1000)
    times.sort()
    median, p95 = statistics.median(times), times[int(0.95 * len(times))]
    text = f"""# Knowledge base: build time and search latency

Measured by `make bench-kb` (`benchmarks/kb_search.py`) on {platform.machine()}, {platform.python_version()},
{len(QUERIES)} queries × {ROUNDS} rounds = {len(times)} searches after one warm-up round.
Each search is the full `KB.search`: normalization, jieba segmentation, synonym expansion, FTS5 bm25 query and
loading the matching clauses with their items.

| measure | figure | target |
| --- | --- | --- |
| build (YAML → SQLite, incl. jieba segmentation), first run | {builds[0]:.2f} s | — |
| build, later runs (median of {len(builds) - 1}) | {statistics.median(builds[1:]):.2f} s | — |
| search latency, median | {median:.2f} ms | < 5 ms |
| search latency, p95 | {p95:.2f} ms | — |
| search latency, max | {times[-1]:.2f} ms | — |
"""
    out.write_text(text, encoding="utf-8")
    print(text)
    return 0 if median < 5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
