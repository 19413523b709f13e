"""Fixtures for the NLU tests: the repository on sys.path, the rule pipeline, and one trained NLU model per session.

The model is built by `make nlu-model` (build/models/nlu.tar.gz; make retrains only when config.yml, nlu_data/,
bot/nlu/ or the KB vocabulary changed) and loaded once with rasa's Agent.
"""
import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

MODEL = ROOT / "build" / "models" / "nlu.tar.gz"


@pytest.fixture(scope="session")
def rules_nlp():
    from bot.nlu.entities import ensure_pipeline
    from bot.nlu.spacy_pipeline import DEFAULT_DIR, load

    ensure_pipeline(str(DEFAULT_DIR))
    return load(DEFAULT_DIR)


@pytest.fixture(scope="session")
def nlu_agent():
    subprocess.run(["make", "--no-print-directory", "nlu-model"], cwd=ROOT, check=True)
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


@pytest.fixture(scope="session")
def parse(nlu_agent):
    def _parse(text):
        return asyncio.run(nlu_agent.parse_message(text))

    return _parse
