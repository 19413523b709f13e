"""`make shell`: a person at a terminal asks a question, reads the answer with its clause, types /stop, and both
servers are gone afterwards. Run in a pseudo-terminal, since `rasa shell` needs one."""

import os
import pty
import select
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from bot.serve import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.model


class Terminal:
    def __init__(self, args, env):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.screen = b""

    def wait_for(self, text: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 1)
            if ready:
                try:
                    self.screen += os.read(self.master, 65536)
                except OSError:
                    return False
                if text.encode() in self.screen:
                    return True
        return False

    def type(self, line: str) -> None:
        os.write(self.master, (line + "\r").encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        os.close(self.master)


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_make_shell_answers_in_the_terminal_and_stops_both_servers(tmp_path):
    rasa_port, action_port = free_port(), free_port()
    env = dict(
        os.environ,
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        TRACKER_DB=str(tmp_path / "tracker.db"),
        EVENT_DB=str(tmp_path / "events.db"),
        PREFILL_DIR=str(tmp_path / "prefill"),
        RASA_TELEMETRY_ENABLED="false",
    )
    terminal = Terminal(["make", "--no-print-directory", "shell"], env)
    try:
        assert terminal.wait_for("Your input", 300), terminal.screen.decode(errors="replace")[-2000:]
        terminal.type("博士能拿多少补贴")
        assert terminal.wait_for("第（二）条", 60), terminal.screen.decode(errors="replace")[-2000:]
        assert "25万元" in terminal.screen.decode(errors="replace")
        terminal.type("/stop")
        terminal.proc.wait(60)
        assert terminal.proc.returncode == 0
        deadline = time.monotonic() + 20
        while listening(action_port) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not listening(action_port), "the action server outlived make shell"
        assert not listening(rasa_port)
    finally:
        terminal.close()
