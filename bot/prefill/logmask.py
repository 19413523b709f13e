"""Keep ID numbers, phone numbers, download tokens and WeChat OpenIDs out of the logs, at every level (DEBUG too).

`PersonalDataFilter` masks a log record in place (message, arguments, traceback text). A filter attached to a
*logger* only sees records logged on that very logger, not those propagated from `rasa.*` or `sanic.*` children,
so `install()` does three things:

- attaches the filter to the root logger and to every handler of the root logger,
- wraps the LogRecord factory, so every record created anywhere (and handlers added later, e.g. by Rasa's
  `logging.basicConfig`) is masked before any handler sees it.

Rasa's structlog output is rendered to a string and passed to a stdlib logger, so it is covered too.
"""

from __future__ import annotations

import logging
import re

from .validate import mask_text

# A WeChat OpenID (28 characters of [A-Za-z0-9_-], starting with "o"), bare or in a conversation id (wechat:…):
# Rasa's DEBUG lines name the conversation of every event; only a short prefix is kept.
OPENID = re.compile(r"(?<![A-Za-z0-9_-])(wechat:)?(o[A-Za-z0-9_-]{3})[A-Za-z0-9_-]{24}(?![A-Za-z0-9_-])")
CONVERSATION = re.compile(r"(wechat:)([A-Za-z0-9_-]{4})[A-Za-z0-9_-]+")


def mask_log_text(text: str) -> str:
    """What a log line may say: personal numbers, download tokens and WeChat users' ids masked."""
    text = OPENID.sub(lambda m: (m.group(1) or "") + m.group(2) + "…", mask_text(text))
    return CONVERSATION.sub(lambda m: m.group(1) + m.group(2) + "…", text)


_FORMATTER = logging.Formatter()


class PersonalDataFilter(logging.Filter):
    """A logging filter that masks personal numbers in a record; it never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_personal_data_masked", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: mask what there is
        message = f"{record.msg} {record.args!r}"
    record.msg, record.args = mask_log_text(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = _FORMATTER.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_log_text(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_log_text(record.stack_info)
    record._personal_data_masked = True
    return record


_installed_factory = None


def install(logger: logging.Logger | None = None) -> PersonalDataFilter:
    """Mask personal data in every log record of this process (idempotent). Returns the filter."""
    global _installed_factory
    logger = logger or logging.getLogger()
    flt = next((f for f in logger.filters if isinstance(f, PersonalDataFilter)), None) or PersonalDataFilter()
    if flt not in logger.filters:
        logger.addFilter(flt)
    for handler in logger.handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(flt)
    current = logging.getLogRecordFactory()
    if current is not _installed_factory:

        def factory(*args, **kwargs):
            return mask_record(current(*args, **kwargs))

        _installed_factory = factory
        logging.setLogRecordFactory(factory)
    return flt
