"""Shared fixtures: the policy as read from YAML, a knowledge base built fresh for this test session, and the
running assistant (both servers on loopback with the trained model), started once for all tests that need it."""

import pytest

from bot.serve import running_assistant
from policy_kb.build import build
from policy_kb.load import load_policy
from policy_kb.query import KB
from tests.wechat_user import ENV as WECHAT_ENV


@pytest.fixture(scope="session")
def policy():
    return load_policy()


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory):
    return build(tmp_path_factory.mktemp("kb") / "kb.sqlite")


@pytest.fixture(scope="session")
def kb(kb_path):
    return KB(kb_path)


@pytest.fixture(scope="session")
def assistant_dir(tmp_path_factory):
    """Where the session's servers keep their logs (servers.log), tracker store and prefilled applications."""
    return tmp_path_factory.mktemp("servers")


@pytest.fixture(scope="session")
def assistant(assistant_dir):
    """The REST webhook URL of the Rasa server (with the action server), as `make run` starts them; its WeChat
    channel is configured with the test credentials of tests/wechat_user.py."""
    with running_assistant(assistant_dir, extra_env=WECHAT_ENV) as url:
        yield url
