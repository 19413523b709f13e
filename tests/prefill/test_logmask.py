"""No ID number or phone number reaches a log, however it is logged."""

import io
import logging

import pytest

from bot.prefill import logmask
from bot.prefill.logmask import PersonalDataFilter

from .conftest import make_id

ID = make_id(38)
PHONE = "13800138000"


def assert_clean(output: str):
    assert output, "nothing was logged"
    for secret in (ID, PHONE, ID[6:14] + ID[14:], "0013 8000", "0013-8000"):
        assert secret not in output
    assert "5301**********" in output or "138****8000" in output


@pytest.fixture
def captured():
    """A logger with its own handler; the records do not propagate to the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.prefill.logmask")
    logger.handlers, logger.propagate, logger.level = [handler], False, logging.DEBUG
    yield logger, handler, stream
    logger.handlers = []


def test_the_filter_masks_message_and_arguments(captured):
    logger, _, stream = captured
    logger.addFilter(PersonalDataFilter())
    logger.info("user said 身份证%s 手机 %s", ID, PHONE)
    logger.warning(f"raw text: 我的身份证号是{ID}，电话+86 138-0013-8000")
    logger.debug("slots %r", {"id_number": ID, "phone": PHONE})
    assert_clean(stream.getvalue())


def test_the_filter_masks_tracebacks(captured):
    logger, handler, stream = captured
    handler.addFilter(PersonalDataFilter())
    try:
        raise ValueError(f"bad id {ID} / {PHONE}")
    except ValueError:
        logger.exception("failed")
    assert "ValueError" in stream.getvalue()
    assert_clean(stream.getvalue())


def _uninstall(old_factory):
    root = logging.getLogger()
    for holder in [root, *root.handlers]:
        holder.filters = [f for f in holder.filters if not isinstance(f, PersonalDataFilter)]
    logging.setLogRecordFactory(old_factory)
    logmask._installed_factory = None


def test_install_covers_records_of_child_loggers_and_handlers_added_later():
    root = logging.getLogger()
    stream = io.StringIO()
    old_factory = logging.getLogRecordFactory()
    try:
        logmask.install()
        handler = logging.StreamHandler(stream)  # added after install, as Rasa's basicConfig would
        root.addHandler(handler)
        child = logging.getLogger("rasa.core.processor.fake")
        child.setLevel(logging.DEBUG)
        child.debug("Received user message '%s'", f"身份证{ID}手机{PHONE}")
        logging.getLogger("sanic.access").warning("bot utterance 'https://x/webhooks/prefill/download/%s'", "T" * 43)
        assert_clean(stream.getvalue())
        assert "T" * 43 not in stream.getvalue()
    finally:
        root.removeHandler(handler)
        _uninstall(old_factory)


def test_install_is_idempotent():
    old_factory = logging.getLogRecordFactory()
    try:
        first = logmask.install()
        factory = logging.getLogRecordFactory()
        assert logmask.install() is first
        assert logging.getLogRecordFactory() is factory
        assert sum(isinstance(f, PersonalDataFilter) for f in logging.getLogger().filters) == 1
    finally:
        _uninstall(old_factory)


def test_wechat_openids_are_masked_bare_and_in_conversation_ids():
    from bot.prefill.logmask import mask_log_text

    line = "tracker wechat:oyORnuP8q7ou2gfYjqLzSIWZf0rs saved; sender oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    masked = mask_log_text(line)
    assert "oyORnuP8q7ou2gfYjqLzSIWZf0rs" not in masked
    assert "wechat:oyOR…" in masked and "sender oyOR…" in masked
