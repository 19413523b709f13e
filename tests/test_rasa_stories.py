"""Rasa's own checks: the training data validates, and the test stories (tests/test_stories.yml) pass with
--fail-on-prediction-errors: every intent, the follow-ups, the self-check with interruption and correction,
the application form, fallback and out of scope."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RASA = str(Path(sys.executable).parent / "rasa")
ENV = {
    **os.environ,
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


def rasa(*args, timeout=900):
    return subprocess.run([RASA, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)


def test_training_data_validates():
    proc = rasa(
        "data",
        "validate",
        "--domain",
        "domain.yml",
        "--data",
        "nlu_data",
        "bot/dialogue",
        "--config",
        "config.yml",
        "--fail-on-warnings",
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


@pytest.mark.model
def test_stories_pass_without_prediction_errors(tmp_path):
    proc = rasa(
        "test",
        "core",
        "--model",
        "models/assistant.tar.gz",
        "--stories",
        "tests/test_stories.yml",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    failed = (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert proc.returncode == 0 and "None of the test stories failed" in failed, failed[:3000] + proc.stderr[-2000:]
