"""If the action server is down, the user gets a clear 系统繁忙 reply on every channel, not silence."""

import pytest

from bot.channels.inbound import BUSY_REPLY
from bot.serve import post, running_assistant
from tests.wechat_user import ENV as WECHAT_ENV
from tests.wechat_user import WeChatUser

pytestmark = [pytest.mark.model, pytest.mark.servers]


@pytest.fixture(scope="module")
def without_actions(tmp_path_factory):
    with running_assistant(tmp_path_factory.mktemp("no-actions"), with_actions=False, extra_env=WECHAT_ENV) as url:
        yield url


def test_rest_says_busy(without_actions):
    messages = post(without_actions, {"sender": "no-actions", "message": "博士能拿多少补贴"})
    assert [m["text"] for m in messages] == [BUSY_REPLY]


def test_wechat_says_busy(without_actions):
    assert WeChatUser(without_actions).say("博士能拿多少补贴") == BUSY_REPLY
