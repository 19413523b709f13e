"""No ID number or phone number reaches a log, however it is logged."""

import contextlib
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


@contextlib.contextmanager
def bare_root():
    """The root logger without pytest's capture handlers (added for the test's body, so removed here): once install
    gave them the filter, they would mask each record in place before the handlers under test see it."""
    root = logging.getLogger()
    kept = root.handlers
    root.handlers = []
    try:
        yield root
    finally:
        root.handlers = kept


def test_install_covers_records_of_child_loggers_and_handlers_added_later():
    stream = io.StringIO()
    old_factory = logging.getLogRecordFactory()
    handler = logging.StreamHandler(stream)  # added after install, as Rasa's basicConfig would
    with bare_root() as root:
        try:
            logmask.install()
            root.addHandler(handler)
            child = logging.getLogger("rasa.core.processor.fake")
            child.setLevel(logging.DEBUG)
            child.debug("Received user message '%s'", f"身份证{ID}手机{PHONE}")
            logging.getLogger("sanic.access").warning(
                "bot utterance 'https://x/webhooks/prefill/download/%s'", "T" * 43
            )
        finally:
            root.removeHandler(handler)
            _uninstall(old_factory)
    assert_clean(stream.getvalue())
    assert "T" * 43 not in stream.getvalue()


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


def record(msg, *args, exc_info=None, **fields):
    """A record made by calling LogRecord itself, as some libraries do: the record factory (install) never sees it."""
    made = logging.LogRecord("rasa.core", logging.INFO, __file__, 1, msg, args, exc_info)
    made.__dict__.update(fields)
    return made


def test_a_broken_format_string_is_logged_masked_not_dropped():
    r = record("user %s gave phone %s and %s", f"身份证{ID}")  # one argument for three placeholders
    assert PersonalDataFilter().filter(r) is True
    # the format string and its arguments as they came, masked
    assert r.getMessage() == f"user %s gave phone %s and %s ('身份证5301**********{ID[-4:]}',)"


def test_preformatted_tracebacks_and_stack_texts_are_masked():
    try:
        raise ValueError(f"bad id {ID}")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    formatted = record("failed", exc_info=exc_info, exc_text=f"Traceback …\nValueError: bad id {ID}")
    stacked = record("here", stack_info=f'Stack (most recent call last):\n  check_id("{ID}", "{PHONE}")')
    for r in (formatted, stacked):
        PersonalDataFilter().filter(r)
    assert ID not in formatted.exc_text and "ValueError: bad id 5301**********" in formatted.exc_text
    assert ID not in stacked.stack_info and PHONE not in stacked.stack_info and "138****8000" in stacked.stack_info
    fresh = record("failed", exc_info=exc_info)  # a traceback not yet formatted is formatted, then masked
    PersonalDataFilter().filter(fresh)
    assert "ValueError: bad id 5301**********" in fresh.exc_text and ID not in fresh.exc_text


def test_install_masks_records_made_without_the_factory_on_earlier_handlers_and_on_the_root_logger():
    """Records made without the record factory are caught by the filters: on every handler the root logger had at
    install (records of child loggers pass only those), and on the root logger itself."""
    before, after = io.StringIO(), io.StringIO()
    early = logging.StreamHandler(before)
    old_factory = logging.getLogRecordFactory()
    late = logging.StreamHandler(after)  # added after install: no filter of its own
    with bare_root() as root:
        old_level = root.level
        try:
            root.addHandler(early)
            logmask.install()
            root.addHandler(late)
            root.setLevel(logging.DEBUG)
            logging.getLogger("rasa.core.fake").handle(record("from a child: %s", ID))
            root.handle(record("on the root: %s", PHONE))
        finally:
            root.setLevel(old_level)
            _uninstall(old_factory)
    assert "from a child: 5301**********" in before.getvalue() and ID not in before.getvalue()
    assert "on the root: 138****8000" in after.getvalue() and PHONE not in after.getvalue()


def test_openid_masking_keeps_other_words_whole():
    from bot.prefill.logmask import mask_log_text

    openid = "o-Ab_" + "x9Y-z_" * 3 + "Q1w2E"  # 28 characters of [A-Za-z0-9_-], "o" first
    assert len(openid) == 28
    assert mask_log_text(f"from {openid}.") == "from o-Ab….", "an OpenID with - and _"
    assert mask_log_text(f"to:{openid}") == "to:o-Ab…"
    for word in ("a" + openid[1:], openid + "z", "z" + openid, openid[:-1]):  # not an OpenID: left whole
        assert mask_log_text(f"id {word} end") == f"id {word} end", word
    assert mask_log_text("conversation wechat:u1234567 started") == "conversation wechat:u123… started"
    assert mask_log_text("rest:u1234567") == "rest:u1234567"
