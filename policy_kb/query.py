"""Read-only query API over the built SQLite knowledge base, used by the actions and the hotline CLI.

Open it once (`KB()`), keep it: every method is a few indexed SQLite reads.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import normalize
from .paths import DEFAULT_DB
from .refs import parse_clause_ref
from .segment import cut, expand

STOPWORDS = set(
    "的 了 吗 呢 啊 吧 么 嘛 和 与 及 或 是 有 在 我 你 他 她 它 们 这 那 哪 个 能 可 以 会 要 想 请 问 给".split()
) | {
    "多少",
    "哪些",
    "什么",
    "怎么",
    "怎样",
    "如何",
    "可以",
    "能够",
    "是否",
    "有没有",
    "一下",
    "请问",
    "我们",
    "你们",
    "负责",
    "哪个",
    "哪里",
    "条款",
    "政策",
    "规定",
    "东川",
    "东川区",
}


@dataclass
class Item:
    id: str
    clause: int
    kind: str
    name: str
    target: str | None
    amount_text: str | None
    amount_min: int | None
    amount_max: int | None
    amount_rate: int | None
    payer: str | None
    data: dict = field(repr=False)


@dataclass
class Clause:
    number: int
    label: str
    citation: str
    part: str
    title: str
    text: str
    units: list[str]
    items: list[Item]


@dataclass
class Hit:
    clause: Clause
    quotes: list[str]  # the passages that matched, best first
    items: list[Item]  # the clause's items named by the matching passages (or all money items)
    score: float


@dataclass
class Sentence:
    clause: int
    text: str  # verbatim, as it stands in the clause
    words: list[str]  # the question's words found in it
    score: float  # BM25 (higher is better)


@dataclass
class UnitClauses:
    unit: str | None  # the unit's name as written in the text, or None if unknown
    clauses: list[Clause]  # clauses that name the unit in their 责任单位 list
    collective: list[Clause]  # clauses whose list says 区属各单位（部门） / 各乡镇（街道）, which may include it


class NotBuilt(RuntimeError):
    pass


def fts_phrase(word: str) -> str:
    """One search word as a quoted FTS5 string: operators and quotes inside it lose their meaning."""
    return '"' + word.replace('"', '""') + '"'


class KB:
    def __init__(self, path: Path | str = DEFAULT_DB):
        path = Path(path)
        if not path.exists():
            raise NotBuilt(f"knowledge base not built: {path} (run `make kb`)")
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        self._units = [dict(r) for r in self._rows("select * from units")]
        self._sentences = [
            (r["clause"], r["text"])
            for r in self._rows("select clause, text from passages where kind = 'sentence' order by id")
        ]

    def _rows(self, sql: str, params=()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # --- the document -------------------------------------------------------------------------------------
    def document(self) -> dict:
        row = dict(self._rows("select * from documents where id = 1")[0])
        row["issuers"] = json.loads(row["issuers"])
        row.pop("text")
        return row

    def source_text(self) -> str:
        return self._rows("select text from documents where id = 1")[0]["text"]

    # --- clauses and items --------------------------------------------------------------------------------
    def _item(self, row) -> Item:
        return Item(
            id=row["id"],
            clause=row["clause"],
            kind=row["kind"],
            name=row["name"],
            target=row["target"],
            amount_text=row["amount_text"],
            amount_min=row["amount_min"],
            amount_max=row["amount_max"],
            amount_rate=row["amount_rate"],
            payer=row["payer"],
            data=json.loads(row["data"]),
        )

    def items(self, clause: int | None = None, kind: str | None = None) -> list[Item]:
        sql, params = "select * from items where 1=1", []  # type: tuple[str, list[int | str]]
        if clause is not None:
            sql += " and clause = ?"
            params.append(clause)
        if kind is not None:
            sql += " and kind = ?"
            params.append(kind)
        return [self._item(r) for r in self._rows(sql + " order by clause, rowid", params)]

    def item(self, item_id: str) -> Item | None:
        rows = self._rows("select * from items where id = ?", (item_id,))
        return self._item(rows[0]) if rows else None

    def clause(self, ref: int | str) -> Clause | None:
        """A clause by number or by any common reference (第九条, 第9条, （九）, 九 …); None if there is none."""
        number = ref if isinstance(ref, int) else parse_clause_ref(str(ref))
        if number is None:
            return None
        rows = self._rows("select * from clauses where number = ?", (number,))
        if not rows:
            return None
        r = rows[0]
        units = [
            u["unit"] for u in self._rows("select unit from clause_units where clause = ? order by position", (number,))
        ]
        return Clause(
            number=r["number"],
            label=r["label"],
            citation=r["citation"],
            part=r["part"],
            title=r["title"],
            text=r["text"],
            units=units,
            items=self.items(number),
        )

    def _existing(self, number: int) -> Clause:
        """A clause the store itself named (a row's clause number): it exists."""
        clause = self.clause(number)
        if clause is None:
            raise KeyError(number)
        return clause

    def clause_count(self) -> int:
        return self._rows("select count(*) as n from clauses")[0]["n"]

    def clauses(self) -> list[Clause]:
        numbers = [r["number"] for r in self._rows("select number from clauses order by number")]
        return [c for c in (self.clause(n) for n in numbers) if c is not None]

    # --- units --------------------------------------------------------------------------------------------
    def resolve_unit(self, text: str) -> str | None:
        """The unit as written in the text for a name or alias (卫健局 → 区卫生健康局), longest match first."""
        text = normalize(text)
        candidates = []
        for u in self._units:
            for name in [u["name"], *json.loads(u["aliases"])]:
                if name and name in text:
                    candidates.append((len(name), u["name"]))
        return max(candidates)[1] if candidates else None

    def collective_units(self) -> list[str]:
        """The designations that cover many units (units.yml `collective`), as the text writes them."""
        return [u["name"] for u in self._units if u["collective"]]

    def unit(self, text: str) -> UnitClauses:
        name = self.resolve_unit(text)
        if name is None:
            return UnitClauses(None, [], [])
        direct = [
            r["clause"] for r in self._rows("select clause from clause_units where unit = ? order by clause", (name,))
        ]
        collective_units = self.collective_units()
        collective = []
        if name not in collective_units:
            marks = ",".join("?" * len(collective_units))
            collective = [
                r["clause"]
                for r in self._rows(
                    f"select distinct clause from clause_units where unit in ({marks}) order by clause",
                    collective_units,
                )
                if r["clause"] not in direct
            ]
        return UnitClauses(name, [self._existing(n) for n in direct], [self._existing(n) for n in collective])

    def unit_names(self) -> list[str]:
        return [u["name"] for u in self._units]

    # --- search -------------------------------------------------------------------------------------------
    def search_words(self, text: str) -> list[str]:
        words = [w for w in cut(normalize(text)) if w not in STOPWORDS]
        longer = [w for w in words if len(w) > 1]
        return expand(longer or words)

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        """Clauses matching the words of `text`, best first. Any input is safe: it is never parsed as FTS syntax."""
        text = normalize(text)
        number = parse_clause_ref(text) if re.search(r"第|条|[（(]", text) else None
        words = self.search_words(text)
        if not words:
            return [Hit(self._existing(number), [], [], 0.0)] if number else []
        match = " OR ".join(fts_phrase(w) for w in words[:64])
        rows = self._rows(
            "select p.clause, p.item, p.kind, p.text, bm25(passages_fts) as rank "
            "from passages_fts join passages p on p.rowid = passages_fts.rowid "
            "where passages_fts match ? order by rank limit 200",
            (match,),
        )
        by_clause: dict[int, dict] = {}
        for r in rows:
            hit = by_clause.setdefault(r["clause"], {"score": 0.0, "quotes": [], "items": []})
            hit["score"] += -r["rank"]
            if r["kind"] == "sentence" and r["text"] not in hit["quotes"]:
                hit["quotes"].append(r["text"])
            if r["item"] and r["item"] not in hit["items"]:
                hit["items"].append(r["item"])
        if number and number not in by_clause:
            by_clause[number] = {"score": float("inf"), "quotes": [], "items": []}
        ranked = sorted(by_clause.items(), key=lambda kv: -kv[1]["score"])[:limit]
        hits = []
        for n, h in ranked:
            clause = self._existing(n)
            by_id = {i.id: i for i in clause.items}
            items = [by_id[i] for i in h["items"] if i in by_id] or self._items_in_quotes(clause, h["quotes"])
            hits.append(Hit(clause, h["quotes"], items, h["score"]))
        return hits

    def sentences(self, text: str, limit: int = 3) -> list[Sentence]:
        """The verbatim sentences of the policy best matching the words of `text` (BM25 over jieba words and their
        vocabulary synonyms), best first. Any input is safe."""
        words = self.search_words(text)
        if not words:
            return []
        match = " OR ".join(fts_phrase(w) for w in words[:64])
        rows = self._rows(
            "select p.clause, p.text, bm25(passages_fts) as rank "
            "from passages_fts join passages p on p.rowid = passages_fts.rowid "
            "where passages_fts match ? and p.kind = 'sentence' order by rank limit ?",
            (match, limit),
        )
        return [Sentence(r["clause"], r["text"], [w for w in words if w in r["text"]], -r["rank"]) for r in rows]

    def sentence_frequency(self, word: str) -> int:
        """In how many sentences of the policy `word` is written (0: the text never says it)."""
        return sum(1 for _, s in self._sentences if word in s)

    def mentions(self, word: str) -> list[Sentence]:
        """The first sentence of each clause in which `word` is written verbatim, in clause order."""
        seen: dict[int, Sentence] = {}
        for clause, s in self._sentences:
            if word in s and clause not in seen:
                seen[clause] = Sentence(clause, s, [word], 0.0)
        return [seen[n] for n in sorted(seen)]

    @staticmethod
    def _items_in_quotes(clause: Clause, quotes: list[str]) -> list[Item]:
        """Items whose amount or target quote stands in one of the matched sentences."""
        out = []
        for item in clause.items:
            qs = [(item.data.get(k) or {}).get("quote") for k in ("amount", "target", "measure")]
            if any(q and any(q in s or s in q for s in quotes) for q in qs):
                out.append(item)
        return out

    def by_target(self, text: str) -> list[Item]:
        """Items for a target group (博士, 乡村医生, 退休名师 …): the items whose conditions name the group's facts;
        where the words name no profile fact, the items of the best-matching clauses."""
        from .topics import entities_in, facts_from_entities, items_about, strongest

        text = normalize(text)
        chosen = strongest(items_about(facts_from_entities(entities_in(text))))
        if chosen:
            return [item for item in (self.item(i["id"]) for i in chosen) if item is not None]
        seen, out = set(), []
        for h in self.search(text, limit=3):
            for item in h.items:
                if item.id not in seen:
                    seen.add(item.id)
                    out.append(item)
        return out
