"""Conversations several end-to-end tests walk through."""

from bot.prefill.applicant import BY_KEY
from bot.prefill.validate import id_check_char

TEST_ID = "53011319900101123" + id_check_char("53011319900101123")  # valid check digit, born 1990-01-01, male
OLD_PHONE, NEW_PHONE = "13800138000", "13900139000"
VILLAGE_DOCTOR = "我是村卫生室的乡村医生，大专学历，注册了助理全科医师"
ANSWERS = {
    "degree": "大专",
    "full_time": "是",
    "school": "昆明医科大学",
    "title_level": "没有职称",
    "employer": "东川区某某村卫生室",
    "address": "昆明市东川区铜都街道1号",
    "name": "张三",
}
QUESTIONS = {key: BY_KEY[key].question for key in ANSWERS}


def fill_application(ask) -> list[str]:
    """A village doctor's self-check and application, with the phone corrected once; `ask(text) → reply`.
    Returns the replies from the first application message on; the last one holds the download links."""
    assert "符合 第（十）条" in ask(VILLAGE_DOCTOR)
    assert "申请项目" in ask("我要申请")
    replies = [ask(f"张三，身份证{TEST_ID}，手机{OLD_PHONE}")]
    replies.append(ask(f"手机号填错了，应该是{NEW_PHONE}"))
    for _ in range(10):
        if "下载" in replies[-1]:
            break
        asked = next((k for k, q in QUESTIONS.items() if q in replies[-1]), None)
        assert asked, replies[-1]
        replies.append(ask(ANSWERS[asked]))
    assert "下载" in replies[-1]
    return replies
