"""The two forms as a person meets them: the open form is the `flow` slot the dialogue rules route on
(bot/dialogue/forms.yml); "不申请了" / "不查了" leave it and drop what was gathered; nothing else is lost."""

import ast
from pathlib import Path

import pytest

from actions.answers import AnswerAmount
from actions.apply import ApplyFlow
from actions.selfcheck import SelfCheck
from actions.stop import Stop
from policy_kb.compose import LEFT_APPLICATION, LEFT_SELF_CHECK


@pytest.fixture(autouse=True)
def prefill_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFILL_DIR", str(tmp_path / "prefill"))


def test_a_question_asked_opens_the_self_check_form_and_a_result_leaves_it_as_context(chat):
    chat.say(SelfCheck(), "我38岁，全日制博士", "self_check")
    assert chat.slots["requested_field"] and chat.slots["flow"] == "self_check_question"
    chat.say(SelfCheck(), "我说错了，是30岁，签了5年合同，是事业单位在编，全职", "correct")
    while chat.slots["requested_field"]:
        chat.say(SelfCheck(), "不知道", "inform", entities=[])
    assert chat.slots["flow"] == "self_check_result"


def test_an_interruption_keeps_the_form_open_and_asks_its_question_again(chat):
    chat.say(SelfCheck(), "我38岁，全日制博士", "self_check")
    reply = chat.say(AnswerAmount(), "硕士能拿多少补贴", "ask_amount")
    assert "10万元" in reply and "我们继续自查" in reply
    assert chat.slots["flow"] == "self_check_question"


def test_a_new_question_after_a_result_closes_the_self_check_context(chat):
    chat.say(SelfCheck(), "我30岁，全日制博士，事业单位在编，签5年，全职", "self_check")
    chat.slots["requested_field"] = None  # the result, whatever is left to ask
    chat.slots["flow"] = "self_check_result"
    chat.say(AnswerAmount(), "第九条的补贴是多少", "ask_amount")
    assert chat.slots["flow"] is None


def test_stopping_the_self_check_drops_the_facts_told(chat):
    chat.say(SelfCheck(), "我38岁，全日制博士", "self_check")
    assert chat.say(Stop(), "不查了", "stop") == LEFT_SELF_CHECK
    assert chat.slots["profile"] is None and chat.slots["requested_field"] is None and chat.slots["flow"] is None


def test_stopping_the_application_drops_its_answers_but_keeps_the_self_check(chat):
    chat.say(SelfCheck(), "我是村卫生室的乡村医生，大专学历，注册了助理全科医师", "self_check")
    chat.say(ApplyFlow(), "我要申请", "apply")
    chat.say(ApplyFlow(), "张三，手机13800138000", "inform")
    assert chat.slots["flow"] == "application" and chat.slots["applicant"]
    assert chat.say(Stop(), "不申请了", "stop") == LEFT_APPLICATION
    assert chat.slots["applicant"] is None and chat.slots["apply_field"] is None
    assert chat.slots["profile"] and chat.slots["flow"] == "self_check_result"
    again = chat.say(ApplyFlow(), "我要申请", "apply")
    assert "第（十）条" in again and "张三" not in again


def test_stop_with_no_form_open_is_a_polite_no(chat):
    chat.say(Stop(), "取消", "stop")
    assert [m.get("response") for m in chat.messages] == ["utter_deny"]
    assert chat.slots["flow"] is None


ACTIONS = Path(__file__).resolve().parents[2] / "actions"


def _defines_an_action(path: Path) -> bool:
    """The module defines a class with a `name` method (the action's name in domain.yml)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(n, ast.ClassDef) and any(isinstance(f, ast.FunctionDef) and f.name == "name" for f in n.body)
        for n in tree.body
    )


def test_no_action_module_imports_another():
    """An action never runs another: the modules holding actions import shared helpers, not each other."""
    holders = {p.stem for p in ACTIONS.glob("*.py") if p.stem not in ("__init__", "base") and _defines_an_action(p)}
    assert {"answers", "apply", "selfcheck", "fallback", "contact", "stop"} <= holders
    wrong = []
    for stem in holders:
        tree = ast.parse((ACTIONS / f"{stem}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names = [node.module] if node.module else [a.name for a in node.names]
                wrong += [f"{stem} → {n}" for n in names if n in holders]
    assert not wrong, wrong


def test_the_base_class_names_no_action():
    source = (ACTIONS / "base.py").read_text(encoding="utf-8")
    assert "action_" not in source.replace("action_listen", "")
