"""The scaled mode on one machine, for checks and benchmarks: private Redis and PostgreSQL (scripts/services.sh),
N action servers, N Rasa servers on endpoints.scaled.yml (each paired with its action server), and nginx in front
(deploy/nginx.conf), all on free loopback ports under one work directory.

    with Cluster(workdir, servers=2) as c:
        post(c.balancer + REST, {...});  c.kill(1);  c.restart_redis();  c.events(sender)
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from bot.serve import BIN, MODEL, ROOT, _wait, environment, free_port, post

REST = "/webhooks/rest/webhook"
WECHAT = "/webhooks/wechat/webhook"
SERVICES = ROOT / "scripts" / "services.sh"


def read_env_file(path: Path) -> Dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.startswith("export ") and "=" in line:
            key, value = line[len("export ") :].split("=", 1)
            values[key] = value
    return values


def _services(*args: str, env: Optional[dict] = None) -> None:
    subprocess.run(
        ["bash", str(SERVICES), *args], check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


class Cluster:
    """Services, servers and balancer; stopped in reverse order on exit (see the module docstring)."""

    def __init__(
        self,
        workdir: Path,
        servers: int = 2,
        extra_env: Optional[dict] = None,
        balancers: Optional[Dict[str, List[int]]] = None,
        rasa_timeout: float = 420,
    ):
        self.workdir = Path(workdir)
        self.n = servers
        self.extra_env = dict(extra_env or {})
        # name → indexes of the Rasa servers it balances; "all" by default
        self.balancer_groups = balancers or {"all": list(range(servers))}
        self.rasa_timeout = rasa_timeout
        self.services_dir = self.workdir / "services"
        self.rasa: List[subprocess.Popen] = []
        self.actions: List[subprocess.Popen] = []
        self.rasa_urls: List[str] = []
        self.balancers: Dict[str, str] = {}
        self.service_env: Dict[str, str] = {}
        self._stack = contextlib.ExitStack()
        # one deployment: the same action server token and session secret on every server
        self.shared_env = {
            "ACTION_SERVER_TOKEN": secrets.token_urlsafe(24),
            "SESSION_SECRET": secrets.token_urlsafe(32),
            "REST_API_SECRET": secrets.token_urlsafe(24),
        }  # integrations through the balancer

    # -- lifecycle ------------------------------------------------------------------------------------------
    def __enter__(self) -> "Cluster":
        try:
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    @property
    def balancer(self) -> str:
        return self.balancers["all"] if "all" in self.balancers else next(iter(self.balancers.values()))

    def _start(self) -> None:
        if not MODEL.exists():
            raise FileNotFoundError(f"no trained model at {MODEL}: run `make model`")
        self.workdir.mkdir(parents=True, exist_ok=True)
        stop_env = dict(os.environ, SCALE_TMP="1")
        self._stack.callback(_services, "stop", str(self.services_dir), env=stop_env)
        _services("start", str(self.services_dir))
        self.service_env = read_env_file(self.services_dir / "services.env")
        ports = [(free_port(), free_port()) for _ in range(self.n)]
        balancer_port = free_port()
        for i, (action_port, rasa_port) in enumerate(ports):
            env = self.server_env(action_port, rasa_port, balancer_port, i)
            log = self._stack.enter_context(open(self.workdir / f"actions-{i + 1}.log", "ab"))
            self.actions.append(
                self._spawn(
                    [
                        str(BIN / "python"),
                        "-m",
                        "bot.action_server",
                        "--actions",
                        "actions",
                        "--port",
                        str(action_port),
                    ],
                    env,
                    log,
                )
            )
        for i, (action_port, rasa_port) in enumerate(ports):
            env = self.server_env(action_port, rasa_port, balancer_port, i)
            log = self._stack.enter_context(open(self.workdir / f"rasa-{i + 1}.log", "ab"))
            self.rasa.append(
                self._spawn(
                    [
                        str(BIN / "rasa"),
                        "run",
                        "--model",
                        str(MODEL),
                        "--port",
                        str(rasa_port),
                        "--interface",
                        "127.0.0.1",
                        "--credentials",
                        "credentials.yml",
                        "--endpoints",
                        "endpoints.scaled.yml",
                    ],
                    env,
                    log,
                )
            )
            self.rasa_urls.append(f"http://127.0.0.1:{rasa_port}")
        for i, (action_port, _r) in enumerate(ports):
            health = f"http://127.0.0.1:{action_port}/health"
            _wait(
                lambda health=health: urllib.request.urlopen(health, timeout=2).status == 200,
                self.actions[i],
                f"action server {i + 1}",
                180,
            )
        for i, url in enumerate(self.rasa_urls):
            _wait(
                lambda url=url, i=i: post(url + REST, {"sender": f"warm-up-{i}", "message": "你好"}, timeout=30),
                self.rasa[i],
                f"Rasa server {i + 1}",
                self.rasa_timeout,
            )
        for name, members in self.balancer_groups.items():
            port = balancer_port if name == "all" else free_port()
            directory = self.services_dir if name == "all" else self.workdir / f"balancer-{name}"
            targets = [self.rasa_urls[i].removeprefix("http://") for i in members]
            _services("nginx", str(directory), str(port), *targets)
            if name != "all":
                self._stack.callback(_services, "stop", str(directory))
            self.balancers[name] = f"http://127.0.0.1:{port}"

    def prefill_database_url(self) -> str:
        e = self.service_env
        return (
            f"postgresql://{e['POSTGRES_USER']}:{e['POSTGRES_PASSWORD']}@{e['POSTGRES_HOST']}:"
            f"{e['POSTGRES_PORT']}/{e['POSTGRES_DB']}"
        )

    def server_env(self, action_port: int, rasa_port: int, balancer_port: int, index: int) -> dict:
        extra = {
            **self.service_env,
            **self.shared_env,
            "TICKET_LOCK_LIFETIME": "10",
            "REDIS_LOCK_DB": "1",
            "WECHAT_STATE": "redis",
            "SANIC_PROXIES_COUNT": "1",
            "PREFILL_DATABASE_URL": self.prefill_database_url(),
            **self.extra_env,
        }
        env = environment(self.workdir, action_port, rasa_port, extra)
        env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{balancer_port}"
        # each machine its own disk: nothing may rely on a shared PREFILL_DIR (the SQL store is what is shared)
        env["PREFILL_DIR"] = str(self.workdir / f"prefill-{index + 1}")
        env["SESSION_SECRET_FILE"] = str(self.workdir / f"session_secret-{index + 1}")
        return env

    def _spawn(self, command: List[str], env: dict, log) -> subprocess.Popen:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, umask=0o077)

        def stop() -> None:
            if proc.poll() is None:
                proc.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(30)
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)

        self._stack.callback(stop)
        return proc

    def post(self, url: str, payload: dict, timeout: float = 30) -> list:
        """POST to a REST webhook as an integration (bot/channels/rest.py: the bearer secret, via nginx too)."""
        req = urllib.request.Request(url, json.dumps(payload).encode(), self.rest_headers())
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read().decode())

    def rest_headers(self) -> dict:
        return {"Content-Type": "application/json", "Authorization": f"Bearer {self.shared_env['REST_API_SECRET']}"}

    # -- what the checks do -------------------------------------------------------------------------------
    def kill(self, index: int) -> None:
        """SIGKILL Rasa server `index` (0-based): no clean-up, as a crash or an OOM kill."""
        self.rasa[index].send_signal(signal.SIGKILL)
        self.rasa[index].wait(10)

    def restart_redis(self) -> float:
        started = time.monotonic()
        _services("restart-redis", str(self.services_dir))
        return time.monotonic() - started

    def alive(self) -> List[bool]:
        return [p.poll() is None for p in self.rasa]

    def connect_postgres(self):
        import psycopg2

        e = self.service_env
        return psycopg2.connect(
            host=e["POSTGRES_HOST"],
            port=e["POSTGRES_PORT"],
            dbname=e["POSTGRES_DB"],
            user=e["POSTGRES_USER"],
            password=e["POSTGRES_PASSWORD"],
        )

    def events(self, senders: List[str]) -> Dict[str, List[dict]]:
        """Every stored event of these conversations (ids as stored: `rest:<sender>`, `wechat:<OpenID>`, …;
        bot/sessions.py), in the order PostgreSQL holds them (by id)."""
        found: Dict[str, List[dict]] = {s: [] for s in senders}
        with contextlib.closing(self.connect_postgres()) as conn, conn.cursor() as cur:
            cur.execute("SELECT sender_id, data FROM events WHERE sender_id = ANY(%s) ORDER BY id", (senders,))
            for sender, data in cur.fetchall():
                found[sender].append(json.loads(data))
        return found

    def redis(self):
        import redis

        e = self.service_env
        return redis.Redis(host=e["REDIS_HOST"], port=int(e["REDIS_PORT"]), password=e["REDIS_PASSWORD"])
