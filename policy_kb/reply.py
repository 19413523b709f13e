"""The structured reply: what an answer says, before it is put into words for a channel.

One composer (policy_kb/compose.py) builds a `Reply` from the knowledge base and the engine; renderers turn it into
text (policy_kb/render_text.py: chat, CLI, report), web cards, WeChat's compact text or REST `custom` JSON. Every
field holds data that came from policy_kb: a renderer adds words, never facts. `Reply.to_json()` is the JSON form
(/work/coord/reply_model.md, docs) — None and empty fields are left out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

# Condition status, as a person is assessed: met, not met, still to confirm (unknown). None: the condition is
# listed, not evaluated (a question about an item, not a self-check).
MET, UNMET, TO_CONFIRM = "met", "unmet", "to_confirm"
# Verdict of an item in a self-check (policy_kb.eligibility's values).
ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED = "eligible", "not_eligible", "undetermined"


@dataclass
class Citation:
    """A clause cited, with the verbatim span quoted from it ("" when the clause is cited as a whole)."""

    clause: int  # 1 … the clause count
    citation: str  # "第（二）条"
    quote: str = ""
    start: int | None = None  # offsets of `quote` in the clause's verbatim text, when it stands there as written
    end: int | None = None


@dataclass
class Amount:
    text: str  # "每人25万元", "每人每年最低2万元、最高30万元" (policy_kb.money.describe_amount)
    min: int | None = None  # yuan
    max: int | None = None  # yuan
    rate: int | None = None  # yuan per head (basis per_head)
    basis: str | None = None  # per_person | per_year | per_month | one_off | per_head | budget
    ceiling: bool = False  # the text says 最高
    quote: Citation | None = None


@dataclass
class Payment:
    """How the amount is paid (policy_kb.schedule), and who pays."""

    text: str  # "经考核合格每年按20%逐年发放，即每年5万元，共5年"
    rule: str | None = None  # yearly_share | monthly | one_off | yearly | …  (the item's payment rule)
    per_year: int | None = None
    years: int | None = None
    total: int | None = None
    payer: str | None = None  # "区级财政", or the item's payer note
    quote: Citation | None = None
    informative: bool = False  # worth saying beside the amount (yearly shares, monthly sums, a head-count product)


@dataclass
class Condition:
    label: str  # "35周岁及以下"
    status: str | None = None  # met | unmet | to_confirm | None (listed, not evaluated)
    explanation: str = ""  # "36岁，超过“35周岁及以下”1岁" (unmet) — the gap in words
    quote: Citation | None = None
    id: str | None = None  # the condition leaf's id
    field: str | None = None  # the profile field it tests (age, degree, …)


@dataclass
class ItemAnswer:
    """One item (a benefit, a service, an administration target) as the reply presents it."""

    item: str  # item id
    name: str
    kind: str  # benefit | service | target
    citation: Citation  # the item's clause
    verdict: str | None = None  # eligible | not_eligible | undetermined in a self-check; None otherwise
    amount: Amount | None = None
    payment: Payment | None = None
    conditions: list[Condition] = field(default_factory=list)  # the leaves, in the tree's order
    conditions_text: str = ""  # the whole tree in words: all-groups joined by "；", any-groups by "或"
    target: str = ""  # who it is for, as the item writes it
    measure: str = ""  # what a non-money item does
    discretion: list[str] = field(default_factory=list)  # "经考核合格", "工作实绩突出" …
    notes: list[str] = field(default_factory=list)  # the text's ambiguities on this item
    near_misses: list[str] = field(default_factory=list)  # "若满足“副高级及以上职称”，可享受…（第（三）条）"
    units: list[str] = field(default_factory=list)  # responsible units of its clause


@dataclass
class Silence:
    """Where the text is silent (materials, deadlines, combining …): said first, with the unit to ask."""

    topic: str
    note: str
    citation: Citation | None = None


@dataclass
class Suggestion:
    """A next question the person may ask (a button / quick reply): shown `title`, sent `payload`."""

    title: str
    payload: str


@dataclass
class Reply:
    """An answer. `aspect` says what was asked (and which renderer layout fits); `headline` answers it in one line.

    aspect: amount | conditions | payment | payer | detail | units | unit_clauses | clause_text | sentences | where |
    overview | structure | metadata | procedure | combine | contact | self_check | application | not_in_text |
    fallback | small_talk | error
    """

    aspect: str
    headline: str = ""
    items: list[ItemAnswer] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)  # every clause the reply cites, with quoted spans
    silences: list[Silence] = field(default_factory=list)
    next_questions: list[Suggestion] = field(default_factory=list)
    # Lines of the text reply in the order the text renderer writes them; each is [kind, text] where kind says what
    # the line carries (item, conditions, units, quote, note, hint, verdict, question, body) so a renderer that
    # shows the fields above in its own layout may skip the lines it already shows.
    lines: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # 说明 lines: the text's ambiguities, combining rule

    def to_json(self) -> dict[str, Any]:
        return _compact(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        def cite(d):
            return Citation(**d) if d else None

        items = []
        for i in data.get("items", []):
            i = dict(i)
            i["citation"] = cite(i["citation"])
            if i.get("amount"):
                i["amount"] = Amount(**{**i["amount"], "quote": cite(i["amount"].get("quote"))})
            if i.get("payment"):
                i["payment"] = Payment(**{**i["payment"], "quote": cite(i["payment"].get("quote"))})
            i["conditions"] = [Condition(**{**c, "quote": cite(c.get("quote"))}) for c in i.get("conditions", [])]
            items.append(ItemAnswer(**i))
        return cls(
            aspect=data["aspect"],
            headline=data.get("headline", ""),
            items=items,
            units=list(data.get("units", [])),
            citations=[Citation(**c) for c in data.get("citations", [])],
            silences=[Silence(**{**s, "citation": cite(s.get("citation"))}) for s in data.get("silences", [])],
            next_questions=[Suggestion(**s) for s in data.get("next_questions", [])],
            lines=[(k, t) for k, t in data.get("lines", [])],
            notes=list(data.get("notes", [])),
        )


def _compact(value):
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v not in (None, "", [], False)}
    if isinstance(value, (list, tuple)):
        return [_compact(v) for v in value]
    return value
