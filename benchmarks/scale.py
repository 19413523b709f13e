"""Benchmark: one and two Rasa servers behind nginx in the scaled mode, side by side in one run; and the cost per
message of the Redis lock and of the PostgreSQL tracker store.

1. bot/cluster.py starts Redis, PostgreSQL, two action servers and two Rasa servers (endpoints.scaled.yml), and two
   nginx balancers: one in front of server 1 only, one in front of both. The load of benchmarks/rest_load.py
   (20 conversations, 600 messages per phase: 30 messages/s as a seeded Poisson stream, then without pauses for
   capacity) runs through each balancer in turn, alternating (1, 2, 1, 2 …) so that the shared VM's drift hits both
   alike.
2. In this process, against the same Redis and PostgreSQL: a stored conversation of the load is replayed turn by
   turn — retrieve, append the turn's events, save — with Rasa's SQLTrackerStore on PostgreSQL (the scaled mode)
   and with bot/tracker_store.py's cached store on SQLite (the default); and `async with lock_store.lock(…)` is
   timed for the atomic Redis lock store, Rasa's RedisLockStore and the in-memory one.
Writes benchmarks/scale.md.  Run: make bench-scale
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import rest_load  # noqa: E402
from rest_load import QUESTIONS, TARGET_RATE, Phase  # noqa: E402

from bot.cluster import REST, Cluster  # noqa: E402

REPEATS = 2  # each (setup, phase) this many times, alternating
TURNS = 300  # replayed turns per store


def percentile(values, q):
    values = sorted(values)
    return values[int(q * (len(values) - 1))]


def run_load(cluster: Cluster) -> list:
    results = []
    rest_load.post = cluster.post  # through nginx, REST senders are integrations: the bearer secret (rest.py)
    for url in cluster.balancers.values():  # warm-up through each balancer
        for q in QUESTIONS:
            cluster.post(url + REST, {"sender": "bench-warm", "message": q})
    for repeat in range(REPEATS):
        for rate in (TARGET_RATE, 0.0):
            for setup in ("one", "all"):
                name = f"{'1 Rasa server' if setup == 'one' else '2 Rasa servers'}, " + (
                    f"{rate:g} messages/s" if rate else "capacity"
                )
                phase = Phase(name, rate).run(cluster.balancers[setup] + REST)
                figures = {**phase.figures(), "load": os.getloadavg()[0]}  # the machine's, all users
                results.append((setup, rate, repeat, figures))
                print(name, {k: round(v, 1) for k, v in phase.figures().items()}, flush=True)
    return results


# -- 2. cost per message --------------------------------------------------------------------------------------
def turns_of(events: list) -> list:
    """The stored events cut into turns: each user message with what followed it, up to its action_listen."""
    turns, current = [], []
    for e in events:
        current.append(e)
        if (
            e.get("event") == "action"
            and e.get("name") == "action_listen"
            and any(x.get("event") == "user" for x in current)
        ):
            turns.append(current)
            current = []
    return turns


async def replay(store, turns: list, domain) -> dict:
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    retrieve_ms, save_ms = [], []
    sender = None
    for i, turn in enumerate(turns[:TURNS]):
        if i % 10 == 0:
            sender = f"replay-{uuid.uuid4().hex[:10]}"
        started = time.perf_counter()
        tracker = await store.retrieve(sender)
        retrieve_ms.append((time.perf_counter() - started) * 1000)
        if tracker is None:
            tracker = DialogueStateTracker(sender, domain.slots)
        for data in turn:
            tracker.update(Event.from_parameters(data))
        started = time.perf_counter()
        await store.save(tracker)
        save_ms.append((time.perf_counter() - started) * 1000)
    return {
        "retrieve": statistics.median(retrieve_ms),
        "save": statistics.median(save_ms),
        "total_p95": percentile([r + s for r, s in zip(retrieve_ms, save_ms)], 0.95),
        "n": len(save_ms),
    }


async def lock_cost(store, n: int = 500) -> dict:
    times = []
    for i in range(n):
        started = time.perf_counter()
        async with store.lock(f"bench-lock-{i % 20}"):
            pass
        times.append((time.perf_counter() - started) * 1000)
    return {"median": statistics.median(times), "p95": percentile(times, 0.95)}


def costs(cluster: Cluster, sample_sender: str) -> dict:
    from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
    from rasa.shared.core.domain import Domain

    from bot.lock_store import AtomicRedisLockStore
    from bot.tracker_store import CachedSQLTrackerStore, RedactingSQLTrackerStore

    e = cluster.service_env
    domain = Domain.load(str(ROOT / "domain.yml"))
    stored = cluster.events([r[0] for r in cluster_senders(cluster, sample_sender)])
    turns = [t for events in stored.values() for t in turns_of(events)]
    out = {"turns": len(turns), "events_per_turn": statistics.mean(len(t) for t in turns) if turns else 0}
    with tempfile.TemporaryDirectory() as tmp:
        postgres = RedactingSQLTrackerStore(
            domain,
            dialect="postgresql",
            host=e["POSTGRES_HOST"],
            port=e["POSTGRES_PORT"],
            db=e["POSTGRES_DB"],
            username=e["POSTGRES_USER"],
            password=e["POSTGRES_PASSWORD"],
        )
        sqlite = CachedSQLTrackerStore(domain, dialect="sqlite", db=str(Path(tmp) / "tracker.db"))
        out["postgres"] = asyncio.run(replay(postgres, turns, domain))
        out["sqlite_cached"] = asyncio.run(replay(sqlite, turns, domain))
    redis_kwargs = dict(host=e["REDIS_HOST"], port=int(e["REDIS_PORT"]), password=e["REDIS_PASSWORD"], db=5)
    out["lock_atomic"] = asyncio.run(lock_cost(AtomicRedisLockStore(**redis_kwargs)))
    out["lock_rasa_redis"] = asyncio.run(lock_cost(RedisLockStore(**redis_kwargs)))
    out["lock_memory"] = asyncio.run(lock_cost(InMemoryLockStore()))
    return out


def cluster_senders(cluster: Cluster, prefix: str) -> list:
    import contextlib

    with contextlib.closing(cluster.connect_postgres()) as conn, conn.cursor() as cur:
        cur.execute("SELECT DISTINCT sender_id FROM events WHERE sender_id LIKE %s LIMIT 40", ("rest:" + prefix + "%",))
        return cur.fetchall()


def cell(figures: list, key: str, fmt: str) -> str:
    values = [f[key] for f in figures]
    return " / ".join(fmt.format(v) for v in values)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        started = time.monotonic()
        with Cluster(Path(tmp), servers=2, balancers={"one": [0], "all": [0, 1]}) as cluster:
            print(f"cluster up in {time.monotonic() - started:.0f} s", flush=True)
            results = run_load(cluster)
            cost = costs(cluster, "bench-")
    by = {}
    for setup, rate, _repeat, figures in results:
        by.setdefault((setup, rate), []).append(figures)
    rows = []
    for rate, label in ((TARGET_RATE, f"{TARGET_RATE:g} messages/s"), (0.0, "capacity (no pauses)")):
        for setup, name in (("one", "1 Rasa server"), ("all", "2 Rasa servers")):
            f = by[(setup, rate)]
            rows.append(
                f"| {name} | {label} | {cell(f, 'p50', '{:.0f}')} ms | **{cell(f, 'p95', '{:.0f}')} ms** | "
                f"{cell(f, 'p99', '{:.0f}')} ms | **{cell(f, 'rate', '{:.1f}')}** | "
                f"{cell(f, 'errors', '{:d}')} | {cell(f, 'load', '{:.1f}')} |"
            )
    pg, sq = cost["postgres"], cost["sqlite_cached"]
    la, lr, lm = cost["lock_atomic"], cost["lock_rasa_redis"], cost["lock_memory"]
    text = f"""# Scaled mode: 1 and 2 Rasa servers behind nginx, and what PostgreSQL and Redis cost per message

