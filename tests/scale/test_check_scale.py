"""`make check-scale` as part of `make test`: two Rasa servers and two action servers on PostgreSQL and Redis
behind nginx, checked for lost, duplicated and reordered messages (scripts/check_scale.py says how)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.model, pytest.mark.servers]
ROOT = Path(__file__).resolve().parents[2]


def test_two_servers_lose_duplicate_and_reorder_nothing(tmp_path):
    run = subprocess.run(
        [sys.executable, "scripts/check_scale.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "CHECK_SCALE_DIR": str(tmp_path)},
    )
    print(run.stdout[-4000:], run.stderr[-4000:])
    line = re.search(
        r"^scale: (\d+) instances, (\d+) messages, (\d+) lost, (\d+) duplicated, (\d+) out of order$", run.stdout, re.M
    )
    assert line, run.stdout[-2000:] + run.stderr[-2000:]
    instances, messages, lost, duplicated, out_of_order = map(int, line.groups())
    assert instances == 2 and messages >= 250
    assert (lost, duplicated, out_of_order) == (0, 0, 0)
    assert run.returncode == 0 and "FAILED" not in run.stdout
