"""Custom actions (rasa-sdk). Every reply is composed from the knowledge base and the eligibility engine."""
from . import answers, fallback, selfcheck  # noqa: F401  (importing registers the actions)
