"""Keep ID numbers, phone numbers and download tokens out of the logs.

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

from .validate import mask_text

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
    record.msg, record.args = mask_text(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = _FORMATTER.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_text(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)
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
