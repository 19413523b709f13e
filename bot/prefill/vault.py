"""ID numbers and phones out of the conversation: a message's personal numbers are kept in the prefill store and
the message goes on with a reference in their place.

    conceal_text("身份证530113199001011234") → "身份证[身份证号#QkZbVwLrXcTnHyPsMdJa]"
    reveal_text(that)                         → the original text (for the application form, in the action server)

Every input channel conceals a message before Rasa sees it (bot/channels/inbound.py), so the tracker, the event
stream, the NLU and the logs of both servers only ever hold the reference. The action that fills the application
reveals what it needs, validates it, and keeps in its slot a reference again (`conceal_fields`), never the value.
References are 20 random letters (no digits, so no number rule of the NLU reads anything in them); they resolve
only while the store's retention lasts (PREFILL_RETENTION_DAYS) and `python -m bot.prefill purge --all` drops them.
"""

from __future__ import annotations

import re
import secrets
import string

from .store import Store
from .validate import ID_IN_TEXT, LONG_DIGITS, PHONE_IN_TEXT

# kind → (label shown in the marker, shape in free text); tried in this order, as mask_text does.
KINDS = {"id_number": ("身份证号", ID_IN_TEXT), "phone": ("手机号", PHONE_IN_TEXT), "number": ("号码", LONG_DIGITS)}
LABELS = {label: kind for kind, (label, _shape) in KINDS.items()}
REF_CHARS = 20
MARKER = re.compile(rf"\[({'|'.join(LABELS)})#([A-Za-z]{{{REF_CHARS}}})\]")
FIELD_KINDS = ("id_number", "phone")  # applicant fields that are kept as references


def _ref() -> str:
    return "".join(secrets.choice(string.ascii_letters) for _ in range(REF_CHARS))


def marker(kind: str, ref: str) -> str:
    return f"[{KINDS[kind][0]}#{ref}]"


def conceal_text(text: str, store: Store | None = None) -> str:
    """`text` with every ID number, mobile number and long digit run replaced by a reference to the store."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    found: list[tuple[str, str, str]] = []

    def keep(kind: str):
        def replace(m: re.Match) -> str:
            ref = _ref()
            found.append((ref, kind, m.group(0)))
            return marker(kind, ref)

        return replace

    for kind, (_label, shape) in KINDS.items():
        text = shape.sub(keep(kind), text)
    if found:
        store = store or Store()
        for ref, kind, value in found:
            store.keep(ref, kind, value)
    return text


def reveal_text(text: str, store: Store | None = None) -> str:
    """The text with each reference replaced by the value it stands for (an expired one stays a reference)."""
    refs = [m.group(2) for m in MARKER.finditer(text or "")]
    if not refs:
        return text
    values = (store or Store()).values(refs)
    return MARKER.sub(lambda m: values.get(m.group(2), m.group(0)), text)


def is_reference(value) -> bool:
    return isinstance(value, str) and MARKER.fullmatch(value) is not None


def conceal_fields(fields: dict, store: Store | None = None) -> dict:
    """A copy of applicant fields in which the ID number and the phone are references, for a slot."""
    out = dict(fields or {})
    for key in FIELD_KINDS:
        value = out.get(key)
        if isinstance(value, str) and value and not is_reference(value):
            ref = _ref()
            (store := store or Store()).keep(ref, key, value)
            out[key] = marker(key, ref)
    return out


def reveal_fields(fields: dict, store: Store | None = None) -> dict:
    """A copy of applicant fields with their references resolved (an expired one is dropped: asked again)."""
    out = dict(fields or {})
    refs = {key: MARKER.fullmatch(out[key]).group(2) for key in FIELD_KINDS if is_reference(out.get(key))}
    if refs:
        values = (store or Store()).values(list(refs.values()))
        for key, ref in refs.items():
            if ref in values:
                out[key] = values[ref]
            else:
                out.pop(key)
    return out
