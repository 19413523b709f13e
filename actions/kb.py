"""The knowledge base's read model (policy_kb/reader.py), opened once per action-server process and kept."""

from policy_kb.reader import reader as kb

__all__ = ["kb"]
