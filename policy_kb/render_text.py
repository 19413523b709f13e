"""The text renderer of the structured reply (policy_kb/reply.py): the chat's, the CLI's and the report's text.

The composer (policy_kb/compose.py) writes each line's Chinese sentence beside the data it says; this renderer
lays the lines out — one a line, a `gap` line as the blank line between the answers to a message's questions.
Card and compact renderers (bot/channels, bot/web) read the structured fields of the same Reply instead.
"""

from __future__ import annotations

from .reply import Reply

GAP = "gap"


def render_text(reply: Reply) -> str:
    return "\n".join(text for kind, text in reply.lines if text or kind == GAP)
