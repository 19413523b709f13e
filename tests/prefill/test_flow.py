"""The whole path beneath the chat form, turn by turn as the actions will drive it: self-check facts in, the
form asks only what is missing, several fields in one message, a correction, the download — and the logs of the
conversation hold no ID or phone number."""

import io
import logging

import pytest
from docx import Document

from bot.prefill import logmask
from bot.prefill.applicant import known_values, next_question
from bot.prefill.application import DOWNLOAD_PATH, create_application
from bot.prefill.extract import read_answer
from bot.prefill.logmask import PersonalDataFilter
from bot.prefill.payload import chat_summary
from bot.prefill.validate import mask_id, mask_phone

from .conftest import PHD, fetch, make_id

ID = make_id(PHD["age"])
FIRST_PHONE, PHONE = "13800138000", "13900139000"


@pytest.fixture
def conversation_log():
    """Log as the Rasa server does (user text, slots, bot text through `rasa.*` loggers) into a buffer."""
    old_factory = logging.getLogRecordFactory()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    logmask.install()
    root.addHandler(handler)
    logger = logging.getLogger("rasa.core.processor")
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.setLevel(old_level)
    root.removeHandler(handler)
    for holder in [root, *root.handlers]:
        holder.filters = [f for f in holder.filters if not isinstance(f, PersonalDataFilter)]
    logging.setLogRecordFactory(old_factory)
    logmask._installed_factory = None


def test_self_check_apply_correct_download(store, conversation_log, tmp_path):
    log, stream = conversation_log
    profile, applicant = dict(PHD), {}

    def turn(text):
        log.debug("Received user message '%s'", text)
        step = next_question(applicant, profile)
        answer = read_answer(text, step[0] if step else None, known_values(applicant, profile))
        assert not answer.errors, answer.errors
        applicant.update(answer.values)
        log.debug("Current slot values: %r", applicant)
        reply = chat_summary(applicant, profile)
        log.debug("Bot utterance: %s", reply)
        return answer, reply

    asked = []
    assert next_question(applicant, profile)[0] == "name"
    turn("欧阳明")
    asked.append("name")
    _, reply = turn(f"身份证号{ID}，手机{FIRST_PHONE}")
    assert mask_id(ID) in reply and mask_phone(FIRST_PHONE) in reply
    assert ID not in reply and FIRST_PHONE not in reply
    for text in ("云南大学", "副主任医师", "昆明市东川区人民医院", "云南省昆明市东川区铜都街道办事处8号"):
        asked.append(next_question(applicant, profile)[0])
        turn(text)
    assert asked == ["name", "school", "title_level", "employer", "address"]  # degree, full_time never asked
    assert next_question(applicant, profile) is None

    answer, reply = turn(f"手机号填错了，应该是{PHONE}")
    assert answer.corrected == "phone" and applicant["phone"] == PHONE
    assert mask_phone(PHONE) in reply

    app = create_application(profile, applicant, store=store)
    log.debug("Bot utterance: 申请预填表已生成：%s （%s 前有效）", app.url, app.expires_at)
    [(status, _, body)] = fetch(store, [DOWNLOAD_PATH.encode() + app.token.encode()])
    assert status == 200
    (tmp_path / "a.docx").write_bytes(body)
    cells = {c.text for t in Document(str(tmp_path / "a.docx")).tables for row in t.rows for c in row.cells}
    assert PHONE in cells and FIRST_PHONE not in cells and ID in cells

    logged = stream.getvalue()
    assert "Received user message" in logged and "申请预填表已生成" in logged
    for secret in (ID, PHONE, FIRST_PHONE, app.token):
        assert secret not in logged
