"""Custom actions (rasa-sdk). Every reply is composed from the knowledge base and the eligibility engine."""

from bot.prefill import install_log_masking

from . import answers, apply, contact, fallback, selfcheck, stop  # noqa: F401  (importing registers the actions)

install_log_masking()  # ID numbers and phones never reach the action server's logs
