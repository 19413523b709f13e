"""Shared fixtures: the policy as read from YAML, and a knowledge base built fresh for this test session."""
import pytest

from policy_kb.build import build
from policy_kb.load import load_policy
from policy_kb.query import KB


@pytest.fixture(scope="session")
def policy():
    return load_policy()


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory):
    return build(tmp_path_factory.mktemp("kb") / "kb.sqlite")


@pytest.fixture(scope="session")
def kb(kb_path):
    return KB(kb_path)