Measured by `make bench-scale` (`benchmarks/scale.py`) on {platform.machine()}, {os.cpu_count()} shared cores,
Python {platform.python_version()}: Redis, PostgreSQL, two action servers and two Rasa servers
(endpoints.scaled.yml: Rasa's SQL tracker store on PostgreSQL, masking, no cache, bot/lock_store.py's atomic Redis
lock store), one Sanic worker each, and two nginx balancers (deploy/nginx.conf) — one in front of server 1 only,
one in front of both — all on this one machine. The load is benchmarks/rest_load.py's (20 conversations, 600
messages per phase; N messages/s = a seeded Poisson stream; capacity = no pauses). The phases alternate between
the two balancers, {REPEATS} runs each; a cell shows the runs in order (run 1 / run 2).

| setup | load | p50 | p95 | p99 | messages/s | errors | load average (1 min) |
| --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

The last column is the machine's 1-minute load average at the end of each phase: this VM's two cores are shared
with other users' servers and tests, so a load far above 2 means the figures measure the contention as much as
this code. Everything shares the same two cores: the Rasa servers, the action servers, PostgreSQL, Redis, nginx and the load
generator. A second Rasa server adds a process, not a core, so on this machine it can only spread queueing; on
machines of their own, servers add capacity until PostgreSQL or Redis saturates (per-message costs below).

## Cost per message

Replayed in one process against the same services: {min(cost['turns'], TURNS)} stored turns of the load above
({cost['events_per_turn']:.1f} events per turn on average), each retrieved, extended by its events and saved, in
conversations of 10 turns.

| per message | median | |
| --- | --- | --- |
| PostgreSQL, RedactingSQLTrackerStore (Rasa's SQL store, scaled mode): retrieve | {pg['retrieve']:.2f} ms | |
| PostgreSQL, RedactingSQLTrackerStore: save | {pg['save']:.2f} ms | retrieve + save p95 {pg['total_p95']:.2f} ms |
| SQLite, cached store of endpoints.yml (default): retrieve | {sq['retrieve']:.2f} ms | |
| SQLite, cached store: save | {sq['save']:.2f} ms | retrieve + save p95 {sq['total_p95']:.2f} ms |
| Redis lock, bot.lock_store.AtomicRedisLockStore (take + release) | {la['median']:.2f} ms | p95 {la['p95']:.2f} ms |
| Redis lock, Rasa's RedisLockStore (not safe across servers) | {lr['median']:.2f} ms | p95 {lr['p95']:.2f} ms |
| in-memory lock (default, one server) | {lm['median']:.3f} ms | p95 {lm['p95']:.3f} ms |

The PostgreSQL figures include Rasa reading the whole current session back on every message (the cache of
bot/tracker_store.py is off in the scaled mode because another server may have written; endpoints.scaled.yml).
"""
    Path(__file__).with_suffix(".md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if not any(f["errors"] for *_x, f in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
