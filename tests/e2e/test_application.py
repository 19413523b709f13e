"""Through the real servers: self-check → apply → correct a field → download → the document has the corrected
value; no reply and no server log line of that conversation holds the ID number or the phone."""
import io
import re
import urllib.request

import docx
import pytest

from bot.prefill.validate import id_check_char

pytestmark = [pytest.mark.model, pytest.mark.servers]
ID = "53011319900101123" + id_check_char("53011319900101123")   # born 1990-01-01, male
OLD_PHONE, NEW_PHONE = "13800138000", "13900139000"
ANSWERS = {"degree": "大专", "full_time": "是", "school": "昆明医科大学", "title_level": "没有职称",
           "employer": "东川区某某村卫生室", "address": "昆明市东川区铜都街道1号", "name": "张三"}


def test_self_check_apply_correct_download(chat, assistant_dir):
    assert "符合 第（十）条" in chat.ask("我是村卫生室的乡村医生，大专学历，注册了助理全科医师")
    assert "申请项目" in chat.ask("我要申请")
    replies = [chat.ask(f"张三，身份证{ID}，手机{OLD_PHONE}")]
    replies.append(chat.ask(f"手机号填错了，应该是{NEW_PHONE}"))
    for _ in range(10):
        if "下载" in replies[-1]:
            break
        asked = next((k for k, q in QUESTIONS.items() if q in replies[-1]), None)
        assert asked, replies[-1]
        replies.append(chat.ask(ANSWERS[asked]))
    final = replies[-1]
    assert "下载" in final
    for r in replies:
        assert ID not in r and OLD_PHONE not in r and NEW_PHONE not in r
    url = re.search(r"(http://\S+/webhooks/prefill/download/[\w-]+)", final).group(1)
    with urllib.request.urlopen(url, timeout=10) as r:
        document = docx.Document(io.BytesIO(r.read()))
    text = "\n".join([p.text for p in document.paragraphs] +
                     [c.text for t in document.tables for row in t.rows for c in row.cells])
    assert NEW_PHONE in text and OLD_PHONE not in text and ID in text
    assert "第（十）条" in text and "5000元" in text
    log = (assistant_dir / "servers.log").read_text(encoding="utf-8", errors="replace")
    assert ID not in log and OLD_PHONE not in log and NEW_PHONE not in log


def _questions():
    from bot.prefill.applicant import BY_KEY
    return {key: BY_KEY[key].question for key in ANSWERS}


QUESTIONS = _questions()
