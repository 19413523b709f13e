"""Start the action server and the Rasa server on free loopback ports, as `make run` does, for tests and
benchmarks: `with running_assistant() as url: …` gives the REST webhook URL and stops both servers afterwards."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "assistant.tar.gz"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, payload: dict, timeout: float = 30) -> list:
    req = urllib.request.Request(url, json.dumps(payload).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read().decode())


def _wait(check, proc, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.5)
    raise TimeoutError(f"{what} did not become ready in {timeout:.0f} s")


def environment(workdir: Path, action_port: int, rasa_port: int, extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
            "TRACKER_DB": str(workdir / "tracker.db"),
            "EVENT_DB": str(workdir / "events.db"),
            "POLICY_KB_DB": str(ROOT / "build" / "kb.sqlite"),
            "PREFILL_DIR": str(workdir / "prefill"),
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{rasa_port}",
            "ACTION_SERVER_TOKEN": os.environ.get("ACTION_SERVER_TOKEN") or secrets.token_urlsafe(24),
            "SESSION_SECRET_FILE": str(workdir / "session_secret"),
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


@contextlib.contextmanager
def server(command: list[str], env: dict, log, ready, what: str, timeout: float):
    """A server subprocess (files it writes: this user only), waited for until `ready()` holds, stopped
    (terminate, then kill) on exit."""
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, umask=0o077)
    try:
        _wait(ready, proc, what, timeout)
        yield proc
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(30)
        if proc.poll() is None:
            proc.kill()


def action_server(port: int, env: dict, log):
    health = f"http://127.0.0.1:{port}/health"
    return server(
        [str(BIN / "python"), "-m", "bot.action_server", "--actions", "actions", "--port", str(port)],
        env,
        log,
        lambda: urllib.request.urlopen(health, timeout=2).status == 200,
        "action server",
        120,
    )


@contextlib.contextmanager
def rasa_server(port: int, env: dict, log):
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    args = [
        str(BIN / "rasa"),
        "run",
        "--model",
        str(MODEL),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--credentials",
        "credentials.yml",
        "--endpoints",
        "endpoints.yml",
    ]
    with server(
        args, env, log, lambda: post(url, {"sender": "warm-up", "message": "你好"}, timeout=30), "Rasa server", 300
    ):
        yield url


@contextlib.contextmanager
def running_assistant(workdir: Path | None = None, with_actions: bool = True, extra_env: dict | None = None):
    """Both servers on loopback; yields the REST webhook URL. Logs go to <workdir>/servers.log."""
    if not MODEL.exists():
        raise FileNotFoundError(f"no trained model at {MODEL}: run `make model`")
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        workdir = Path(workdir)
        action_port, rasa_port = free_port(), free_port()
        env = environment(workdir, action_port, rasa_port, extra_env)
        log = stack.enter_context(open(workdir / "servers.log", "ab"))
        if with_actions:
            stack.enter_context(action_server(action_port, env, log))
        yield stack.enter_context(rasa_server(rasa_port, env, log))
