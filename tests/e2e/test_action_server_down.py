"""If the action server is down, the user gets a clear 系统繁忙 reply, not silence."""
import pytest

from bot.channels.rest import BUSY_REPLY
from bot.serve import post, running_assistant

pytestmark = [pytest.mark.model, pytest.mark.servers]


def test_busy_reply_when_actions_are_unreachable(tmp_path):
    with running_assistant(tmp_path, with_actions=False) as url:
        messages = post(url, {"sender": "no-actions", "message": "博士能拿多少补贴"})
    assert [m["text"] for m in messages] == [BUSY_REPLY]
