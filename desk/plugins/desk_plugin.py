"""Datasette plugin of the hotline desk: Chinese search over the KB's jieba index, Chinese labels, clause links.

SQL functions (every connection):
    jieba_match(q)      FTS5 expression: every word of q (or a synonym) must occur   — for filtering
    jieba_match_any(q)  FTS5 expression: any word or synonym, as the KB search does — rank with bm25()
    jieba_words(q)      the segmented query, '退休 / 名师 / 退休名师'
    clause_number(ref)  第九条 / 第9条 / （九） / 九 → 9
    unit_name(text)     卫健局 → 区卫生健康局 (the unit as the text writes it)
    zh(column, value)   the Chinese label of a coded value (benefit → 待遇; one_off → 一次性)

`escape_fts` — the function Datasette's own table search box wraps around `?_search=` — is replaced by
jieba_match, so the search box of a table finds Chinese words too; user text never reaches MATCH unquoted.
"""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

from datasette import hookimpl
from markupsafe import Markup, escape

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `datasette serve` does not put the repository on the path
    sys.path.insert(0, str(ROOT))

from desk import fts  # noqa: E402

CLAUSE_LABEL = re.compile(r"^(?:第)?[（(][一二三四五六七八九十]{1,3}[）)](?:条)?$")


def _safe(fn, default):
    """SQLite turns a Python exception into an opaque error: answer `default` instead."""

    def wrapper(*args):
        try:
            return fn(*args)
        except Exception:  # noqa: BLE001
            return default

    return wrapper


def _config(datasette) -> dict:
    return datasette.plugin_config("desk") or {}


def _zh(datasette):
    values = _config(datasette).get("values") or {}

    def zh(column, value):
        if value is None:
            return None
        return (values.get(column) or {}).get(str(value), value)

    return zh


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, so our escape_fts is the one registered
def prepare_connection(conn, database, datasette):
    conn.create_function("jieba_match", 1, _safe(fts.match_all, fts.NOTHING), deterministic=True)
    conn.create_function("jieba_match_any", 1, _safe(fts.match_any, fts.NOTHING), deterministic=True)
    conn.create_function("escape_fts", 1, _safe(fts.match_all, fts.NOTHING), deterministic=True)
    conn.create_function("jieba_words", 1, _safe(fts.words_text, ""), deterministic=True)
    conn.create_function("clause_number", 1, _safe(fts.clause_number, None), deterministic=True)
    conn.create_function("unit_name", 1, _safe(fts.unit_name, None), deterministic=True)
    conn.create_function("zh", 2, _safe(_zh(datasette), None), deterministic=True)


@hookimpl
def startup(datasette):
    # jieba and the KB vocabulary take about a second to load: do it before the first caller waits for it.
    threading.Thread(target=fts.warm_up, name="desk-jieba-warm-up", daemon=True).start()


async def _kb_database(datasette):
    """The name of the attached database that is a knowledge base (has a clauses table), or None."""
    for name, db in datasette.databases.items():
        if not db.is_memory and await db.table_exists("clauses"):
            return name
    return None


async def _home(datasette, request):
    name = await _kb_database(datasette)
    if name is None:
        return None
    db = datasette.get_database(name)
    clauses = [dict(r) for r in (await db.execute("select number, citation, title from clauses order by number")).rows]
    units = [
        dict(r)
        for r in (
            await db.execute(
                "select u.name, count(cu.clause) as count from units u left join clause_units cu on cu.unit = u.name "
                "group by u.name order by u.rowid"
            )
        ).rows
    ]
    queries = await datasette.get_canned_queries(name, request.actor if request else None)
    tables = []
    for table in ("clauses", "items", "clause_units", "passages", "units", "terms", "documents"):
        meta = datasette.table_metadata(name, table)
        tables.append({"name": table, "title": meta.get("title") or table, "description": meta.get("description")})
    return {
        "database": name,
        "clauses": clauses,
        "units": units,
        "queries": [{"name": k, **v} for k, v in queries.items()],
        "tables": tables,
    }


async def _clause_page(datasette, database, request):
    """The clause shown on its row page: verbatim text, units, items."""
    number = fts.clause_number(request.url_vars.get("pks", ""))
    if number is None:
        return None
    db = datasette.get_database(database)
    rows = (
        await db.execute(
            "select c.*, p.title as part_title from clauses c join parts p on p.number = c.part " "where c.number = ?",
            [number],
        )
    ).rows
    if not rows:
        return None
    units = [
        r["unit"]
        for r in (await db.execute("select unit from clause_units where clause = ? order by position", [number])).rows
    ]
    items = [
        dict(r)
        for r in (
            await db.execute(
                "select id, name, kind, target, amount_text, payer from items where clause = ? order by rowid", [number]
            )
        ).rows
    ]
    return {**dict(rows[0]), "units": units, "items": items}


def _names(datasette) -> dict:
    """Chinese names for the breadcrumbs: home, databases and tables by their metadata titles."""
    names = {"home": "首页"}
    for db_name, db_meta in (datasette.metadata("databases") or {}).items():
        names[db_name] = db_meta.get("title") or db_name
        for table, meta in (db_meta.get("tables") or {}).items():
            names.setdefault(table, meta.get("title") or table)
    return names


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    config = _config(datasette)
    columns = config.get("columns") or {}
    zh = _zh(datasette)

    def zh_column(name):
        return columns.get(str(name), name)

    async def inner():
        extra = {
            "zh_column": zh_column,
            "zh_value": zh,
            "desk": config,
            "desk_coded": set(config.get("values") or {}),
            "desk_names": _names(datasette),
        }
        if template == "index.html":
            extra["desk_home"] = await _home(datasette, request)
        if view_name == "row" and table == "clauses" and request is not None:
            extra["clause_page"] = await _clause_page(datasette, database, request)
        return extra

    return inner


@hookimpl
def render_cell(value, column, table, database, datasette):
    """In query results, a clause label (（九）, 第（九）条) in a column named 条款 links to the clause page."""
    if table is None and column == "条款" and isinstance(value, str) and CLAUSE_LABEL.match(value.strip()):
        number = fts.clause_number(value)
        if number:
            href = datasette.urls.row(database, "clauses", str(number))
            return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    return None
